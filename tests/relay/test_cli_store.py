"""`madoguchi` commands open the store as `serve` opens it, with the `[store]` settings of the
configuration file: beside a running relay in the middle of a write, a command waits for the relay's
write lock for `store.busy_timeout_s`, and when the lock outlasts it says so, with the time it waited,
instead of a traceback."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from relay.cli.commands import main


def _config(tmp_path: Path, busy_timeout_s: float) -> Path:
    path = tmp_path / "madoguchi.toml"
    path.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\nbusy_timeout_s = {busy_timeout_s}\n'
                    f'[models]\ndir = "{tmp_path / "models"}"\n')
    assert main(["token", "add", "--role", "admin", "--new-store", "--config", str(path)]) == 0  # as beside a relay
    return path


@pytest.fixture
def relay_writing(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's connection in the middle of a write (what the relay's store thread holds while
    it commits), released when the test says so or at its end."""
    db = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None, check_same_thread=False)
    try:
        yield db
    finally:
        if db.in_transaction:
            db.execute("ROLLBACK")
        db.close()


def test_a_command_waits_the_configured_time_for_the_relays_write_lock_then_says_so(
        tmp_path: Path, relay_writing: sqlite3.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, busy_timeout_s=0.25)
    relay_writing.execute("BEGIN IMMEDIATE")
    capsys.readouterr()
    assert main(["token", "add", "--role", "clerk", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("madoguchi: store ") and "Traceback" not in err
    assert "database is locked" in err and "(0.25 s, store.busy_timeout_s)" in err, "the configured wait"
    relay_writing.execute("ROLLBACK")
    assert main(["token", "add", "--role", "clerk", "--config", str(config)]) == 0, "once the relay's write is done"


def test_a_command_beside_the_relay_waits_for_its_write_instead_of_failing(
        tmp_path: Path, relay_writing: sqlite3.Connection, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, busy_timeout_s=60)
    relay_writing.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, relay_writing.execute, ["ROLLBACK"])  # the relay's commit, a moment later
    release.start()
    try:
        assert main(["token", "add", "--role", "operator", "--name", "通訳 田中", "--config", str(config)]) == 0
    finally:
        release.join()
    assert "mdg_operator_" in capsys.readouterr().out
