"""The queue state machine with a fake clock: enqueue, offer and accept; priority and order; decline,
offer timeout and max wait. Operators' own states are in test_model_operators.py, faults in
test_model_faults.py."""

from __future__ import annotations

import pytest

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import (
    Connected,
    EntryQueued,
    InvalidTransition,
    OfferMade,
    OfferWithdrawn,
    PositionChanged,
    QueueChanged,
    QueueFull,
    Unavailable,
    UnknownOperator,
    UnknownSession,
)
from relay.escalation.queue.model import QueueModel
from tests.queue.model_helpers import N, connected_session, of, one, op_state

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


def test_a_call_nobody_covers_is_told_so_until_someone_does(model: QueueModel) -> None:
    """The only interpreter signed in speaks Portuguese: a Vietnamese call waits for nobody, and the counter
    and the dashboard are told (``covered``), until an interpreter who declares Vietnamese is there."""
    model.sign_in("op-pt", ["pt"], N, 0.0)
    queued = one(model.enqueue("s1", "vi", 0, "missing_mt", N, 1.0), EntryQueued)
    assert (queued.position, queued.eta_s, queued.covered) == (1, None, False)
    assert [e.covered for e in model.snapshot(2.0).entries] == [False]
    assert not of(model.sign_in("op-vi", ["vi"], N, 3.0, available=False), PositionChanged)  # away: still nobody
    notes = model.set_operator_state("op-vi", "available", 4.0)
    assert one(notes, OfferMade).operator_id == "op-vi"
    assert one(notes, PositionChanged).covered  # the counter no longer reads that nobody covers it
    model.decline("op-vi", "s1", 5.0)
    model.sign_in("op-vi2", ["vi"], N, 6.0, available=False)
    assert [e.covered for e in model.snapshot(7.0).entries] == [True]  # op-vi, available, covers it
    notes = model.set_operator_state("op-vi", "away", 8.0)
    assert one(notes, PositionChanged).covered is False  # op-vi2 is away too: told again


def test_a_covered_call_says_so_from_the_start(model: QueueModel) -> None:
    connected_session(model)  # op1 serves an English call: it covers English, only later
    queued = one(model.enqueue("s2", "en", 0, "button", N, 2.0), EntryQueued)
    assert queued.covered and queued.eta_s == 120.0


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


# ---- a missed offer is not a decline ------------------------------------------------------------

def test_an_offer_missed_while_away_comes_back_when_the_interpreter_is_available_again(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)  # the only interpreter for English
    model.enqueue("s1", "en", 0, "button", N, 1.0)
    model.tick(21.0)  # they were away from the desk: the offer timed out, they are set away
    assert op_state(model, "op1") == "away" and model.state.entries["s1"].state == "waiting"
    notes = model.set_operator_state("op1", "available", 60.0)
    assert one(notes, OfferMade).operator_id == "op1", "the waiting counter is offered to them again"


def test_a_declined_call_is_not_offered_again_after_the_interpreter_comes_back(model: QueueModel) -> None:
    model.sign_in("op1", ["en"], N, 0.0)
    model.enqueue("s1", "en", 0, "button", N, 1.0)
    model.decline("op1", "s1", 2.0)
    model.set_operator_state("op1", "away", 3.0)
    notes = model.set_operator_state("op1", "available", 60.0)
    assert not of(notes, OfferMade), "a decline is their decision; they may still take it from the list"
