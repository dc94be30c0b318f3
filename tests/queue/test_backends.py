"""The same behaviour from both backends (in-process + SQLite, Redis), plus what only Redis offers:
several nodes sharing one queue."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from relay.escalation.queue.events import (
    Cancelled,
    Connected,
    EntryQueued,
    InvalidTransition,
    OfferMade,
    OfferWithdrawn,
    PeerDisconnected,
    QueueChanged,
    Returned,
    Unavailable,
    UnknownSession,
)
from relay.escalation.queue.metrics import QueueMetrics

from .conftest import FakeClock, MakeQueue


async def test_escalation_is_queued_offered_answered_and_returned(make_queue: MakeQueue, inboxes,
                                                                  clock: FakeClock) -> None:
    queue = await make_queue()
    inbox = await inboxes(queue)
    await queue.enqueue("s1", "vi", reason="low_confidence")
    queued = await inbox.wait_for(EntryQueued, session_id="s1")
    assert (queued.position, queued.eta_s) == (1, None)
    await queue.sign_in("op1", ["vi"])
    offer = await inbox.wait_for(OfferMade, session_id="s1")
    assert offer.operator_id == "op1" and offer.expires_at == clock.now + 20
    clock.advance(8)
    await queue.accept("op1", "s1")
    await inbox.wait_for(Connected, session_id="s1", operator_id="op1")
    clock.advance(100)
    await queue.release("op1", "s1")
    assert (await inbox.wait_for(Returned, session_id="s1")).why == "released"
    stats = await queue.stats()
    assert stats.answered == 1 and stats.average_speed_of_answer_s == 8.0 and stats.service_level == 1.0
    assert stats.escalations_by_reason == {"low_confidence": 1} and stats.average_handle_time_s == 100.0


async def test_invalid_transition_is_an_error_and_changes_nothing(make_queue: MakeQueue) -> None:
    queue = await make_queue()
    await queue.sign_in("op1", ["en"])
    await queue.sign_in("op2", ["en"])
    await queue.enqueue("s1", "en")
    before = await queue.snapshot()
    with pytest.raises(InvalidTransition):
        await queue.accept("op2", "s1")  # offered to op1
    with pytest.raises(UnknownSession):
        await queue.cancel("nope")
    assert await queue.snapshot() == before


async def test_timeouts_apply_on_tick(make_queue: MakeQueue, inboxes, clock: FakeClock) -> None:
    queue = await make_queue(max_wait_s=60)
    inbox = await inboxes(queue)
    await queue.sign_in("op1", ["en"])
    await queue.sign_in("op2", ["en"])
    await queue.enqueue("s1", "en")
    clock.advance(20)
    await queue.tick()
    assert (await inbox.wait_for(OfferWithdrawn, operator_id="op1")).why == "timeout"
    await inbox.wait_for(OfferMade, operator_id="op2")
    await queue.decline("op2", "s1")
    clock.advance(40)
    await queue.tick()
    assert (await inbox.wait_for(Unavailable, session_id="s1")).waited_s == 60
    assert (await queue.stats()).unavailable_rate == 1.0


async def test_a_cancelled_request_is_not_an_abandoned_call(make_queue: MakeQueue, inboxes,
                                                             clock: FakeClock) -> None:
    """Withdrawn with 「呼び出しを取り消す」: counted as cancelled, outside the rates. Given up (the clerk
    closed the session while waiting): abandoned. The tablet gone past the grace: dropped by the relay,
    outside the rates too (nobody waited). The counts survive a restart (another node)."""
    queue = await make_queue()
    inbox = await inboxes(queue)
    await queue.sign_in("op1", ["en"])
    await queue.enqueue("s0", "en")
    clock.advance(10)
    await queue.accept("op1", "s0")  # answered within the service level
    for session in ("s1", "s2", "s3"):
        await queue.enqueue(session, "en")
    await queue.cancel("s1")  # the clerk or the resident withdrew it
    await queue.counter_disconnected("s2")
    await queue.session_closed("s3")  # the clerk closed the conversation while it waited
    clock.advance(30)
    await queue.tick()
    assert (await inbox.wait_for(Cancelled, session_id="s2")).why == "counter_gone"
    stats = await queue.stats()
    assert (stats.answered, stats.abandoned, stats.cancelled, stats.dropped, stats.waiting) == (1, 1, 1, 1, 0)
    assert stats.abandonment_rate == pytest.approx(1 / 2) and stats.service_level == pytest.approx(1 / 2)
    assert stats.cancellation_rate == pytest.approx(1 / 3)
    await queue.close()
    again = (await make_queue()).stats
    assert ((await again()).abandoned, (await again()).cancelled, (await again()).dropped) == (1, 1, 1)


async def test_dropped_operator_past_grace_requeues_at_the_head(make_queue: MakeQueue, inboxes,
                                                                clock: FakeClock) -> None:
    queue = await make_queue()
    inbox = await inboxes(queue)
    await queue.sign_in("op1", ["en"])
    await queue.enqueue("s1", "en")
    await queue.accept("op1", "s1")
    await queue.enqueue("s2", "en", priority=10, reason="button")
    await queue.operator_disconnected("op1")
    assert (await inbox.wait_for(PeerDisconnected, session_id="s1")).who == "operator"
    clock.advance(30)
    await queue.tick()
    requeued = await inbox.wait_for(EntryQueued, session_id="s1", requeued=True)
    assert requeued.position == 1
    snapshot = await queue.snapshot()
    assert [e.session_id for e in snapshot.entries] == ["s1", "s2"] and snapshot.operators == ()


async def test_restart_keeps_the_queue(make_queue: MakeQueue, clock: FakeClock) -> None:
    first = await make_queue()
    await first.sign_in("op1", ["pt"])
    await first.enqueue("s1", "pt")
    await first.accept("op1", "s1")
    await first.enqueue("s2", "pt", priority=10, reason="button")
    await first.enqueue("s3", "ne", reason="missing_mt")
    before = await first.snapshot()
    await first.close()
    restarted = await make_queue()
    assert await restarted.snapshot() == before
    clock.advance(10)
    await restarted.release("op1", "s1")
    assert (await restarted.stats()).escalations == 3


async def test_session_events_reach_subscribers(make_queue: MakeQueue) -> None:
    queue = await make_queue()
    async with queue.subscribe_session("s1") as events:
        await queue.publish_session_event("s1", '{"type":"transcript"}')
        await queue.publish_session_event("other", b"not for us")
        await queue.publish_session_event("s1", b"\x00\x01")
        got = [await asyncio.wait_for(events.get(), 5), await asyncio.wait_for(events.get(), 5)]
    assert got == [b'{"type":"transcript"}', b"\x00\x01"]


async def test_operators_receive_the_waiting_list(make_queue: MakeQueue, inboxes) -> None:
    queue = await make_queue()
    inbox = await inboxes(queue)
    await queue.enqueue("s1", "th")
    listing = await inbox.wait_for(QueueChanged)
    assert [(e.session_id, e.lang, e.state) for e in listing.entries] == [("s1", "th", "waiting")]


async def test_prometheus_shows_the_service_metrics(make_queue: MakeQueue, clock: FakeClock) -> None:
    queue = await make_queue()
    await queue.sign_in("op1", ["en"])
    await queue.enqueue("s1", "en", reason="asked_in_words")
    clock.advance(45)
    await queue.accept("op1", "s1")
    registry = CollectorRegistry()
    await QueueMetrics(registry).refresh(queue)
    text = generate_latest(registry).decode()
    assert "madoguchi_queue_average_speed_of_answer_seconds 45.0" in text
    assert "madoguchi_queue_service_level_ratio 0.0" in text  # 45 s > 30 s target
    assert 'madoguchi_queue_escalations_by_reason_total{reason="asked_in_words"} 1.0' in text
    assert 'madoguchi_queue_operators{state="busy"} 1.0' in text
    await queue.enqueue("s2", "en")
    await queue.cancel("s2")  # withdrawn: its own outcome, not an abandoned wait
    registry = CollectorRegistry()
    await QueueMetrics(registry).refresh(queue)
    text = generate_latest(registry).decode()
    assert 'madoguchi_queue_wait_outcomes_total{outcome="cancelled"} 1.0' in text
    assert 'madoguchi_queue_wait_outcomes_total{outcome="abandoned"} 0.0' in text
    assert "madoguchi_queue_cancellation_ratio 0.5" in text


# ---- several nodes (Redis only) ----------------------------------------------------------------

async def test_operator_on_node_b_serves_a_counter_on_node_a(make_redis_queue: MakeQueue, inboxes) -> None:
    node_a, node_b = await make_redis_queue("node-a"), await make_redis_queue("node-b")
    inbox_a, inbox_b = await inboxes(node_a), await inboxes(node_b)
    await node_a.enqueue("s1", "ko")
    await node_b.sign_in("op1", ["ko"])
    offer_b = await inbox_b.wait_for(OfferMade, session_id="s1")
    offer_a = await inbox_a.wait_for(OfferMade, session_id="s1")  # the counter is told "offered"
    assert offer_a == offer_b and set(offer_b.nodes) == {"node-a", "node-b"}
    await node_b.accept("op1", "s1")
    await inbox_a.wait_for(Connected, session_id="s1")
    async with node_b.subscribe_session("s1") as events:
        await node_a.publish_session_event("s1", b'{"type":"partial"}')
        assert await asyncio.wait_for(events.get(), 5) == b'{"type":"partial"}'
    assert await node_a.snapshot() == await node_b.snapshot()
    assert not [n for n in inbox_b.items if isinstance(n, EntryQueued)]  # counter news stays on node A


async def test_two_nodes_racing_for_one_session_give_it_to_one_operator(make_redis_queue: MakeQueue) -> None:
    node_a, node_b = await make_redis_queue("node-a"), await make_redis_queue("node-b")
    await node_a.sign_in("op-a", ["en"])
    await node_b.sign_in("op-b", ["en"])
    await node_a.enqueue("s1", "en")  # offered to op-a, then op-b; both decline: it waits in the list
    await node_a.decline("op-a", "s1")
    await node_b.decline("op-b", "s1")
    results = await asyncio.gather(node_a.accept("op-a", "s1"), node_b.accept("op-b", "s1"),
                                   return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1 and isinstance(errors[0], InvalidTransition)
    snapshot = await node_a.snapshot()
    assert sorted(o.state for o in snapshot.operators) == ["available", "busy"]
    assert snapshot.entries[0].state == "connected"


async def test_concurrent_enqueues_from_two_nodes_are_all_kept_in_order(make_redis_queue: MakeQueue,
                                                                        clock: FakeClock) -> None:
    node_a, node_b = await make_redis_queue("node-a"), await make_redis_queue("node-b")
    await asyncio.gather(*(q.enqueue(f"s{i}", "en") for i in range(40) for q in [(node_a, node_b)[i % 2]]))
    snapshot = await node_b.snapshot()
    assert sorted(e.session_id for e in snapshot.entries) == sorted(f"s{i}" for i in range(40))
    assert [e.position for e in snapshot.entries] == list(range(1, 41))
    assert {e.node for e in snapshot.entries} == {"node-a", "node-b"}


async def test_an_unreadable_notification_does_not_stop_a_node_hearing_the_queue(
        make_redis_queue: MakeQueue, inboxes, caplog: pytest.LogCaptureFixture) -> None:
    """The pub/sub reader is supervised: a message it cannot decode is logged with its traceback and
    the reader restarts, so the node's next notifications still arrive."""
    node = await make_redis_queue("node-a")
    inbox = await inboxes(node)
    await node._redis.publish(node._node_channel + "node-a", b"not json")  # a bug or a foreign publisher
    await node.enqueue("s1", "vi")
    assert (await inbox.wait_for(EntryQueued, session_id="s1")).position == 1
    assert "background task failed; restarting" in caplog.text and "JSONDecodeError" in caplog.text
