"""Group commit (relay.storage.group_commit): writes asked for together share one transaction, yet each
caller still returns only once its own statements are committed, hears its own duplicate or disk failure
alone, and writes land in the order they were asked for."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from relay.storage.group_commit import GroupCommit, Outcome, Statements
from relay.storage.records import SessionRecord, StoreUnavailable
from relay.storage.store import Store
from tests.relay.conftest import MakeRelay, Relay


def _event(session_id: str, seq: int) -> Statements:
    return [("INSERT INTO events VALUES (?,?,?,?,?)", (session_id, seq, "transcript", "{}", 0.0))]


def _committed_seqs(path: Path, session_id: str) -> list[int]:
    """What another process reading the file would see: only committed rows."""
    db = sqlite3.connect(path)
    try:
        return [row[0] for row in db.execute("SELECT seq FROM events WHERE session_id = ? ORDER BY rowid",
                                             (session_id,))]
    finally:
        db.close()


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    store = await Store(tmp_path / "s.sqlite3").open()
    await store.create_session(SessionRecord("s1", "A", "en", "translation", False, "open", 1.0))
    yield store  # type: ignore[misc]
    await store.close()


async def test_concurrent_writes_share_commits_and_each_is_committed_when_it_returns(store: Store) -> None:
    commits_before = store.commits
    seen_when_returned: dict[int, list[int]] = {}

    async def write(seq: int) -> None:
        await store.write(_event("s1", seq))
        seen_when_returned[seq] = _committed_seqs(Path(store.path), "s1")

    await asyncio.gather(*(write(seq) for seq in range(1, 41)))

    assert store.commits - commits_before < 40 / 4, "forty writes asked for at once share a few commits"
    for seq, seen in seen_when_returned.items():
        assert seq in seen, f"write {seq} returned before it was committed"
    assert _committed_seqs(Path(store.path), "s1") == list(range(1, 41)), "committed in the order asked for"


async def test_a_duplicate_fails_only_its_own_writer(store: Store) -> None:
    await store.write(_event("s1", 1))
    outcomes = await asyncio.gather(store.write(_event("s1", 2)),
                                    store.write(_event("s1", 3) + _event("s1", 1)),  # 1 is stored already
                                    store.write(_event("s1", 4)), return_exceptions=True)

    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], sqlite3.IntegrityError)
    assert _committed_seqs(Path(store.path), "s1") == [1, 2, 4], "the failed write is undone whole, alone"
    assert store.healthy, "a duplicate is the data's fault, not the disk's"


async def test_a_disk_that_refuses_writes_fails_every_writer_of_the_batch_and_recovers(store: Store) -> None:
    await store._run(lambda: store._conn().execute("PRAGMA query_only = ON"))
    outcomes = await asyncio.gather(*(store.write(_event("s1", seq)) for seq in (1, 2, 3)), return_exceptions=True)
    assert all(isinstance(o, StoreUnavailable) for o in outcomes), outcomes
    assert not store.healthy

    await store._run(lambda: store._conn().execute("PRAGMA query_only = OFF"))
    await asyncio.gather(*(store.write(_event("s1", seq)) for seq in (1, 2, 3)))
    assert store.healthy and _committed_seqs(Path(store.path), "s1") == [1, 2, 3]


async def test_a_batch_that_finds_the_file_locked_waits_for_the_lock_once_not_once_per_write(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Another process holds the write lock (a `madoguchi` command, a backup): a batch of eight writes
    waits store.busy_timeout_s once in all — not once more for each write tried on its own — then each
    caller hears store_unavailable, logged once; later they are stored, each once."""
    caplog.set_level(logging.WARNING)  # whatever level an earlier test left the root logger at
    timeouts: list[int] = []
    store = await Store(tmp_path / "s.sqlite3", busy_timeout_s=0.2, lock_timed_out=lambda: timeouts.append(1)).open()
    await store.create_session(SessionRecord("s1", "A", "en", "translation", False, "open", 1.0))
    other = sqlite3.connect(tmp_path / "s.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        outcomes = await asyncio.gather(*(store.write(_event("s1", seq)) for seq in range(1, 9)),
                                        return_exceptions=True)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert all(isinstance(o, StoreUnavailable) and "database is locked" in str(o) for o in outcomes), outcomes
    assert "(0.2 s, store.busy_timeout_s)" in str(outcomes[0]) and not store.healthy
    assert len(timeouts) == 1, f"the batch waited for the lock {len(timeouts)} times, each store.busy_timeout_s"
    logged = [r.getMessage() for r in caplog.records if "write lock" in r.getMessage()]
    assert len(logged) == 1 and "8 of 8 writes not stored" in logged[0], logged
    assert _committed_seqs(Path(store.path), "s1") == [], "nothing that was refused is stored"

    await asyncio.gather(*(store.write(_event("s1", seq)) for seq in range(1, 9)))  # the callers resend
    assert store.healthy and _committed_seqs(Path(store.path), "s1") == list(range(1, 9)), "each stored once"
    await store.close()


async def until(condition: Callable[[], bool]) -> None:
    """Wait for what the store's thread does (the deadline only bounds how long a failing test takes)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while not condition():
        assert loop.time() < deadline, "never happened"
        await asyncio.sleep(0.005)


async def test_callers_wake_only_after_their_batch_is_committed() -> None:
    log: list[str] = []
    release = threading.Event()

    def commit(batch: list[Statements]) -> list[Outcome]:  # on the store's thread
        log.append(f"commit {'+'.join(sql for statements in batch for sql, _ in statements)}")
        release.wait(10)
        log.append("committed")
        return [None] * len(batch)

    with ThreadPoolExecutor(max_workers=1) as thread:
        group = GroupCommit(commit, thread)

        async def write(name: str) -> None:
            await group.write([(name, ())])
            log.append(f"{name} returned")

        first = asyncio.gather(write("a"), write("b"))  # asked for in the same turn of the loop
        await until(lambda: log == ["commit a+b"])  # on the store's thread now, held there
        later = asyncio.gather(write("c"), write("d"))  # asked for while a and b are being committed
        await asyncio.sleep(0.01)
        assert log == ["commit a+b"], "one trip to the thread for both, and nobody returns before the commit"
        release.set()
        await asyncio.gather(first, later)
    first_commit, second_commit = [i for i, entry in enumerate(log) if entry == "committed"]
    assert log.index("commit c+d") > first_commit, "c and d waited for the next transaction, together"
    assert first_commit < log.index("a returned") and first_commit < log.index("b returned")
    assert log.index("c returned") > second_commit and log.index("d returned") > second_commit
    assert group.batches == 2


async def test_callbacks_run_in_the_order_the_writes_were_asked_for(store: Store) -> None:
    heard: list[int] = []
    for seq in range(1, 31):
        store.queue_event("s1", seq, "transcript", "{}", None, lambda outcome, seq=seq: heard.append(seq))
    await store.write([])
    assert heard == list(range(1, 31))
    assert _committed_seqs(Path(store.path), "s1") == list(range(1, 31))


async def test_a_cancelled_writer_does_not_unwrite_the_others(store: Store) -> None:
    task = asyncio.ensure_future(store.write(_event("s1", 1)))
    others = asyncio.gather(store.write(_event("s1", 2)), store.write(_event("s1", 3)))
    await asyncio.sleep(0)
    task.cancel()
    await others
    await store.close()  # waits for every write asked for
    assert _committed_seqs(Path(store.path), "s1") == [1, 2, 3]


async def test_many_sessions_typing_at_once_get_store_unavailable_each_while_the_disk_refuses(relay: Relay) -> None:
    sessions = [await relay.create_session("en") for _ in range(4)]
    counters = [await relay.counter(s) for s in sessions]
    store = relay.ctx.store
    await store._run(lambda: store._conn().execute("PRAGMA query_only = ON"))

    for i, counter in enumerate(counters):
        await counter.send(type="text", speaker="clerk", text="住所変更の手続きです", client_id=f"c-{i}")
    errors = [await counter.expect("error") for counter in counters]
    assert [(e["code"], e["client_id"]) for e in errors] == [("store_unavailable", f"c-{i}") for i in range(4)]

    await store._run(lambda: store._conn().execute("PRAGMA query_only = OFF"))
    for i, counter in enumerate(counters):
        await counter.send(type="text", speaker="clerk", text="住所変更の手続きです", client_id=f"c-{i}")
    for i, counter in enumerate(counters):
        transcript = await counter.expect("transcript", client_id=f"c-{i}")
        stored = await store.events_after(sessions[i]["session_id"], 0)
        assert transcript["seq"] in [e.seq for e in stored], "sent only once stored"
        await counter.expect("translation", utterance_id=transcript["utterance_id"])


async def test_a_write_the_lock_outlasted_is_counted_for_it(make_relay: MakeRelay, store_path: Path) -> None:
    relay = await make_relay(store={"busy_timeout_s": 0.2})
    counter = await relay.counter(await relay.create_session("en"))
    other = sqlite3.connect(store_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a backup tool, say, in the middle of a write
    try:
        await counter.send(type="text", speaker="clerk", text="住所変更の手続きです", client_id="c-1")
        assert (await counter.expect("error", client_id="c-1"))["code"] == "store_unavailable"
    finally:
        other.execute("ROLLBACK")
        other.close()
    text = await (await relay.client.get("/metrics")).text()
    counted = re.search(r"^madoguchi_store_lock_timeouts_total (\S+)$", text, re.MULTILINE)
    assert counted is not None and float(counted.group(1)) >= 1, "IT sees the stalls the lock caused"
