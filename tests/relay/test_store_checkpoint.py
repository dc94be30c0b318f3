"""The store's write-ahead log is copied into the database file by a thread of its own, off the commit
path (relay.storage.checkpoint): what IT would notice is that the ``-wal`` file beside the database
stays bounded however long the relay writes, that nothing a session was told is stored goes missing
when the relay is killed, and that a checkpoint that fails says so in the log and in the metrics, is
retried, and does not let the log grow meanwhile."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from relay.storage.checkpoint import Checkpointer, CheckpointPolicy
from relay.storage.records import SessionRecord
from relay.storage.store import Store
from tests.netguard import guarded_env

ROOT = Path(__file__).resolve().parents[2]
BODY = "x" * 1000


def _wal_bytes(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


async def _write_many(store: Store, path: Path, commits: int) -> int:
    """``commits`` transactions, four at a time; returns the largest size the -wal file reached."""
    await store.create_session(SessionRecord("s1", "A", "en", "translation", False, "open", 1.0))
    largest = 0
    for seq in range(1, commits + 1, 4):
        await asyncio.gather(*(store.append_event("s1", seq + i, "transcript", BODY) for i in range(4)))
        largest = max(largest, _wal_bytes(path))
    return largest


async def test_the_write_ahead_log_stays_bounded_over_many_commits(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    store = await Store(path, CheckpointPolicy(interval_s=0.02, wal_limit_mb=0.5)).open()
    try:
        largest = await _write_many(store, path, 4000)  # about 12 MB of log if nothing were copied
    finally:
        await store.close()
    assert store.checkpointer is not None and store.checkpointer.rounds > 0
    assert largest < 3e6, f"the -wal file grew to {largest / 1e6:.1f} MB with a 0.5 MB limit"
    assert _wal_bytes(path) == 0  # closed: everything is in the database file


async def test_a_failing_checkpoint_is_logged_retried_and_the_log_stays_bounded_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    failing = True
    real_checkpoint = Checkpointer.checkpoint_once

    def checkpoint_once(self: Checkpointer, db: sqlite3.Connection) -> None:
        if failing:
            raise sqlite3.OperationalError("disk I/O error")
        real_checkpoint(self, db)

    monkeypatch.setattr(Checkpointer, "checkpoint_once", checkpoint_once)
    monkeypatch.setattr("relay.storage.checkpoint.MAX_RETRY_S", 0.05)
    counted: list[str] = []
    path = tmp_path / "s.sqlite3"
    store = await Store(path, CheckpointPolicy(interval_s=0.02, wal_limit_mb=0.5),
                        checkpoint_failed=lambda: counted.append("failed")).open()
    checkpointer = store.checkpointer
    assert checkpointer is not None
    try:
        with caplog.at_level(logging.INFO, logger="madoguchi.store"):
            largest = await _write_many(store, path, 3000)  # while every background checkpoint fails
            failed = [r for r in caplog.records if r.getMessage().startswith("store checkpoint failed")]
            assert len(failed) >= 2 and len(counted) == checkpointer.failures >= 2  # retried, each one counted
            assert failed[0].levelno == logging.ERROR and failed[0].exc_info is not None  # with its traceback
            assert checkpointer.fault == "disk I/O error"
            # meanwhile the writer copies the log itself whenever it passes the limit
            assert largest < 8e6, f"the -wal file grew to {largest / 1e6:.1f} MB while the checkpoint failed"
            failing = False
            for _ in range(200):
                await asyncio.sleep(0.02)
                if checkpointer.fault is None:
                    break
            assert checkpointer.fault is None
            assert any(r.getMessage() == "store checkpoint works again" for r in caplog.records)
    finally:
        await store.close()


CHILD = textwrap.dedent("""
    import asyncio, sys
    from relay.storage.checkpoint import CheckpointPolicy
    from relay.storage.records import SessionRecord
    from relay.storage.store import Store

    async def main(path, interval_s):
        store = await Store(path, CheckpointPolicy(interval_s=interval_s, wal_limit_mb=64)).open()
        await store.create_session(SessionRecord("s1", "A", "en", "translation", False, "open", 1.0))
        seq = 0
        while True:
            seq += 1
            await store.append_event("s1", seq, "transcript", "x" * 500)
            print(seq, flush=True)  # committed: what the session would now be sent

    asyncio.run(main(sys.argv[1], float(sys.argv[2])))
""")


@pytest.mark.parametrize("interval_s", [3600.0, 0.01], ids=["log-never-copied", "copied-while-writing"])
def test_nothing_committed_is_lost_when_the_relay_is_killed(tmp_path: Path, interval_s: float) -> None:
    path = tmp_path / "s.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(interval_s)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env=guarded_env(PYTHONPATH=str(ROOT)))
    assert child.stdout is not None
    told = [int(child.stdout.readline()) for _ in range(1500)]
    os.kill(child.pid, signal.SIGKILL)  # no close, no last checkpoint: only the log has the newest commits
    child.wait(timeout=10)
    child.stdout.close()
    assert _wal_bytes(path) > 0

    async def reopened() -> list[int]:
        store = await Store(path).open()  # a restart
        try:
            return [event.seq for event in await store.events_after("s1", 0)]
        finally:
            await store.close()

    stored = asyncio.run(reopened())
    assert stored[:len(told)] == told  # every write its writer was told is committed is there


async def test_a_reader_holding_an_old_snapshot_is_named_in_the_log_and_the_log_is_copied_once_it_is_done(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "s.sqlite3"
    store = await Store(path, CheckpointPolicy(interval_s=0.02, wal_limit_mb=0.5)).open()
    await store.create_session(SessionRecord("s1", "A", "en", "translation", False, "open", 1.0))
    reader = sqlite3.connect(path, isolation_level=None)  # an sqlite3 shell left inside a transaction
    try:
        with caplog.at_level(logging.INFO, logger="madoguchi.store"):
            reader.execute("BEGIN")
            reader.execute("SELECT COUNT(*) FROM events").fetchone()
            for seq in range(1, 1200):
                await store.append_event("s1", seq, "transcript", BODY)
            assert any("a reader holds an old snapshot" in r.getMessage() and r.levelno == logging.WARNING
                       for r in caplog.records), "the log grew past its limit without a word"
            held = _wal_bytes(path)
            assert held > 2e6  # nothing could restart the log meanwhile
            reader.execute("COMMIT")
            for seq in range(1200, 1800):
                await store.append_event("s1", seq, "transcript", BODY)
            assert any(r.getMessage() == "store write-ahead log copied again" for r in caplog.records)
    finally:
        reader.close()
        await store.close()
