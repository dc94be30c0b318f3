"""Service metrics of the operator queue, accumulated as plain counters so they persist with the queue.

Definitions (documented for supervisors in docs/operators.md):
- ASA (average speed of answer): mean seconds from escalation to the first operator accepting it.
- Abandonment rate: escalations that left before an answer because the caller gave up waiting (the
  counter closed the session or went away), divided by every escalation that has ended its wait
  (answered + abandoned + unavailable).
- Cancelled: requests withdrawn with 「呼び出しを取り消す」 by the clerk or the resident (the conversation
  no longer needs an interpreter). Counted apart, and left out of the waits the rates divide by: a
  withdrawn request is neither served nor failed. Cancellation rate: cancelled / (ended waits + cancelled).
- Dropped: requests the relay ended because no counter tablet was connected for ``reconnect_grace_s``
  (a tablet closed without 受付終了): nobody was left waiting, so they are not abandoned either; counted
  apart and left out of the rates.
- Service level: share of ended waits answered within ``service_level_s``.
- Occupancy: (busy + wrap-up seconds) / (seconds signed in and not away), over all operators.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ServiceStats:
    """``GET /api/stats`` (queue part) and the Prometheus gauges."""

    escalations: int
    answered: int
    abandoned: int
    cancelled: int
    unavailable: int
    dropped: int
    waiting: int
    connected: int
    average_speed_of_answer_s: float | None
    abandonment_rate: float | None
    cancellation_rate: float | None
    unavailable_rate: float | None
    service_level: float | None
    service_level_s: float
    longest_current_wait_s: float
    average_handle_time_s: float | None
    occupancy: float | None
    operators_by_state: dict[str, int]
    escalations_by_reason: dict[str, int]
    escalations_by_lang: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StatsTracker:
    """Running totals; ``state_seconds`` holds the closed part of every operator's time per state."""

    escalations: int = 0
    answered: int = 0
    answered_within_sl: int = 0
    abandoned: int = 0
    cancelled: int = 0  # withdrawn by the counter or the resident: not an abandoned call
    dropped: int = 0  # ended by the relay: no tablet at the counter any more (counter_gone)
    unavailable: int = 0
    total_answer_wait_s: float = 0.0
    by_reason: dict[str, int] = field(default_factory=dict)
    by_lang: dict[str, int] = field(default_factory=dict)
    state_seconds: dict[str, float] = field(default_factory=dict)
    recent_handle_times: list[float] = field(default_factory=list)

    def escalated(self, reason: str, lang: str) -> None:
        self.escalations += 1
        self.by_reason[reason] = self.by_reason.get(reason, 0) + 1
        self.by_lang[lang] = self.by_lang.get(lang, 0) + 1

    def answered_after(self, wait_s: float, service_level_s: float) -> None:
        self.answered += 1
        self.total_answer_wait_s += wait_s
        if wait_s <= service_level_s:
            self.answered_within_sl += 1

    def handled(self, handle_s: float, window: int) -> None:
        self.recent_handle_times.append(handle_s)
        del self.recent_handle_times[:-window]

    def add_state_time(self, state: str, seconds: float) -> None:
        self.state_seconds[state] = self.state_seconds.get(state, 0.0) + max(0.0, seconds)

    def average_handle_time(self) -> float | None:
        times = self.recent_handle_times
        return sum(times) / len(times) if times else None

    def ended_waits(self) -> int:
        """Waits that ended served or failed (what the rates divide by); cancelled requests are not among them."""
        return self.answered + self.abandoned + self.unavailable


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def occupancy(state_seconds: dict[str, float]) -> float | None:
    working = state_seconds.get("busy", 0.0) + state_seconds.get("wrap_up", 0.0)
    staffed = working + state_seconds.get("available", 0.0) + state_seconds.get("offered", 0.0)
    return share(working, staffed)
