"""The writes that several sessions ask for in one turn of the event loop go to the store's thread
together (one wake-up of the thread, one transaction), yet every event is still stored before anyone
is sent it, and a write that the store refuses fails only the publish that asked for it."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from relay.storage.records import SessionRecord
from relay.storage.store import Store
from relay.turns.session import Session
from relay.wire.protocol import Message, Transcript
from tests.relay.conftest import Relay, WsClient

SESSIONS = ("s1", "s2", "s3")


def _committed(path: str) -> set[tuple[str, int]]:
    """The events another reader of the file sees: only committed ones."""
    db = sqlite3.connect(path)
    try:
        return {(row[0], row[1]) for row in db.execute("SELECT session_id, seq FROM events")}
    finally:
        db.close()


class Screen:
    """A participant that notes, for every event it is sent, what the store had committed by then."""

    role, id = "counter", "screen"

    def __init__(self, store: Store, session_id: str) -> None:
        self.store, self.session_id = store, session_id
        self.shown: list[tuple[int, set[tuple[str, int]]]] = []

    def deliver(self, message: Message, text: str) -> None:
        self.shown.append((message.seq, _committed(self.store.path)))  # type: ignore[attr-defined]

    def deliver_binary(self, data: bytes) -> None: ...

    async def deliver_paced(self, text: str) -> None: ...

    def room(self) -> int:
        return 100


@pytest.fixture
async def store(tmp_path: Path) -> Store:
    store = await Store(tmp_path / "s.sqlite3").open()
    for session_id in SESSIONS:
        await store.create_session(SessionRecord(session_id, "A", "en", "translation", False, "open", 1.0))
    yield store  # type: ignore[misc]
    await store.close()


def _sessions(store: Store) -> tuple[list[Session], list[Screen]]:
    sessions = [Session(record=SessionRecord(s, "A", "en", "translation", False, "open", 1.0), store=store,
                        last_seq=0) for s in SESSIONS]
    screens = [Screen(store, s) for s in SESSIONS]
    for session, screen in zip(sessions, screens, strict=True):
        session.participants.add(screen)
    return sessions, screens


async def _closed(peer: WsClient) -> int | None:
    while await peer.recv() is not None:
        pass
    return peer.close_code


async def _publish(session: Session, text: str) -> Message:
    return await session.publish(lambda seq: Transcript(seq=seq, utterance_id=f"u_{session.id}", speaker="clerk",
                                                        lang="ja", text=text, confidence=1.0))


async def test_sessions_publishing_in_one_turn_of_the_loop_share_one_trip_and_each_is_stored_before_sent(
        store: Store) -> None:
    sessions, screens = _sessions(store)
    trips = store._group.batches

    # gather starts the three publishes in the same turn of the event loop, as a burst of typed texts does
    await asyncio.gather(*(_publish(s, "こんにちは") for s in sessions))

    assert store._group.batches - trips == 1, "one hand-over to the store's thread for the three writes"
    for session, screen in zip(sessions, screens, strict=True):
        assert [seq for seq, _ in screen.shown] == [1]
        seen_committed = screen.shown[0][1]
        assert (session.id, 1) in seen_committed, "sent only once stored"
    assert _committed(store.path) == {(s, 1) for s in SESSIONS}


async def test_a_write_the_store_refuses_fails_only_its_own_publish_in_a_shared_transaction(
        store: Store, caplog: pytest.LogCaptureFixture) -> None:
    sessions, screens = _sessions(store)
    await store._run(lambda: store._conn().execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.session_id = 's2' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    trips = store._group.batches

    with caplog.at_level(logging.ERROR):
        outcomes = await asyncio.gather(*(_publish(s, "こんにちは") for s in sessions), return_exceptions=True)

    assert store._group.batches - trips == 1, "the three writes shared one transaction"
    assert isinstance(outcomes[1], sqlite3.IntegrityError), "the refused write's caller hears of it"
    assert [o.seq for o in (outcomes[0], outcomes[2])] == [1, 1]  # type: ignore[union-attr]
    assert screens[1].shown == [] and sessions[1].last_seq == 0, "not stored, so not sent, number not used"
    assert [seq for seq, _ in screens[0].shown] == [1] and [seq for seq, _ in screens[2].shown] == [1]
    assert _committed(store.path) == {("s1", 1), ("s3", 1)}, "the others are committed all the same"
    assert not caplog.records, "a refused write is its caller's error to handle, not a failure of the store"

    await _publish(sessions[0], "次の方どうぞ")  # the session lock of the others was released
    assert [seq for seq, _ in screens[0].shown] == [1, 2]


async def test_a_turn_whose_write_is_refused_in_a_shared_transaction_fails_alone_and_is_logged(
        relay: Relay, caplog: pytest.LogCaptureFixture) -> None:
    """Two counters' texts wait for the store's thread together and go to it as one transaction; the
    store refuses one of them (a rule of the data, not the disk): that turn is a bug, logged with its
    traceback and its socket closed 1011, while the other turn is stored and sent as if alone."""
    sessions = [await relay.create_session("en") for _ in range(2)]
    refused, welcome = await relay.counter(sessions[0]), await relay.counter(sessions[1])
    store = relay.ctx.store
    await store._run(lambda: store._conn().execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON utterances WHEN NEW.text = '拒否される文' "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    real_batch, busy, go, batches = store._write_batch, threading.Event(), threading.Event(), []

    def gated(batch: Any) -> Any:  # on the store's thread: the first batch holds it until the texts wait
        busy.set()
        go.wait(10)
        batches.append(len(batch))
        return real_batch(batch)

    store._write_batch = gated  # type: ignore[method-assign]
    holding = asyncio.ensure_future(store.write([]))
    await asyncio.to_thread(busy.wait, 10)
    both_waiting, queue_event = asyncio.Event(), store.queue_event

    def noted(*args: Any) -> None:
        queue_event(*args)
        if len(store._group._queued) == 2:
            both_waiting.set()

    store.queue_event = noted  # type: ignore[method-assign]
    await refused.send(type="text", speaker="clerk", text="拒否される文")
    await welcome.send(type="text", speaker="clerk", text="住所変更の手続きですね")
    await asyncio.wait_for(both_waiting.wait(), 10)
    store.queue_event = queue_event  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="madoguchi.connection"):
        go.set()
        await holding
        transcript = await welcome.expect("transcript")
        await welcome.expect("translation", utterance_id=transcript["utterance_id"])
        assert await _closed(refused) == 1011
    store._write_batch = real_batch  # type: ignore[method-assign]

    assert batches[:2] == [1, 2], "both transcripts went to the store's thread together"
    failures = [r for r in caplog.records if r.getMessage() == "connection failed"]
    assert len(failures) == 1 and failures[0].exc_info is not None, "logged once, with its traceback"
    assert "refused by the test" in str(failures[0].exc_info[1])
    stored = await store.events_after(sessions[1]["session_id"], 0)
    assert transcript["seq"] in [e.seq for e in stored], "the other turn was stored, then sent"
    assert await store.events_after(sessions[0]["session_id"], 0) == [], "nothing of the refused turn"
