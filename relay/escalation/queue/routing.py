"""Who gets an offer, where a counter stands in the queue, and how long it will probably wait."""

from __future__ import annotations

import math

from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.records import AVAILABLE, AWAY, WAITING, Entry, Operator, QueueState


def choose_operator(state: QueueState, entry: Entry) -> Operator | None:
    """The operator named by a transfer if free, else the one idle longest among the free operators
    who speak the language and have not declined this session (nor missed its offer since they were
    last back at their desk)."""
    candidates = [o for o in state.operators.values()
                  if o.can_take(entry.lang) and o.operator_id not in entry.declined_by
                  and o.operator_id not in entry.missed_by]
    if not candidates:
        return None
    preferred = [o for o in candidates if o.operator_id == entry.preferred_operator]
    return preferred[0] if preferred else min(candidates, key=lambda o: (o.state_since, o.operator_id))


def waiting_positions(ordered: list[Entry]) -> dict[str, int]:
    """1-based place among the waiting sessions of the same language (what the counter waits behind);
    sessions already offered to an operator are as good as served and are not counted."""
    seen: dict[str, int] = {}
    positions: dict[str, int] = {}
    for entry in ordered:
        if entry.state == WAITING:
            seen[entry.lang] = seen.get(entry.lang, 0) + 1
            positions[entry.session_id] = seen[entry.lang]
    return positions


def covering_staff(state: QueueState, lang: str) -> list[Operator]:
    """The operators who will answer a call in ``lang`` sooner or later: connected, not away, and declaring
    the language (free now, offered another call, serving one, or in wrap-up)."""
    return [o for o in state.operators.values() if o.connected and o.state != AWAY and o.covers(lang)]


def is_covered(state: QueueState, lang: str) -> bool:
    """Whether anyone covers the language now; a waiting call that is not covered waits for nobody until
    an interpreter who declares its language becomes available (the counter and the dashboard are told)."""
    return bool(covering_staff(state, lang))


def estimated_wait(state: QueueState, config: QueueConfig, lang: str, position: int) -> float | None:
    """Seconds until an operator is likely free: (place beyond free operators) x handle time / staff,
    rounded up to 5 s so the counter is not updated for noise. None when nobody covers the language."""
    staff = covering_staff(state, lang)
    if not staff:
        return None
    free = sum(o.state == AVAILABLE for o in staff)
    if position <= free:
        return 0.0
    handle = state.stats.average_handle_time() or config.default_handle_time_s
    return float(5 * math.ceil((position - free) * handle / len(staff) / 5))
