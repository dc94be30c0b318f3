"""The queue state machine with a fake clock: a dropped operator or counter, the persistence form, stats."""

from __future__ import annotations

import pytest

from relay.escalation.queue.events import (
    Cancelled,
    Connected,
    EntryQueued,
    InvalidTransition,
    OfferMade,
    OfferWithdrawn,
    PeerDisconnected,
    PeerReconnected,
    PositionChanged,
    Returned,
    UnknownOperator,
)
from relay.escalation.queue.model import QueueModel
from tests.queue.model_helpers import N, connected_session, one, op_state

# ---- faults: dropped operator / counter --------------------------------------------------------

def test_operator_drop_then_return_within_grace_resumes(model: QueueModel) -> None:
    connected_session(model)
    notes = model.operator_disconnected("op1", 10.0)
    assert one(notes, PeerDisconnected).grace_until == 40.0
    assert model.tick(39.0) == []
    notes = model.operator_reconnected("op1", "node-b", 39.0)
    assert one(notes, Connected).resumed and one(notes, PeerReconnected).who == "operator"
    assert model.tick(90.0) == []
    assert model.state.entries["s1"].state == "connected" and op_state(model, "op1") == "busy"


def test_operator_drop_past_grace_requeues_at_head(model: QueueModel) -> None:
    connected_session(model)
    model.enqueue("s2", "en", 10, "urgent", N, 2.0)
    model.operator_disconnected("op1", 10.0)
    notes = model.tick(40.0)
    assert one(notes, EntryQueued).requeued and "op1" not in model.state.operators
    with pytest.raises(UnknownOperator):
        model.operator_reconnected("op1", N, 41.0)
    model.sign_in("op2", ["en"], N, 41.0)
    assert model.state.entries["s1"].state == "offered"


def test_operator_drop_while_offered_passes_the_offer_on(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.sign_in("op2", ["en"], N, 1.0)
    model.enqueue("s1", "en", 0, "button", N, 2.0)
    notes = model.operator_disconnected("op1", 3.0)
    assert one(notes, OfferWithdrawn).why == "operator_lost"
    assert one(notes, OfferMade).operator_id == "op2"
    with pytest.raises(InvalidTransition):
        model.operator_disconnected("op1", 4.0)


def test_counter_drop_keeps_its_place_within_grace(model: QueueModel) -> None:
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.enqueue("s2", "en", 0, "button", N, 1.0)
    model.counter_disconnected("s1", 2.0)
    assert model.tick(31.0) == []
    notes = model.counter_reconnected("s1", "node-b", 31.0)
    assert one(notes, PositionChanged).position == 1 and notes[0].nodes == ("node-b",)
    with pytest.raises(InvalidTransition):
        model.counter_reconnected("s1", N, 32.0)


def test_counter_gone_past_grace_is_dropped_not_abandoned(model: QueueModel) -> None:
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.enqueue("s2", "en", 0, "button", N, 1.0)
    model.counter_disconnected("s1", 2.0)
    notes = model.tick(32.0)
    assert one(notes, Cancelled).why == "counter_gone"
    assert one(notes, PositionChanged).position == 1
    stats = model.stats(32.0)
    assert (stats.dropped, stats.abandoned, stats.abandonment_rate) == (1, 0, None), "nobody was left waiting"


def test_counter_gone_while_connected_frees_the_operator(model: QueueModel) -> None:
    connected_session(model)
    notes = model.counter_disconnected("s1", 5.0)
    assert one(notes, PeerDisconnected).who == "counter"
    notes = model.tick(35.0)
    returned = one(notes, Returned)
    assert returned.why == "counter_gone" and returned.close_session
    assert op_state(model, "op1") == "wrap_up"


# ---- persistence form, stats ------------------------------------------------------------------

def test_state_survives_a_round_trip_through_its_dict_form(model: QueueModel) -> None:
    connected_session(model)
    model.enqueue("s2", "en", 0, "button", N, 3.0)
    restored = QueueModel.from_dict(model.config, model.to_dict())
    assert restored.snapshot(4.0) == model.snapshot(4.0)
    assert restored.stats(4.0) == model.stats(4.0)
    assert one(restored.release("op1", "s1", 5.0), Returned).session_id == "s1"


def test_a_queue_written_by_a_newer_node_is_read_during_a_rolling_upgrade(model: QueueModel) -> None:
    connected_session(model)
    model.enqueue("s2", "en", 0, "button", N, 3.0)
    saved = model.to_dict()
    for record in (*saved["entries"], *saved["operators"]):
        record["added_by_a_newer_version"] = ["x"]  # a field this node does not know yet
    restored = QueueModel.from_dict(model.config, saved)
    assert restored.snapshot(4.0) == model.snapshot(4.0), "the waiting counters and the interpreters are all there"


def test_stats_by_reason_language_and_occupancy(model: QueueModel) -> None:
    model.sign_in("op1", ["en", "vi"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.accept("op1", "s1", 10.0)
    model.release("op1", "s1", 70.0)
    model.enqueue("s2", "vi", 0, "low_confidence", N, 80.0)
    model.tick(85.0)  # wrap-up over: s2 is offered
    stats = model.stats(100.0)
    assert stats.escalations_by_reason == {"button": 1, "low_confidence": 1}
    assert stats.escalations_by_lang == {"en": 1, "vi": 1}
    assert stats.occupancy == pytest.approx(75 / 100)  # busy 60 + wrap-up 15 of 100 s
    assert stats.longest_current_wait_s == 20.0
    assert stats.operators_by_state == {"offered": 1}
