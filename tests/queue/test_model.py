"""The queue state machine with a fake clock: every transition, timeout and fault."""

from __future__ import annotations

import pytest

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import (
    Cancelled,
    Connected,
    EntryQueued,
    InvalidTransition,
    Notification,
    OfferMade,
    OfferWithdrawn,
    OperatorStateChanged,
    PeerDisconnected,
    PeerReconnected,
    PositionChanged,
    QueueChanged,
    QueueFull,
    Returned,
    Unavailable,
    UnknownOperator,
    UnknownSession,
)
from relay.escalation.queue.model import QueueModel

N = "node-a"


def of(notes: list[Notification], cls: type) -> list:
    return [n for n in notes if isinstance(n, cls)]


def one(notes: list[Notification], cls: type):
    found = of(notes, cls)
    assert len(found) == 1, (cls.__name__, notes)
    return found[0]


def op_state(model: QueueModel, operator_id: str) -> str:
    return model.state.operators[operator_id].state


@pytest.fixture
def model() -> QueueModel:
    return QueueModel(QueueConfig(offer_timeout_s=20, max_wait_s=300, reconnect_grace_s=30,
                                  heartbeat_timeout_s=600, wrap_up_s=15, default_handle_time_s=120))


@pytest.fixture
def hb_model() -> QueueModel:
    """Heartbeats due every 60 s."""
    return QueueModel(QueueConfig(offer_timeout_s=20, max_wait_s=300, reconnect_grace_s=30,
                                  heartbeat_timeout_s=60, wrap_up_s=15))


def connected_session(model: QueueModel, now: float = 0.0) -> None:
    model.sign_in("op1", ["en"], N, now)
    model.enqueue("s1", "en", 0, "button", N, now)
    model.accept("op1", "s1", now + 1)


# ---- enqueue, offer, accept --------------------------------------------------------------------

def test_enqueue_without_operator_tells_counter_it_waits_with_no_estimate(model: QueueModel) -> None:
    notes = model.enqueue("s1", "vi", 0, "button", N, 0.0)
    queued = one(notes, EntryQueued)
    assert (queued.session_id, queued.position, queued.eta_s) == ("s1", 1, None)
    assert queued.nodes == (N,)
    assert one(notes, QueueChanged).entries[0].session_id == "s1"


def test_enqueue_offers_to_an_operator_speaking_the_language_only(model: QueueModel) -> None:
    model.sign_in("op-pt", ["pt"], "node-b", 0.0)
    model.sign_in("op-vi", ["vi", "en"], "node-b", 0.0)
    notes = model.enqueue("s1", "vi", 0, "button", N, 1.0)
    assert [type(n) for n in notes][:2] == [EntryQueued, OfferMade]
    offer = one(notes, OfferMade)
    assert offer.operator_id == "op-vi" and offer.expires_at == 21.0
    assert set(offer.nodes) == {N, "node-b"}
    assert op_state(model, "op-vi") == "offered" and op_state(model, "op-pt") == "available"


def test_longest_idle_operator_gets_the_offer(model: QueueModel) -> None:
    model.sign_in("late", ["en"], N, 5.0)
    model.sign_in("early", ["en"], N, 1.0)
    assert one(model.enqueue("s1", "en", 0, "button", N, 6.0), OfferMade).operator_id == "early"


def test_accept_connects_both_sides_and_counts_the_answer(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    notes = model.accept("op1", "s1", 12.0)
    assert one(notes, Connected).operator_id == "op1"
    assert op_state(model, "op1") == "busy"
    stats = model.stats(12.0)
    assert stats.answered == 1 and stats.average_speed_of_answer_s == 12.0 and stats.service_level == 1.0


def test_enqueue_twice_is_an_error(model: QueueModel) -> None:
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    with pytest.raises(InvalidTransition):
        model.enqueue("s1", "en", 0, "button", N, 1.0)


def test_queue_length_is_limited() -> None:
    model = QueueModel(QueueConfig(max_queue_length=2))
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.enqueue("s2", "en", 0, "button", N, 0.0)
    with pytest.raises(QueueFull):
        model.enqueue("s3", "en", 0, "button", N, 0.0)


def test_accept_of_a_session_offered_to_someone_else_is_refused(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.sign_in("op2", ["en"], N, 1.0)
    model.enqueue("s1", "en", 0, "button", N, 2.0)  # offered to op1 (idle longest)
    with pytest.raises(InvalidTransition):
        model.accept("op2", "s1", 3.0)
    assert op_state(model, "op2") == "available"


def test_operator_may_pick_a_waiting_session_from_the_list(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.decline("op1", "s1", 1.0)  # not offered again to op1, but it may still take it
    assert model.state.entries["s1"].state == "waiting"
    assert one(model.accept("op1", "s1", 2.0), Connected).session_id == "s1"


def test_picking_is_refused_when_disabled() -> None:
    model = QueueModel(QueueConfig(allow_pick=False))
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.decline("op1", "s1", 1.0)
    with pytest.raises(InvalidTransition):
        model.accept("op1", "s1", 2.0)


def test_unknown_session_and_operator_are_errors(model: QueueModel) -> None:
    with pytest.raises(UnknownSession):
        model.cancel("nope", 0.0)
    with pytest.raises(UnknownOperator):
        model.heartbeat("nobody", 0.0)


# ---- priority and order ------------------------------------------------------------------------

def test_urgent_goes_first_and_first_come_within_a_priority(model: QueueModel) -> None:
    model.enqueue("a", "en", 0, "button", N, 0.0)
    model.enqueue("b", "en", 0, "button", N, 1.0)
    notes = model.enqueue("u", "en", 10, "urgent", N, 2.0)
    assert one(notes, EntryQueued).position == 1
    moved = {n.session_id: n.position for n in of(notes, PositionChanged)}
    assert moved == {"a": 2, "b": 3}
    model.sign_in("op1", ["en"], N, 3.0)
    assert model.state.entries["u"].state == "offered"


def test_position_counts_only_the_same_language(model: QueueModel) -> None:
    model.enqueue("en1", "en", 0, "button", N, 0.0)
    assert one(model.enqueue("vi1", "vi", 0, "button", N, 1.0), EntryQueued).position == 1


def test_eta_uses_handle_time_and_staff(model: QueueModel) -> None:
    connected_session(model)  # op1 busy
    queued = one(model.enqueue("s2", "en", 0, "button", N, 2.0), EntryQueued)
    assert queued.eta_s == 120.0  # default handle time, one operator
    model.release("op1", "s1", 62.0)  # measured handle time: 61 s
    model.set_operator_state("op1", "away", 63.0)
    model.sign_in("op2", ["en"], N, 64.0)  # takes s2 at once
    model.sign_in("op3", ["en"], N, 65.0)
    notes = model.enqueue("s3", "en", 0, "button", N, 66.0)
    assert one(notes, OfferMade).operator_id == "op3"
    later = one(model.enqueue("s4", "en", 0, "button", N, 67.0), EntryQueued)
    assert later.eta_s == 35.0  # one ahead of free staff: 61 s / 2 operators, rounded up to 5 s


# ---- decline and offer timeout -----------------------------------------------------------------

def test_decline_offers_to_the_next_operator(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.sign_in("op2", ["en"], N, 1.0)
    model.enqueue("s1", "en", 0, "button", N, 2.0)
    notes = model.decline("op1", "s1", 3.0)
    assert one(notes, OfferWithdrawn).why == "declined"
    assert one(notes, OfferMade).operator_id == "op2"
    assert op_state(model, "op1") == "available"


def test_decline_of_a_session_not_offered_is_an_error(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "fr", 0, "button", N, 0.0)
    with pytest.raises(InvalidTransition):
        model.decline("op1", "s1", 1.0)


def test_offer_timeout_sets_operator_away_and_offers_the_next(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.sign_in("op2", ["en"], N, 1.0)
    model.enqueue("s1", "en", 0, "button", N, 2.0)
    assert model.tick(21.9) == []
    notes = model.tick(22.0)
    assert one(notes, OfferWithdrawn).why == "timeout"
    assert one(notes, OfferMade).operator_id == "op2"
    assert op_state(model, "op1") == "away"


def test_offer_timeout_without_anyone_else_returns_to_waiting() -> None:
    model = QueueModel(QueueConfig(away_after_missed_offer=False, offer_timeout_s=20))
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    notes = model.tick(20.0)
    assert one(notes, PositionChanged).session_id == "s1"  # the counter sees "queued" again
    assert op_state(model, "op1") == "available" and model.state.entries["s1"].state == "waiting"


# ---- operator states, heartbeats ---------------------------------------------------------------

def test_operator_states_set_by_the_console(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0, available=False)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    assert model.state.entries["s1"].state == "waiting"  # away operators get no offer
    notes = model.set_operator_state("op1", "available", 1.0)
    assert one(notes, OfferMade).session_id == "s1"
    with pytest.raises(InvalidTransition):
        model.set_operator_state("op1", "available", 2.0)  # offered: accept or decline
    with pytest.raises(InvalidTransition):
        model.set_operator_state("op1", "busy", 2.0)
    model.accept("op1", "s1", 2.0)
    with pytest.raises(InvalidTransition):
        model.set_operator_state("op1", "away", 3.0)  # busy: release first


def test_away_while_offered_declines(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    notes = model.set_operator_state("op1", "away", 1.0)
    assert one(notes, OfferWithdrawn).why == "declined"
    assert op_state(model, "op1") == "away"


def test_heartbeat_timeout_sets_an_idle_operator_away(hb_model: QueueModel) -> None:
    hb_model.sign_in("op1", ["en"], N, 0.0)
    hb_model.heartbeat("op1", 30.0)
    assert hb_model.tick(89.0) == []
    notes = hb_model.tick(90.0)
    assert op_state(hb_model, "op1") == "away"
    assert one(notes, OperatorStateChanged).why == "heartbeat_timeout"
    hb_model.enqueue("s1", "en", 0, "button", N, 91.0)
    assert hb_model.state.entries["s1"].state == "waiting"


def test_silent_busy_operator_loses_the_session_to_the_head_of_the_queue(hb_model: QueueModel) -> None:
    connected_session(hb_model)
    hb_model.enqueue("s2", "en", 10, "urgent", N, 5.0)
    hb_model.heartbeat("op1", 10.0)
    notes = hb_model.tick(70.0)
    assert one(notes, Returned).why == "operator_lost"
    requeued = one(notes, EntryQueued)
    assert requeued.session_id == "s1" and requeued.requeued and requeued.position == 1
    hb_model.sign_in("op2", ["en"], N, 71.0)
    assert hb_model.state.entries["s1"].state == "offered"  # ahead of the urgent one
    hb_model.tick(101.0)
    assert "op1" not in hb_model.state.operators  # signed out after the grace


def test_heartbeat_revives_a_console_marked_silent(hb_model: QueueModel) -> None:
    hb_model.sign_in("op1", ["en"], N, 0.0)
    hb_model.tick(60.0)
    hb_model.heartbeat("op1", 61.0)
    hb_model.tick(95.0)
    assert "op1" in hb_model.state.operators and op_state(hb_model, "op1") == "away"


# ---- release, wrap-up, transfer, cancel --------------------------------------------------------

def test_release_returns_to_ai_then_wrap_up_then_available(model: QueueModel) -> None:
    connected_session(model)
    notes = model.release("op1", "s1", 100.0)
    returned = one(notes, Returned)
    assert returned.why == "released" and not returned.close_session
    assert op_state(model, "op1") == "wrap_up" and "s1" not in model.state.entries
    model.enqueue("s2", "en", 0, "button", N, 101.0)
    assert model.state.entries["s2"].state == "waiting"  # no offer during wrap-up
    notes = model.tick(115.0)
    assert one(notes, OfferMade).session_id == "s2"


def test_release_with_close_asks_to_close_the_session(model: QueueModel) -> None:
    connected_session(model)
    assert one(model.release("op1", "s1", 5.0, close=True), Returned).close_session


def test_release_by_another_operator_is_refused(model: QueueModel) -> None:
    connected_session(model)
    model.sign_in("op2", ["en"], N, 2.0)
    with pytest.raises(InvalidTransition):
        model.release("op2", "s1", 3.0)


def test_transfer_offers_to_the_named_operator(model: QueueModel) -> None:
    connected_session(model)
    model.sign_in("op2", ["en"], N, 2.0)
    model.sign_in("op3", ["en"], N, 1.5)
    notes = model.transfer("op1", "s1", "op2", 10.0)
    assert one(notes, Returned).why == "transferred"
    assert one(notes, OfferMade).operator_id == "op2"
    assert op_state(model, "op1") == "wrap_up"
    assert one(model.accept("op2", "s1", 11.0), Connected).operator_id == "op2"
    assert model.stats(11.0).answered == 1  # one escalation, answered once


def test_transfer_to_a_busy_or_unskilled_operator_is_refused(model: QueueModel) -> None:
    connected_session(model)
    model.sign_in("op2", ["pt"], N, 2.0)
    with pytest.raises(InvalidTransition):
        model.transfer("op1", "s1", "op2", 3.0)
    assert op_state(model, "op1") == "busy"


def test_cancel_by_the_counter_withdraws_the_offer(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    notes = model.cancel("s1", 4.0)
    assert one(notes, OfferWithdrawn).why == "cancelled"
    assert one(notes, Cancelled).why == "cancelled"
    assert op_state(model, "op1") == "available"
    stats = model.stats(4.0)
    assert (stats.cancelled, stats.abandoned, stats.abandonment_rate) == (1, 0, None), "withdrawn, not abandoned"


def test_cancel_of_a_connected_session_is_refused(model: QueueModel) -> None:
    connected_session(model)
    with pytest.raises(InvalidTransition):
        model.cancel("s1", 2.0)


def test_session_closed_ends_the_escalation_in_any_state(model: QueueModel) -> None:
    connected_session(model)
    assert one(model.session_closed("s1", 3.0), Returned).close_session
    assert model.session_closed("s1", 4.0) == []  # no escalation: nothing to do


# ---- max wait ----------------------------------------------------------------------------------

def test_max_wait_tells_the_counter_no_interpreter_is_free(model: QueueModel) -> None:
    model.enqueue("s1", "my", 0, "missing_mt", N, 0.0)
    assert model.tick(299.0) == []
    notes = model.tick(300.0)
    assert one(notes, Unavailable).waited_s == 300.0
    assert "s1" not in model.state.entries
    assert model.stats(300.0).unavailable_rate == 1.0


def test_max_wait_while_offered_withdraws_the_offer() -> None:
    model = QueueModel(QueueConfig(max_wait_s=10, offer_timeout_s=20))
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    notes = model.tick(10.0)
    assert one(notes, OfferWithdrawn).why == "unavailable" and one(notes, Unavailable)
    assert op_state(model, "op1") == "available"


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


def test_counter_gone_past_grace_is_abandoned(model: QueueModel) -> None:
    model.enqueue("s1", "en", 0, "button", N, 0.0)
    model.enqueue("s2", "en", 0, "button", N, 1.0)
    model.counter_disconnected("s1", 2.0)
    notes = model.tick(32.0)
    assert one(notes, Cancelled).why == "counter_gone"
    assert one(notes, PositionChanged).position == 1
    assert model.stats(32.0).abandoned == 1


def test_counter_gone_while_connected_frees_the_operator(model: QueueModel) -> None:
    connected_session(model)
    notes = model.counter_disconnected("s1", 5.0)
    assert one(notes, PeerDisconnected).who == "counter"
    notes = model.tick(35.0)
    returned = one(notes, Returned)
    assert returned.why == "counter_gone" and returned.close_session
    assert op_state(model, "op1") == "wrap_up"


# ---- state machine table, persistence form, stats ----------------------------------------------

def test_sign_out_while_busy_is_refused_and_otherwise_removes(model: QueueModel) -> None:
    connected_session(model)
    with pytest.raises(InvalidTransition):
        model.sign_out("op1", 2.0)
    model.release("op1", "s1", 3.0)
    assert one(model.sign_out("op1", 4.0), OperatorStateChanged).state == "offline"


def test_state_survives_a_round_trip_through_its_dict_form(model: QueueModel) -> None:
    connected_session(model)
    model.enqueue("s2", "en", 0, "button", N, 3.0)
    restored = QueueModel.from_dict(model.config, model.to_dict())
    assert restored.snapshot(4.0) == model.snapshot(4.0)
    assert restored.stats(4.0) == model.stats(4.0)
    assert one(restored.release("op1", "s1", 5.0), Returned).session_id == "s1"


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
