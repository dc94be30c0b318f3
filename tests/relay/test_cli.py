"""The `madoguchi` command as an administrator uses it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from relay.cli.commands import build_parser, main

SUBCOMMANDS = [["serve"], ["check"], ["token"], ["token", "add"], ["token", "list"], ["token", "revoke"],
               ["purge"], ["models"], ["models", "list"], ["models", "fetch"], ["models", "install"],
               ["models", "remove"], ["models", "install-defaults"], ["models", "registry"], ["config"]]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "madoguchi.toml"
    path.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n')
    return path


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*words, "--help"])
    assert exited.value.code == 0
    assert "usage: madoguchi" in capsys.readouterr().out


def test_token_add_list_revoke(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "add", "--role", "operator", "--name", "通訳 田中", "--new-store", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    token_id = out.split()[2]
    assert "mdg_operator_" in out
    assert main(["token", "list", "--config", str(config)]) == 0
    listing = capsys.readouterr().out
    assert token_id in listing and "active" in listing and "mdg_" not in listing, "values are never listed"
    assert main(["token", "revoke", token_id, "--config", str(config)]) == 0
    main(["token", "list", "--config", str(config)])
    assert "revoked" in capsys.readouterr().out
    assert main(["token", "revoke", token_id, "--config", str(config)]) == 1


def test_check_reports_store_and_missing_models(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", "--config", str(config)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["store"]["ready"] is True
    assert set(report["engines"]) == {"asr", "mt", "tts", "easy_japanese"}
    assert report["engines"]["asr"]["ready"] is False and report["engines"]["asr"]["detail"]


def test_check_says_which_event_loop_the_relay_runs_on(config: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop")  # a test dependency: installed by `make test`
    assert main(["check", "--json", "--config", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["event_loop"]["runs_on"] == "uvloop", "the default, when installed"
    monkeypatch.setenv("MADOGUCHI_RELAY_EVENT_LOOP", "asyncio")
    assert main(["check", "--json", "--config", str(config)]) == 0
    assert json.loads(capsys.readouterr().out)["event_loop"]["runs_on"] == "asyncio", "as chosen"
    monkeypatch.setenv("MADOGUCHI_RELAY_EVENT_LOOP", "uvloop")
    monkeypatch.setitem(sys.modules, "uvloop", None)  # chosen, but as if it were not installed
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "event loop: asyncio uvloop chosen but not installed" in out


def test_bad_config_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[relay]\nmax_sesions = 5\n")
    assert main(["check", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "max_sesions" in err and str(bad) in err, "the key, and the file it is in"


def test_purge_needs_a_retention(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "add", "--role", "admin", "--new-store", "--config", str(config)]) == 0
    assert main(["purge", "--days", "30", "--config", str(config)]) == 0
    assert "removed 0 session(s)" in capsys.readouterr().out


def test_config_docs_lists_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--docs"]) == 0
    out = capsys.readouterr().out
    for section in ("[server]", "[relay]", "[store]", "[models]", "[logging]"):
        assert section in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("event_loop", ["asyncio", "uvloop"])
def test_serve_starts_answers_and_stops_cleanly(config: Path, event_loop: str) -> None:
    if event_loop == "uvloop":
        pytest.importorskip("uvloop")  # optional for a relay, a test dependency (`make test` installs it)
    port = _free_port()
    env = {**os.environ, "MADOGUCHI_LOGGING_FORMAT": "json", "MADOGUCHI_RELAY_EVENT_LOOP": event_loop,
           "MADOGUCHI_RELAY_SWITCH_INTERVAL_MS": "0.5"}
    server = subprocess.Popen([sys.executable, "-m", "relay.cli", "serve", "--config", str(config),
                               "--port", str(port)], stderr=subprocess.PIPE, text=True, env=env)
    try:
        body = None
        deadline = time.monotonic() + 120  # generous: start-up took over 30 s with the 2 cores busy
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
                    body = json.loads(resp.read())
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "the relay answered /healthz"
        assert body["status"] == "degraded" and body["engines"]["asr"]["state"] == "missing"
    finally:
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line["event"] == "store closed" for line in lines), "the store is flushed on shutdown"
    started = next(line for line in lines if line["event"] == "event loop")
    assert (started["loop"], started["switch_interval_ms"]) == (event_loop, 0.5), "it runs as configured"


def test_models_install_list_remove_offline(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
    from build_piper import VoiceSpec, cached_voice

    cache = Path(__file__).resolve().parents[2] / ".cache" / "test-models" / "piper"
    voice = cached_voice(cache, VoiceSpec("en_US-random-medium", "en", 22050))
    assert main(["models", "install", "piper", str(voice), "--config", str(config)]) == 0
    assert "installed piper en_US-random-medium (en)" in capsys.readouterr().out
    assert main(["models", "list", "--config", str(config)]) == 0
    assert "en_US-random-medium" in capsys.readouterr().out
    assert main(["models", "install", "piper", str(config), "--config", str(config)]) == 1
    assert "madoguchi:" in capsys.readouterr().err, "a file that is not a voice is refused clearly"
    assert main(["models", "remove", "piper", "en_US-random-medium", "--config", str(config)]) == 0
    capsys.readouterr()
    main(["models", "list", "--config", str(config)])
    assert "no models installed" in capsys.readouterr().out


def test_models_fetch_without_network_says_what_to_do(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "fetch", "whisper", "tiny", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "install" in err, "offline, fetch points to the offline install"


def test_easy_rewrites_and_checks_with_the_relay_s_glossary(capsys: pytest.CaptureFixture[str]) -> None:
    """`madoguchi easy` as the README shows it: the rewrite explains the glossary's counter terms as the
    relay does at the counter, and `--check` scores a clerk's notice."""
    assert main(["easy", "住民票の写しをご用意いただけますでしょうか。"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("住民票（") and "用意してください" in out, out
    assert main(["easy", "--check", "少々お待ちください。"]) == 0
    report = capsys.readouterr().out
    assert "score:" in report and "少し" in report, report
