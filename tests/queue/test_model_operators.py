"""The queue state machine with a fake clock: operator states and heartbeats; release, wrap-up, transfer,
cancel; signing out."""

from __future__ import annotations

import pytest

from relay.escalation.queue.events import (
    Cancelled,
    Connected,
    EntryQueued,
    InvalidTransition,
    OfferMade,
    OfferWithdrawn,
    OperatorStateChanged,
    Returned,
)
from relay.escalation.queue.model import QueueModel
from tests.queue.model_helpers import N, connected_session, one, op_state

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



def test_sign_out_while_busy_is_refused_and_otherwise_removes(model: QueueModel) -> None:
    connected_session(model)
    with pytest.raises(InvalidTransition):
        model.sign_out("op1", 2.0)
    model.release("op1", "s1", 3.0)
    assert one(model.sign_out("op1", 4.0), OperatorStateChanged).state == "offline"
