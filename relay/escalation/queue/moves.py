"""The moves the operator queue's transitions share: look-ups that raise, state changes that keep entry
and operator consistent, offers, and the settling step that every transition ends with.

``QueueModel`` (``relay.escalation.queue.model``) builds its public transitions on this base class; it
is split off only to keep each file readable. Pure: no I/O, time passed in as ``now``.
"""

from __future__ import annotations

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import (
    ALL_NODES,
    Cancelled,
    Connected,
    EntryQueued,
    InvalidTransition,
    Notification,
    OfferMade,
    OfferWithdrawn,
    OperatorStateChanged,
    PeerReconnected,
    PositionChanged,
    Returned,
    UnknownOperator,
    UnknownSession,
)
from relay.escalation.queue.records import (
    AVAILABLE,
    BUSY,
    CONNECTED,
    ENTRY_OFFERED,
    ENTRY_TRANSITIONS,
    OFFERED,
    OPERATOR_TRANSITIONS,
    WAITING,
    WRAP_UP,
    Entry,
    Operator,
    QueueState,
)
from relay.escalation.queue.routing import choose_operator, estimated_wait, is_covered, waiting_positions
from relay.escalation.queue.views import waiting_view

Notes = list[Notification]


class QueueMoves:
    def __init__(self, config: QueueConfig | None = None, state: QueueState | None = None) -> None:
        self.config = config or QueueConfig()
        self.state = state or QueueState()

    # ---- helpers ------------------------------------------------------------------------------
    def _entry(self, session_id: str) -> Entry:
        entry = self.state.entries.get(session_id)
        if entry is None:
            raise UnknownSession(f"session {session_id} is not in the queue")
        return entry

    def _operator(self, operator_id: str) -> Operator:
        operator = self.state.operators.get(operator_id)
        if operator is None:
            raise UnknownOperator(f"operator {operator_id} is not signed in")
        return operator

    def _connected_entry(self, operator_id: str, session_id: str) -> Entry:
        self._operator(operator_id)
        entry = self._entry(session_id)
        if entry.state != CONNECTED or entry.operator_id != operator_id:
            raise InvalidTransition(f"session {session_id} is not connected to {operator_id}")
        return entry

    @staticmethod
    def _nodes(entry: Entry, operator: Operator) -> tuple[str, ...]:
        return (entry.node,) if entry.node == operator.node else (entry.node, operator.node)

    def _move(self, operator: Operator, state: str, now: float, why: str) -> Notes:
        if state not in OPERATOR_TRANSITIONS[operator.state]:
            raise InvalidTransition(f"operator {operator.operator_id}: {operator.state} -> {state}")
        self.state.stats.add_state_time(operator.state, now - operator.state_since)
        operator.state, operator.state_since = state, now
        if state not in (OFFERED, BUSY):
            operator.session_id = None
        return [OperatorStateChanged((ALL_NODES,), operator.operator_id, state, why)]

    @staticmethod
    def _move_entry(entry: Entry, state: str) -> None:
        if state not in ENTRY_TRANSITIONS[entry.state]:
            raise InvalidTransition(f"session {entry.session_id}: {entry.state} -> {state}")
        entry.state = state

    def _withdraw_offer(self, operator: Operator, why: str) -> Notes:
        """The operator's pending offer (if any) goes back to waiting; the caller moves the operator."""
        if operator.state != OFFERED or operator.session_id not in self.state.entries:
            return []
        entry = self.state.entries[operator.session_id]
        self._move_entry(entry, WAITING)
        entry.operator_id, entry.offer_expires_at, entry.announced = None, None, None
        if why == "declined":
            entry.declined_by.append(operator.operator_id)  # do not offer it to them again
        elif why == "timeout":
            entry.missed_by.append(operator.operator_id)  # not until they say they are back (available)
        return [OfferWithdrawn((operator.node,), entry.session_id, operator.operator_id, why)]

    def _drop_offer_of(self, entry: Entry, now: float, why: str) -> Notes:
        if entry.state != ENTRY_OFFERED or entry.operator_id not in self.state.operators:
            return []
        operator = self.state.operators[entry.operator_id]
        notes = self._withdraw_offer(operator, why)
        return notes + (self._move(operator, AVAILABLE, now, why) if operator.state == OFFERED else [])

    def _abandon(self, entry: Entry, now: float, why: str) -> Notes:
        """The request ends unanswered: withdrawn (``cancelled``, counted apart), dropped by the relay (no
        tablet at the counter past the grace period, ``counter_gone``: nobody was waiting any more, counted
        apart) or given up (the counter closed the session while it waited: abandoned)."""
        notes = self._drop_offer_of(entry, now, why)
        del self.state.entries[entry.session_id]
        if not entry.answered:
            if why == "cancelled":
                self.state.stats.cancelled += 1
            elif why == "counter_gone":
                self.state.stats.dropped += 1
            else:
                self.state.stats.abandoned += 1
        return [*notes, Cancelled((entry.node,), entry.session_id, why)]

    def _end_connected(self, entry: Entry, now: float, why: str, close_session: bool,
                       keep_entry: bool = False) -> Notes:
        operator = self.state.operators[entry.operator_id or ""]
        if entry.connected_at is not None:
            self.state.stats.handled(now - entry.connected_at, self.config.handle_time_window)
        if not keep_entry:
            del self.state.entries[entry.session_id]
        returned = Returned(self._nodes(entry, operator), entry.session_id, operator.operator_id, why, close_session)
        return [returned, *self._move(operator, WRAP_UP, now, why)]

    def _requeue_session_of(self, operator: Operator, now: float) -> Notes:
        """The operator is gone for good: its session goes back to the head of the queue, nothing lost."""
        entry = self.state.entries.get(operator.session_id or "")
        if operator.state != BUSY or entry is None:
            return []
        self._move_entry(entry, WAITING)
        entry.operator_id, entry.at_head, entry.waiting_since = None, True, now
        entry.announce, entry.announced, entry.declined_by, entry.missed_by = "requeued", None, [], []
        return [Returned(self._nodes(entry, operator), entry.session_id, operator.operator_id, "operator_lost")]

    def _remove_operator(self, operator: Operator, now: float, why: str) -> Notes:
        self.state.stats.add_state_time(operator.state, now - operator.state_since)
        del self.state.operators[operator.operator_id]
        return [OperatorStateChanged((ALL_NODES,), operator.operator_id, "offline", why)]

    def _reattach(self, operator: Operator, node: str, now: float) -> Notes:
        operator.connected, operator.disconnected_at = True, None
        operator.node, operator.last_heartbeat = node, now
        notes: Notes = []
        entry = self.state.entries.get(operator.session_id or "")
        if operator.state == BUSY and entry is not None:
            notes.append(Connected(self._nodes(entry, operator), entry.session_id, operator.operator_id, True))
            notes.append(PeerReconnected((entry.node,), entry.session_id, operator.operator_id, "operator"))
        notes.append(OperatorStateChanged((ALL_NODES,), operator.operator_id, operator.state, "reconnected"))
        return self._settle(now, notes)

    # ---- routing and announcements ------------------------------------------------------------
    def _ordered_waiting(self) -> list[Entry]:
        pending = (e for e in self.state.entries.values() if e.state != CONNECTED)
        return sorted(pending, key=Entry.order_key)

    def _settle(self, now: float, notes: Notes) -> Notes:
        """After every transition: tell new entries their place, make offers, update positions."""
        self.state.revision = max(self.state.revision + 1, int(now * 1000))
        notes += self._announce(now, fresh_only=True)
        for entry in self._ordered_waiting():
            if entry.state == WAITING:
                notes += self._offer_if_possible(entry, now)
        notes += self._announce(now, fresh_only=False)
        listing = waiting_view(self.state, self._ordered_waiting())
        if listing.digest != self.state.listing_digest:  # persisted: Redis rebuilds the model per call
            self.state.listing_digest = listing.digest
            notes.append(listing.notification)
        return notes

    def _offer_if_possible(self, entry: Entry, now: float) -> Notes:
        operator = choose_operator(self.state, entry)
        if operator is None:
            return []
        expires = now + self.config.offer_timeout_s
        told = entry.announced
        self._move_entry(entry, ENTRY_OFFERED)
        entry.operator_id, entry.offer_expires_at, entry.announced = operator.operator_id, expires, None
        operator.session_id = entry.session_id
        notes = self._move(operator, OFFERED, now, "offer")
        offer = OfferMade(self._nodes(entry, operator), entry.session_id, operator.operator_id, entry.lang,
                          entry.reason, expires, entry.counter)
        if told is not None and told[2:] == [0.0]:  # the counter was told that nobody covers it: someone does now
            return [offer, *notes, PositionChanged((entry.node,), entry.session_id, int(told[0]), 0.0, True)]
        return [offer, *notes]

    def _announce(self, now: float, fresh_only: bool) -> Notes:
        notes: Notes = []
        positions = waiting_positions(self._ordered_waiting())
        for entry in self._ordered_waiting():
            if entry.state != WAITING or (fresh_only and not entry.announce):
                continue
            position = positions[entry.session_id]
            eta = estimated_wait(self.state, self.config, entry.lang, position)
            covered = is_covered(self.state, entry.lang)
            figures = [float(position), -1.0 if eta is None else eta, float(covered)]
            if entry.announce:
                requeued = entry.announce == "requeued"
                notes.append(EntryQueued((entry.node,), entry.session_id, entry.lang, entry.reason, position, eta,
                                         requeued, covered))
            elif figures != entry.announced:
                notes.append(PositionChanged((entry.node,), entry.session_id, position, eta, covered))
            entry.announce, entry.announced = "", figures
        return notes
