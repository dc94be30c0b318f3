"""The systemd units of deploy/systemd/ (docs/deployment.md) start their programs with arguments those
programs accept: each ExecStart is parsed by the program's own argument parser (madoguchi, LibreTranslate)
or checked against its ``--help`` (the Wyoming servers), so a unit that would fail at boot fails here."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from relay.cli.commands import build_parser
from relay.runtime.supervision import STOP_TIMEOUT_S
from relay.settings import RelayConfig, ServerConfig
from tests.remote.libretranslate_server import LIBRETRANSLATE
from tests.remote.servers import require

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def service(unit: str) -> dict[str, list[str]]:
    """The [Service] keys of a unit file (a key may repeat, as Environment= does)."""
    keys: dict[str, list[str]] = {}
    section = ""
    for line in (UNITS / unit).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            keys.setdefault(key, []).append(value)
    return keys


def exec_args(unit: str) -> list[str]:
    return shlex.split(service(unit)["ExecStart"][0])


def stop_timeout_s(unit: str) -> float:
    """How long systemd waits after SIGTERM before it kills the unit's process (its default: 90 s)."""
    value = service(unit).get("TimeoutStopSec", ["90s"])[0]
    return float(value.removesuffix("s"))


def test_every_unit_restarts_on_failure_as_an_unprivileged_user() -> None:
    units = sorted(p.name for p in UNITS.glob("*.service"))
    assert units == ["libretranslate.service", "madoguchi-redis.service", "madoguchi.service",
                     "wyoming-asr.service", "wyoming-tts.service"]
    for unit in units:
        keys = service(unit)
        assert keys["Restart"] == ["on-failure"] and keys["User"][0] not in ("", "root"), unit


def test_the_relay_unit_runs_madoguchi_serve_with_room_for_its_sockets() -> None:
    program, *args = exec_args("madoguchi.service")
    assert program.endswith("/madoguchi")
    parsed = build_parser().parse_args(args)
    assert parsed.config == "/etc/madoguchi/madoguchi.toml"
    assert int(service("madoguchi.service")["LimitNOFILE"][0]) >= 3 * 1000 + 256, "1,000 sessions and spare"


def test_the_relay_unit_waits_for_a_clean_stop_before_it_kills() -> None:
    """The relay's own bound on a stop (open turns for server.shutdown_timeout_s, then its loops, then any
    task left over, each at most STOP_TIMEOUT_S, then an engine call stuck in its thread for at most
    relay.engine_timeout_s) fits in TimeoutStopSec: systemd kills only a relay that is stuck beyond its
    own limits, and the topology test fails on a node that does not stop within it."""
    own_bound_s = ServerConfig().shutdown_timeout_s + 3 * STOP_TIMEOUT_S + RelayConfig().engine_timeout_s
    assert stop_timeout_s("madoguchi.service") >= own_bound_s


def test_the_libretranslate_unit_is_accepted_by_libretranslate() -> None:
    if not LIBRETRANSLATE.exists():
        pytest.skip(f"LibreTranslate is not installed at {LIBRETRANSLATE} (`make test` installs it)")
    program, *args = exec_args("libretranslate.service")
    assert program.endswith("/libretranslate")
    python = LIBRETRANSLATE.parent / "python"
    check = "import sys; from libretranslate.main import get_parser; print(get_parser().parse_args(sys.argv[1:]))"
    parsed = subprocess.run([str(python), "-c", check, *args], capture_output=True, text=True, timeout=120)
    assert parsed.returncode == 0, parsed.stderr
    assert "disable_web_ui=True" in parsed.stdout and "update_models=False" in parsed.stdout, "never downloads"


@pytest.mark.parametrize(("unit", "module"), [("wyoming-asr.service", "wyoming_faster_whisper"),
                                              ("wyoming-tts.service", "wyoming_piper")])
def test_the_wyoming_units_use_options_the_servers_have(unit: str, module: str) -> None:
    require(module)
    _, dash_m, named, *args = exec_args(unit)
    assert (dash_m, named) == ("-m", module)
    usage = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120)
    options = [a for a in args if a.startswith("--")]
    assert "--local-files-only" in options, "the server must never download a model"
    missing = [o for o in options if o not in usage.stdout]
    assert not missing, f"{unit}: {module} has no {missing}"
