"""Resume: every event after N, then the live stream — after a disconnect and after a restart."""

from __future__ import annotations

from typing import Any

from tests.relay.conftest import MakeRelay, Relay, WsClient


async def _say(counter: WsClient, text: str) -> dict[str, Any]:
    await counter.send(type="text", speaker="clerk", text=text)
    return await counter.expect("translation", kind="back_translation")


def _events(messages: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(m["seq"], m["type"]) for m in messages if "seq" in m]


async def test_resume_after_disconnect_has_no_gap_and_no_duplicate(relay: Relay) -> None:
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await _say(counter, "こんにちは")
    last_seen = max(seq for seq, _ in _events(counter.seen))
    await counter.close()

    # the conversation goes on while the tablet is away (the resident types on their phone)
    resident = await relay.resident(session)
    await resident.send(type="text", speaker="resident", text="Where do I sign?")
    await resident.expect("transcript")
    other = await relay.counter(session)
    await _say(other, "ここにお名前を書いてください")

    back = await relay.counter(session, resume_after=last_seen)
    await back.send(type="text", speaker="clerk", text="ありがとうございます")
    await back.expect("translation", kind="back_translation", wait_s=5)
    seqs = [seq for seq, _ in _events(back.seen)]
    assert seqs == sorted(set(seqs)), "replay then live, in order, without duplicates"
    assert seqs[0] == last_seen + 1, "nothing between the last seen event and the replay is missing"
    assert seqs == list(range(last_seen + 1, seqs[-1] + 1)), "the counter sees every event: no gaps"
    texts = [m.get("text") for m in back.seen]
    assert "Where do I sign?" in texts and "ここにお名前を書いてください" in texts


async def test_resume_after_restart_rebuilds_events_from_the_store(make_relay: MakeRelay) -> None:
    relay = await make_relay()
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await _say(counter, "住民票ですね")
    before = _events(counter.seen)
    await counter.close()
    await relay.client.close()  # the relay process goes away

    restarted = await make_relay()
    again = await restarted.counter(session, resume_after=0)
    await again.send(type="text", speaker="clerk", text="少々お待ちください")
    await again.expect("translation", kind="back_translation")
    after = _events(again.seen)
    assert after[: len(before)] == before, "every event from before the restart is replayed"
    assert [s for s, _ in after] == list(range(1, len(after) + 1)), "numbering continues after the restart"


async def test_resident_replay_only_holds_what_the_resident_may_see(relay: Relay) -> None:
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    await _say(counter, "在留カードをお持ちですか")
    resident = await relay.resident(session, resume_after=0)
    await resident.send(type="text", speaker="resident", text="Có")
    await resident.expect("transcript", speaker="resident")
    kinds = {(m["type"], m.get("kind"), m.get("speaker")) for m in resident.seen if "seq" in m}
    assert ("translation", "translation", None) in kinds
    assert not any(k == "back_translation" for _, k, _ in kinds)
    assert ("transcript", None, "clerk") not in kinds


async def test_a_turn_cancelled_while_its_event_is_stored_leaves_no_gap_and_no_reused_number(relay: Relay) -> None:
    """A speaker hangs up while the relay stores the answer to their last turn: the event is committed
    by then, so it must keep its number and reach everyone still there (it once made the next event
    fail with 'UNIQUE constraint failed: events.session_id, events.seq' and close the socket 1011)."""
    import asyncio
    import threading

    from relay.wire.protocol import SessionUpdated

    def update(reason: str) -> Any:
        return lambda seq: SessionUpdated(seq=seq, resident_lang="en", mode="translation", tts=True, reason=reason)

    session = await relay.create_session("en")
    resident = await relay.resident(session)
    conversation = await relay.ctx.hub.get(session["session_id"])
    assert conversation is not None
    store = conversation.store
    real_batch, writing, done_writing = store._write_batch, threading.Event(), threading.Event()
    cancelled = threading.Event()

    def slow_batch(batch: Any) -> Any:  # on the store's thread
        writing.set()
        cancelled.wait(10)  # the write is under way when its caller is cancelled
        try:
            return real_batch(batch)
        finally:
            done_writing.set()

    store._write_batch = slow_batch  # type: ignore[method-assign]
    publishing = asyncio.create_task(conversation.publish(update("first")))
    await asyncio.to_thread(writing.wait, 10)
    publishing.cancel()
    store._write_batch = real_batch  # type: ignore[method-assign]
    cancelled.set()
    await conversation.publish(update("second"))
    assert done_writing.is_set()
    seen = [await resident.expect("session.updated"), await resident.expect("session.updated")]
    assert [(m["reason"], m["seq"]) for m in seen] == [("first", seen[0]["seq"]), ("second", seen[0]["seq"] + 1)]
