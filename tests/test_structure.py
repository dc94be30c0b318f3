"""The code's shape, as the brief asks it: modules a reader can take in, packages that say what they hold."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("relay", "pipelines", "easy_japanese")
# the tests and the benchmarks are read as often as the code
SIZE_CHECKED = (*PACKAGES, "tests", "bench")
MAX_MODULE_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for package in SIZE_CHECKED for p in (ROOT / package).rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    too_long = {str(p.relative_to(ROOT)): n for p in _modules()
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines (split them by concern): {too_long}"


def test_every_relay_package_says_what_lives_there() -> None:
    for init in sorted((ROOT / "relay").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init.relative_to(ROOT)} needs a docstring: what lives there, what it may import"
