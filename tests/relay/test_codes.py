"""One registry of every error, close and notice code: the code names them only through it, and the
protocol reference's tables are generated from it."""

from __future__ import annotations

import ast
from pathlib import Path

from relay.cli.commands import main
from relay.escalation.queue import events as queue_events
from relay.wire.codes import CLOSES, ERRORS, NOTICES, CloseCode, ErrorCode, NoticeCode, with_code_tables

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL_DOC = ROOT / "docs" / "protocol.md"
# calls whose code argument (first positional after the status for api_error, or code=) names a code
CODE_CALLS = {"ProtocolError": 0, "api_error": 1, "_json_error": 1, "Notice": None, "Error": None}


def test_the_protocol_reference_lists_every_code_as_the_registry_has_it() -> None:
    doc = PROTOCOL_DOC.read_text(encoding="utf-8")
    assert doc == with_code_tables(doc), (
        "docs/protocol.md's code tables are stale: regenerate with `madoguchi protocol --update-docs docs/protocol.md`"
    )
    for code in [*ERRORS, *NOTICES]:
        assert f"| `{code}` |" in doc
    for close in CLOSES:
        assert f"| {close} |" in doc


def test_madoguchi_protocol_prints_and_rewrites_the_tables(tmp_path: Path, capsys) -> None:
    stale = tmp_path / "protocol.md"
    doc = PROTOCOL_DOC.read_text(encoding="utf-8")
    stale.write_text(doc.replace("| `shutting_down` |", "| `shutting_down_old` |"), encoding="utf-8")
    assert main(["protocol", "--update-docs", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == doc
    assert main(["protocol"]) == 0
    printed = capsys.readouterr().out
    assert "| `glossary_read_only` |" in printed and "| 4431 |" in printed and "| `no_voice` |" in printed


def test_every_code_constant_is_registered_once() -> None:
    for names, registry in ((ErrorCode, ERRORS), (NoticeCode, NOTICES), (CloseCode, CLOSES)):
        values = [v for k, v in vars(names).items() if k.isupper()]
        assert sorted(values, key=str) == sorted(registry, key=str)
        assert len(set(values)) == len(values), f"two {names.__name__} names share a value"


def test_the_queue_errors_carry_registered_codes() -> None:
    def subclasses(cls: type) -> list[type]:
        return [cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))]

    for error in subclasses(queue_events.QueueError):
        assert error.code in ERRORS, f"{error.__name__}.code {error.code!r} is not in relay/wire/codes.py"


def _literal_codes(tree: ast.AST, path: Path) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = []
            if name in CODE_CALLS and CODE_CALLS[name] is not None and len(node.args) > CODE_CALLS[name]:
                args.append(node.args[CODE_CALLS[name]])
            if name in CODE_CALLS or name == "close":
                args += [k.value for k in node.keywords if k.arg in ("code", "close_code")]
            if name == "close" and node.args:
                args.append(node.args[0])
            found += [f"{path}:{node.lineno} {name}({arg.value!r})" for arg in args
                      if isinstance(arg, ast.Constant) and isinstance(arg.value, (str, int))]
        elif (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
              and any(getattr(t, "id", "") == "code" for t in node.targets)):  # class attributes: QueueError.code
            found.append(f"{path}:{node.lineno} code = {node.value.value!r}")
    return found


def test_the_relay_names_codes_only_through_the_registry() -> None:
    offenders = []
    for path in sorted((ROOT / "relay").rglob("*.py")):
        if path.name == "codes.py":
            continue
        offenders += _literal_codes(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(ROOT))
    assert not offenders, "codes written as literals (use ErrorCode / CloseCode / NoticeCode):\n" + "\n".join(offenders)
