"""Read-only views of the queue state: the operators' waiting list, ``GET /api/queue``, ``GET /api/stats``."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import ALL_NODES, EntryView, OperatorView, QueueChanged, QueueSnapshot
from relay.escalation.queue.records import CONNECTED, Entry, QueueState
from relay.escalation.queue.routing import is_covered
from relay.escalation.queue.stats import ServiceStats, occupancy, share


@dataclass(frozen=True)
class WaitingList:
    notification: QueueChanged
    digest: str


def entry_view(state: QueueState, entry: Entry, position: int | None) -> EntryView:
    return EntryView(
        session_id=entry.session_id, lang=entry.lang, reason=entry.reason, priority=entry.priority,
        state=entry.state, position=position, waiting_since=entry.waiting_since,
        operator_id=entry.operator_id, node=entry.node, counter_connected=entry.counter_lost_at is None,
        counter=entry.counter, covered=entry.state == CONNECTED or is_covered(state, entry.lang),
    )


def waiting_view(state: QueueState, ordered: list[Entry]) -> WaitingList:
    entries = tuple(entry_view(state, e, i) for i, e in enumerate(ordered, start=1))
    digest = hashlib.sha1(repr([astuple(e) for e in entries]).encode()).hexdigest()
    return WaitingList(QueueChanged((ALL_NODES,), entries), digest)


def build_snapshot(state: QueueState, ordered: list[Entry], now: float) -> QueueSnapshot:
    connected = [e for e in state.entries.values() if e.state == CONNECTED]
    entries = [entry_view(state, e, i) for i, e in enumerate(ordered, start=1)]
    entries += [entry_view(state, e, None) for e in sorted(connected, key=lambda e: e.connected_at or 0.0)]
    operators = tuple(
        OperatorView(o.operator_id, tuple(o.languages), o.state, o.session_id, o.connected, o.node,
                     now - o.state_since)
        for o in sorted(state.operators.values(), key=lambda o: o.operator_id)
    )
    return QueueSnapshot(tuple(entries), operators, state.revision)


def build_stats(state: QueueState, config: QueueConfig, now: float) -> ServiceStats:
    stats = state.stats
    seconds = dict(stats.state_seconds)
    by_state: dict[str, int] = {}
    for operator in state.operators.values():  # include the still-open interval of every operator
        seconds[operator.state] = seconds.get(operator.state, 0.0) + max(0.0, now - operator.state_since)
        by_state[operator.state] = by_state.get(operator.state, 0) + 1
    pending = [e for e in state.entries.values() if e.state != CONNECTED]
    ended = stats.ended_waits()
    return ServiceStats(
        escalations=stats.escalations,
        answered=stats.answered,
        abandoned=stats.abandoned,
        cancelled=stats.cancelled,
        unavailable=stats.unavailable,
        dropped=stats.dropped,
        waiting=len(pending),
        connected=len(state.entries) - len(pending),
        average_speed_of_answer_s=share(stats.total_answer_wait_s, stats.answered),
        abandonment_rate=share(stats.abandoned, ended),
        cancellation_rate=share(stats.cancelled, ended + stats.cancelled),
        unavailable_rate=share(stats.unavailable, ended),
        service_level=share(stats.answered_within_sl, ended),
        service_level_s=config.service_level_s,
        longest_current_wait_s=max((now - e.waiting_since for e in pending), default=0.0),
        average_handle_time_s=stats.average_handle_time(),
        occupancy=occupancy(seconds),
        operators_by_state=by_state,
        escalations_by_reason=dict(stats.by_reason),
        escalations_by_lang=dict(stats.by_lang),
    )
