"""The operator queue as a pure state machine: no I/O, no event loop, time passed in as ``now``.

Every public method is one transition. It either raises ``InvalidTransition`` (nothing changed) or
changes the state and returns the notifications the relay must deliver. ``tick(now)`` applies every
timeout. Backends wrap this class: the in-process one keeps it in memory and saves it to SQLite, the
Redis one loads, transforms and stores it atomically, so both have exactly these semantics.
"""

from __future__ import annotations

from typing import Any

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import (
    ALL_NODES,
    Connected,
    InvalidTransition,
    OperatorStateChanged,
    PeerDisconnected,
    PeerReconnected,
    QueueFull,
    QueueSnapshot,
    Unavailable,
)
from relay.escalation.queue.moves import Notes, QueueMoves
from relay.escalation.queue.records import (
    AVAILABLE,
    AWAY,
    BUSY,
    CONNECTED,
    ENTRY_OFFERED,
    OFFERED,
    WAITING,
    WRAP_UP,
    Entry,
    Operator,
    QueueState,
)
from relay.escalation.queue.stats import ServiceStats
from relay.escalation.queue.views import build_snapshot, build_stats


class QueueModel(QueueMoves):
    """Every public method is one transition (see the module docstring); the moves they share are in
    ``QueueMoves``."""

    # ---- counter side -------------------------------------------------------------------------
    def enqueue(self, session_id: str, lang: str, priority: int, reason: str, node: str, now: float,
                counter: str = "") -> Notes:
        if session_id in self.state.entries:
            raise InvalidTransition(f"session {session_id} is already escalated")
        if sum(e.state != CONNECTED for e in self.state.entries.values()) >= self.config.max_queue_length:
            raise QueueFull(f"{self.config.max_queue_length} sessions are already waiting")
        self.state.next_seq += 1
        entry = Entry(session_id, lang, priority, reason, node, now, self.state.next_seq, now, counter=counter)
        self.state.entries[session_id] = entry
        self.state.stats.escalated(reason, lang)
        return self._settle(now, [])

    def cancel(self, session_id: str, now: float) -> Notes:
        entry = self._entry(session_id)
        if entry.state == CONNECTED:
            raise InvalidTransition(f"session {session_id} is with operator {entry.operator_id}; release it")
        return self._settle(now, self._abandon(entry, now, "cancelled"))

    def session_closed(self, session_id: str, now: float) -> Notes:
        """The counter closed the session: ends its escalation whatever the state (no-op if none)."""
        entry = self.state.entries.get(session_id)
        if entry is None:
            return []
        if entry.state == CONNECTED:
            return self._settle(now, self._end_connected(entry, now, "closed", close_session=True))
        return self._settle(now, self._abandon(entry, now, "closed"))

    def counter_disconnected(self, session_id: str, now: float) -> Notes:
        entry = self._entry(session_id)
        if entry.counter_lost_at is not None:
            raise InvalidTransition(f"counter of {session_id} is already disconnected")
        entry.counter_lost_at = now
        if entry.state != CONNECTED or entry.operator_id is None:
            return self._settle(now, [])
        operator = self._operator(entry.operator_id)
        grace_until = now + self.config.reconnect_grace_s
        lost = PeerDisconnected((operator.node,), session_id, operator.operator_id, "counter", grace_until)
        return self._settle(now, [lost])

    def counter_reconnected(self, session_id: str, node: str, now: float) -> Notes:
        entry = self._entry(session_id)
        if entry.counter_lost_at is None:
            raise InvalidTransition(f"counter of {session_id} is not disconnected")
        entry.counter_lost_at, entry.node, entry.announced = None, node, None
        notes: Notes = []
        if entry.state == CONNECTED and entry.operator_id is not None:
            operator = self._operator(entry.operator_id)
            notes.append(PeerReconnected(self._nodes(entry, operator), session_id, operator.operator_id, "counter"))
        return self._settle(now, notes)

    # ---- operator side ------------------------------------------------------------------------
    def sign_in(self, operator_id: str, languages: list[str], node: str, now: float, available: bool = True) -> Notes:
        """A console connects. An operator already known (other tab, other node after a crash) is taken over."""
        known = self.state.operators.get(operator_id)
        if known is not None:
            known.languages = list(languages)
            return self._reattach(known, node, now)
        state = AVAILABLE if available else AWAY
        if available:
            self._back_at_desk(operator_id)
        operator = Operator(operator_id, list(languages), node, state, now, now)
        self.state.operators[operator_id] = operator
        return self._settle(now, [OperatorStateChanged((ALL_NODES,), operator_id, state, "signed_in")])

    def _back_at_desk(self, operator_id: str) -> None:
        """The operator says they are available: the offers they let time out may come to them again."""
        for entry in self.state.entries.values():
            if operator_id in entry.missed_by:
                entry.missed_by.remove(operator_id)

    def sign_out(self, operator_id: str, now: float) -> Notes:
        operator = self._operator(operator_id)
        if operator.state == BUSY:
            raise InvalidTransition(f"operator {operator_id} is serving {operator.session_id}; release it")
        notes = self._withdraw_offer(operator, "operator_lost")
        return self._settle(now, notes + self._remove_operator(operator, now, "signed_out"))

    def heartbeat(self, operator_id: str, now: float) -> Notes:
        """Proof of life; revives a console that was only marked lost for silence (it stays away)."""
        operator = self._operator(operator_id)
        operator.last_heartbeat = now
        if not operator.connected and operator.state == AWAY and operator.session_id is None:
            operator.connected, operator.disconnected_at = True, None
        return []

    def set_operator_state(self, operator_id: str, state: str, now: float,
                           languages: list[str] | None = None) -> Notes:
        """What the console may ask for: ``available`` or ``away`` (away while offered declines), and
        the languages it covers. It all takes effect, or nothing does and ``InvalidTransition`` says why."""
        operator = self._operator(operator_id)
        if state not in (AVAILABLE, AWAY):
            raise InvalidTransition(f"an operator cannot set the state {state!r}")
        if operator.state != state and (operator.state == BUSY or (operator.state == OFFERED and state == AVAILABLE)):
            raise InvalidTransition(f"operator {operator_id} is {operator.state}")
        notes: Notes = []
        if languages is not None and languages != operator.languages:
            operator.languages = list(languages)
            offered = self.state.entries.get(operator.session_id or "") if operator.state == OFFERED else None
            if offered is not None and not operator.covers(offered.lang):
                notes += self._withdraw_offer(operator, "languages") + self._move(operator, AVAILABLE, now, "languages")
        if operator.state == state:
            return self._settle(now, notes)
        if operator.state == OFFERED:
            notes += self._withdraw_offer(operator, "declined")
        if state == AVAILABLE:
            self._back_at_desk(operator_id)
        return self._settle(now, notes + self._move(operator, state, now, "requested"))

    def set_language(self, session_id: str, lang: str, now: float) -> Notes:
        """The session's language became known (or changed): the entry is routed by it from now on.
        An offer already made stands; a waiting entry goes to someone who covers the new language."""
        entry = self._entry(session_id)
        if entry.lang == lang:
            return []
        entry.lang, entry.announced = lang, None
        if entry.state == WAITING:
            entry.declined_by, entry.missed_by = [], []
        return self._settle(now, [])

    def accept(self, operator_id: str, session_id: str, now: float) -> Notes:
        operator, entry = self._operator(operator_id), self._entry(session_id)
        offered_here = entry.state == ENTRY_OFFERED and entry.operator_id == operator_id
        picked = (self.config.allow_pick and entry.state == WAITING and operator.can_take(entry.lang))
        if not operator.connected or not (offered_here or picked):
            raise InvalidTransition(f"session {session_id} ({entry.state}) cannot be taken by {operator_id} "
                                    f"({operator.state})")
        if not entry.answered:
            self.state.stats.answered_after(now - entry.enqueued_at, self.config.service_level_s)
        self._move_entry(entry, CONNECTED)
        entry.answered, entry.connected_at, entry.at_head = True, now, False
        entry.operator_id, entry.offer_expires_at, entry.preferred_operator = operator_id, None, None
        operator.session_id = session_id
        notes = self._move(operator, BUSY, now, "accepted")
        return self._settle(now, [Connected(self._nodes(entry, operator), session_id, operator_id), *notes])

    def decline(self, operator_id: str, session_id: str, now: float) -> Notes:
        operator, entry = self._operator(operator_id), self._entry(session_id)
        if entry.state != ENTRY_OFFERED or entry.operator_id != operator_id:
            raise InvalidTransition(f"session {session_id} is not offered to {operator_id}")
        notes = self._withdraw_offer(operator, "declined")
        return self._settle(now, notes + self._move(operator, AVAILABLE, now, "declined"))

    def release(self, operator_id: str, session_id: str, now: float, close: bool = False) -> Notes:
        entry = self._connected_entry(operator_id, session_id)
        why = "closed" if close else "released"
        return self._settle(now, self._end_connected(entry, now, why, close_session=close))

    def transfer(self, operator_id: str, session_id: str, to_operator_id: str, now: float) -> Notes:
        """Hand a connected session to a named available operator; it is offered to them first."""
        entry = self._connected_entry(operator_id, session_id)
        target = self._operator(to_operator_id)
        if to_operator_id == operator_id or not target.can_take(entry.lang):
            raise InvalidTransition(f"operator {to_operator_id} ({target.state}) cannot take {entry.lang}")
        notes = self._end_connected(entry, now, "transferred", close_session=False, keep_entry=True)
        self._move_entry(entry, WAITING)
        entry.operator_id, entry.at_head, entry.preferred_operator = None, True, to_operator_id
        entry.waiting_since, entry.announce = now, ""
        return self._settle(now, notes)

    def operator_disconnected(self, operator_id: str, now: float) -> Notes:
        operator = self._operator(operator_id)
        if not operator.connected:
            raise InvalidTransition(f"operator {operator_id} is already disconnected")
        operator.connected, operator.disconnected_at = False, now
        notes = self._withdraw_offer(operator, "operator_lost")
        if notes:  # not offered anything while disconnected: can_take() requires a connection
            notes += self._move(operator, AVAILABLE, now, "operator_lost")
        if operator.state == BUSY and operator.session_id in self.state.entries:
            entry = self.state.entries[operator.session_id]
            grace_until = now + self.config.reconnect_grace_s
            notes.append(PeerDisconnected((entry.node,), entry.session_id, operator_id, "operator", grace_until))
        return self._settle(now, notes)

    def operator_reconnected(self, operator_id: str, node: str, now: float) -> Notes:
        operator = self._operator(operator_id)
        if operator.connected:
            raise InvalidTransition(f"operator {operator_id} is not disconnected")
        return self._reattach(operator, node, now)

    # ---- time ---------------------------------------------------------------------------------
    def tick(self, now: float) -> Notes:
        notes: Notes = []
        for operator in list(self.state.operators.values()):
            notes += self._operator_timeouts(operator, now)
        for entry in sorted(self.state.entries.values(), key=Entry.order_key):
            notes += self._entry_timeouts(entry, now)
        return self._settle(now, notes)

    def _operator_timeouts(self, operator: Operator, now: float) -> Notes:
        cfg = self.config
        if operator.state == OFFERED and operator.session_id in self.state.entries:
            entry = self.state.entries[operator.session_id]
            if entry.offer_expires_at is not None and now >= entry.offer_expires_at:
                after = AWAY if cfg.away_after_missed_offer else AVAILABLE
                return self._withdraw_offer(operator, "timeout") + self._move(operator, after, now, "missed_offer")
        if not operator.connected and operator.disconnected_at is not None:
            if now - operator.disconnected_at >= cfg.reconnect_grace_s:
                return self._requeue_session_of(operator, now) + self._remove_operator(operator, now, "lost")
        elif operator.connected and now - operator.last_heartbeat >= cfg.heartbeat_timeout_s:
            return self._operator_silent(operator, now)
        if operator.state == WRAP_UP and operator.connected and now - operator.state_since >= cfg.wrap_up_s:
            return self._move(operator, AVAILABLE, now, "wrap_up_done")
        return []

    def _operator_silent(self, operator: Operator, now: float) -> Notes:
        """No heartbeat (console frozen, or its node died without telling): serve its session elsewhere
        now, set it away, and treat it as disconnected so it is signed out after the grace period."""
        notes = self._withdraw_offer(operator, "operator_lost") + self._requeue_session_of(operator, now)
        if operator.state != AWAY:
            notes += self._move(operator, AWAY, now, "heartbeat_timeout")
        operator.connected, operator.disconnected_at = False, now
        return notes

    def _entry_timeouts(self, entry: Entry, now: float) -> Notes:
        if entry.session_id not in self.state.entries:
            return []
        lost_at = entry.counter_lost_at
        if lost_at is not None and now - lost_at >= self.config.reconnect_grace_s:
            if entry.state == CONNECTED:
                return self._end_connected(entry, now, "counter_gone", close_session=True)
            return self._abandon(entry, now, "counter_gone")
        if entry.state != CONNECTED and now - entry.waiting_since >= self.config.max_wait_s:
            notes = self._drop_offer_of(entry, now, "unavailable")
            del self.state.entries[entry.session_id]
            if not entry.answered:
                self.state.stats.unavailable += 1
            return [*notes, Unavailable((entry.node,), entry.session_id, now - entry.waiting_since)]
        return []

    # ---- views --------------------------------------------------------------------------------
    def snapshot(self, now: float) -> QueueSnapshot:
        return build_snapshot(self.state, self._ordered_waiting(), now)

    def stats(self, now: float) -> ServiceStats:
        return build_stats(self.state, self.config, now)

    def to_dict(self) -> dict[str, Any]:
        return self.state.to_dict()

    @classmethod
    def from_dict(cls, config: QueueConfig, data: dict[str, Any]) -> QueueModel:
        return cls(config, QueueState.from_dict(data))
