"""The mistakes a city's IT staff make setting the relay up from the README, each said in one line that
names what to fix: a token command run without the relay's configuration, a port already taken, a
store folder that cannot be created, a second relay on the same store, a typo in the models folder."""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relay.cli.commands import _print_check, main
from relay.cli.preflight import claim_store

WHISPER_LANGUAGES = ["en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "vi", "tl", "my", "ne", "id"]


def _config(tmp_path: Path, store: Path, models: Path | None = None, port: int = 0) -> Path:
    path = tmp_path / "madoguchi.toml"
    path.write_text(f'[store]\npath = "{store}"\n[models]\ndir = "{models or tmp_path / "models"}"\n'
                    f'[logging]\nformat = "text"\n[server]\nport = {port or 8080}\n')
    return path


def test_a_token_command_without_the_relays_config_makes_no_store_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not where the relay runs
    monkeypatch.delenv("MADOGUCHI_CONFIG", raising=False)
    assert main(["token", "add", "--role", "clerk", "--name", "市民課 1番"]) == 1
    err = capsys.readouterr().err
    assert f"no store at {elsewhere / 'data' / 'madoguchi.sqlite3'}" in err and "--config" in err
    assert not (elsewhere / "data" / "madoguchi.sqlite3").exists(), "no token the relay would refuse"
    assert main(["token", "list"]) == 1, "an empty list would look like the relay's"


def test_every_store_command_says_which_store_it_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "relay.sqlite3"
    config = _config(tmp_path, store)
    assert main(["token", "add", "--role", "clerk", "--new-store", "--config", str(config)]) == 0
    assert capsys.readouterr().err == f"store: {store} (new)\n"
    assert main(["token", "list", "--config", str(config)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"store: {store}\n" and "clerk" in captured.out


def _one_line_failure(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err[-2000:]
    return lines[0]


def test_a_port_in_use_is_one_line_before_the_models_load(tmp_path: Path) -> None:
    config = _config(tmp_path, tmp_path / "db.sqlite3")
    with socket.socket() as other_relay:
        other_relay.bind(("127.0.0.1", 0))
        other_relay.listen()
        port = other_relay.getsockname()[1]
        serve = subprocess.run([sys.executable, "-m", "relay.cli", "serve", "--config", str(config), "--port", str(port)],
                               capture_output=True, text=True, timeout=300)
    assert serve.returncode == 1
    line = _one_line_failure(serve.stderr)  # no engine was loaded (their log lines would be here)
    assert line == f"madoguchi: port {port} on 127.0.0.1 is in use (another relay?) — stop it, or set [server] port"


# `madoguchi serve` whose early check found the port free: another process took it during the start-up
SERVE_AFTER_THE_PORT_WAS_TAKEN = """
import sys
import relay.cli.preflight
from relay.cli.commands import main
relay.cli.preflight.port_free = lambda host, port: None
sys.exit(main(sys.argv[1:]))
"""


def test_a_port_taken_during_the_start_up_is_one_line_too(tmp_path: Path) -> None:
    config = _config(tmp_path, tmp_path / "db.sqlite3")
    with socket.socket() as other_relay:
        other_relay.bind(("127.0.0.1", 0))
        other_relay.listen()
        port = other_relay.getsockname()[1]
        serve = subprocess.run([sys.executable, "-c", SERVE_AFTER_THE_PORT_WAS_TAKEN, "serve", "--config", str(config),
                                "--port", str(port)], capture_output=True, text=True, timeout=300)
    assert serve.returncode == 1 and "Traceback" not in serve.stderr, serve.stderr[-2000:]
    assert serve.stderr.strip().splitlines()[-1].startswith(f"madoguchi: port {port} on 127.0.0.1 is in use")


@pytest.mark.parametrize("store", ["a-file/madoguchi.sqlite3", "/proc/madoguchi/madoguchi.sqlite3",
                                   "/sys/madoguchi/madoguchi.sqlite3"])  # /sys: not permitted, even to root
def test_a_store_folder_that_cannot_be_made_is_one_line(tmp_path: Path, store: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    path = tmp_path / store
    assert main(["serve", "--config", str(_config(tmp_path, path))]) == 1
    line = _one_line_failure(capsys.readouterr().err)
    assert line.startswith(f"madoguchi: store.path {path}: cannot create its folder {path.parent}: ")


def test_a_second_relay_on_the_same_store_is_refused_naming_the_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "db.sqlite3"
    first = claim_store(str(store))  # what the running relay holds
    assert first is not None
    with socket.socket() as first_relays_port:  # it listens on the same port, too
        first_relays_port.bind(("127.0.0.1", 0))
        first_relays_port.listen()
        config = _config(tmp_path, store, port=first_relays_port.getsockname()[1])
        assert main(["serve", "--config", str(config)]) == 1
    try:
        line = _one_line_failure(capsys.readouterr().err)  # the store named, not only the port
        assert line.startswith(f"madoguchi: another relay already uses the store {store} (pid {os.getpid()} on ")
    finally:
        first.close()
    second = claim_store(str(store))  # once the first has stopped
    assert second is not None
    second.close()


def test_a_models_folder_that_does_not_exist_is_said_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "registy-models"
    config = _config(tmp_path, tmp_path / "db.sqlite3", models=typo)
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"models dir: {typo}  (does not exist — check [models] dir)" in out
    engines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and "MISSING" in line}
    assert f"MISSING the models folder {typo} does not exist (check [models] dir); no Whisper model" in engines["asr"]
    assert f"MISSING the models folder {typo} does not exist (check [models] dir); phrasebook only" in engines["mt"]


def test_check_counts_a_model_s_languages_and_says_whether_japanese_and_the_residents_are_covered(
        capsys: pytest.CaptureFixture[str]) -> None:
    report = {"config": "x.toml", "models_dir": "/m", "models_dir_exists": True, "engines": {},
              "languages": ["en", "vi", "my"], "store": {"ready": True, "detail": "db"},
              "queue": {"ready": True, "detail": "in-process"},
              "event_loop": {"runs_on": "asyncio", "detail": ""},
              "models": [{"kind": "whisper", "name": "base", "languages": WHISPER_LANGUAGES, "size_mb": 145.0,
                          "source": "registry"},
                         {"kind": "whisper", "name": "base-no-burmese", "languages": WHISPER_LANGUAGES[:-3],
                          "size_mb": 145.0, "source": "local"}]}
    _print_check(report)
    out = capsys.readouterr().out
    assert "16 languages, incl. ja and every resident language" in out
    assert "13 languages, not my" in out


def test_check_only_says_a_missing_store_will_be_made_and_serve_makes_it_before_the_models_load(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "data" / "madoguchi.sqlite3"
    config = _config(tmp_path, store)
    assert main(["check", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"store:      ready   {store}: none yet — will be created at {store} when the relay starts" in out
    assert not store.exists() and not store.parent.exists(), "check changes nothing"
    assert main(["token", "add", "--role", "clerk", "--config", str(config)]) == 1, "still refused: no relay ran"
    assert f"no store at {store}" in capsys.readouterr().err
    with socket.socket() as taken:  # serve stops at the port, after the store and before the models
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", "--config", str(config), "--port", str(taken.getsockname()[1])]) == 1
    assert main(["token", "add", "--role", "clerk", "--config", str(config)]) == 0, "the relay's first start made it"
    assert capsys.readouterr().err.splitlines()[-1] == f"store: {store}"


def test_check_says_when_a_missing_store_could_not_be_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    store = tmp_path / "a-file" / "data" / "madoguchi.sqlite3"
    assert main(["check", "--config", str(_config(tmp_path, store))]) == 1
    out = capsys.readouterr().out
    assert f"store:      FAILED  {store}: cannot be created: {tmp_path / 'a-file'} is a file, not a folder" in out


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    """Makes a file one this user may read but not write. Root may write any file whatever its mode, so
    as root the file is made immutable (``chattr +i``: no one may write it, root included), and mutable
    again at the end; another user makes it read-only."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if os.getuid() != 0:
            path.chmod(0o444)
            return
        chattr = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if chattr.returncode != 0:
            pytest.skip(f"root, and this filesystem cannot make a file immutable: {chattr.stderr.strip()}")
        made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_store_the_relay_user_may_not_write_is_one_line(
        tmp_path: Path, unwritable: Callable[[Path], None], capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "madoguchi.sqlite3"
    config = _config(tmp_path, store)
    assert main(["token", "add", "--role", "clerk", "--new-store", "--config", str(config)]) == 0
    unwritable(store)
    capsys.readouterr()
    with socket.socket() as taken:  # were the store passed, serve would stop at the port, not start
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", "--config", str(config), "--port", str(taken.getsockname()[1])]) == 1
    user = pwd.getpwuid(os.getuid()).pw_name
    assert _one_line_failure(capsys.readouterr().err) == (
        f"madoguchi: store.path {store}: this user ({user}) may not read and write it")
    assert main(["check", "--config", str(config)]) == 1, "check says the store cannot be used"
    assert f"store:      FAILED  {store}: this user ({user}) may not read and write it" in capsys.readouterr().out
