"""The administrator's history figures over a date range, computed from the store.

Sessions by language and by day, mean session time, confidence by language, and the escalations:
rate, reasons, average speed of answer, service level, abandonment and cancellations. The queue's own
counters (``GET /api/stats``) run since the queue was created; these are recomputed from the stored
escalation records, so they can be asked for any range, with the same definitions
(``relay.escalation.queue.stats``). A *wait* starts with a request (``requested``) and ends answered
(``connected``), unavailable (no interpreter within the maximum wait), or ``cancelled`` — which the
record's reason tells apart: ``cancelled`` is a request withdrawn by the clerk or the resident (counted
apart, not in the rates), ``counter_gone`` a request the relay dropped because no tablet was connected any
more (nobody waited: ``dropped``, apart too), anything else (``closed``) a caller who gave up: abandoned.
A request is *asked for* when a person made it (the 通訳者を呼ぶ buttons, the resident asking in words),
else *automatic* (a language the relay cannot translate, low confidence): the rates are given apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from relay.storage.store import Store

ENDED = {"connected": "answered", "cancelled": "abandoned", "unavailable": "unavailable"}
WITHDRAWN = "cancelled"  # the reason stored with a ``cancelled`` row when the request was withdrawn
DROPPED = "counter_gone"  # ... when the relay ended it: the counter's tablet had gone
ASKED = frozenset({"button", "asked_in_words"})  # reasons of requests a person made


def _outcome(state: str, reason: str | None) -> str:
    if state == "cancelled":
        return {WITHDRAWN: "cancelled", DROPPED: "dropped"}.get(reason or "", ENDED[state])
    return ENDED[state]


@dataclass
class _Waits:
    answered: int = 0
    abandoned: int = 0
    cancelled: int = 0
    unavailable: int = 0
    dropped: int = 0
    within_service_level: int = 0
    answer_seconds: list[float] = field(default_factory=list)

    def end(self, outcome: str, waited_s: float, service_level_s: float) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        if outcome == "answered":
            self.answer_seconds.append(waited_s)
            self.within_service_level += waited_s <= service_level_s

    def figures(self) -> dict[str, Any]:
        ended = self.answered + self.abandoned + self.unavailable  # cancelled requests are not waits that ended
        return {
            "answered": self.answered, "abandoned": self.abandoned, "cancelled": self.cancelled,
            "unavailable": self.unavailable, "dropped": self.dropped,
            "average_speed_of_answer_s": _mean(self.answer_seconds),
            "service_level": self.within_service_level / ended if ended else None,
            "abandonment_rate": self.abandoned / ended if ended else None,
            "cancellation_rate": self.cancelled / (ended + self.cancelled) if ended + self.cancelled else None,
        }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


async def history(store: Store, start: float, end: float, service_level_s: float) -> dict[str, Any]:
    days: dict[str, dict[str, Any]] = {}
    for row in await store.query(
            "SELECT date(created_at, 'unixepoch', 'localtime') AS day, resident_lang, COUNT(*) AS n "
            "FROM sessions WHERE created_at >= ? AND created_at < ? GROUP BY day, resident_lang ORDER BY day",
            (start, end)):
        day = days.setdefault(row["day"], {"day": row["day"], "sessions": 0, "by_language": {}, "escalations": 0})
        day["sessions"] += row["n"]
        day["by_language"][row["resident_lang"]] = row["n"]
    durations = await store.query(
        "SELECT AVG(closed_at - created_at) FROM sessions WHERE created_at >= ? AND created_at < ? "
        "AND closed_at IS NOT NULL", (start, end))
    confidence = await store.query(
        "SELECT lang, AVG(confidence) AS mean, COUNT(*) AS n FROM utterances WHERE created_at >= ? AND created_at < ? "
        "AND speaker != 'operator' GROUP BY lang ORDER BY lang", (start, end))
    escalations = await _escalations(store, start, end, service_level_s, days)
    sessions = sum(d["sessions"] for d in days.values())
    return {
        "from": start, "to": end,
        "sessions": sessions,
        "days": list(days.values()),
        "sessions_by_language": _sum_languages(days.values()),
        "mean_session_s": durations[0][0],
        "confidence_by_language": {r["lang"]: {"mean": r["mean"], "utterances": r["n"]} for r in confidence},
        **escalations,
        "escalation_rate": escalations["escalated_sessions"] / sessions if sessions else None,
        "asked_rate": escalations["asked_sessions"] / sessions if sessions else None,
        "automatic_rate": escalations["automatic_sessions"] / sessions if sessions else None,
    }


def _sum_languages(days: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for day in days:
        for lang, n in day["by_language"].items():
            total[lang] = total.get(lang, 0) + n
    return total


async def _escalations(store: Store, start: float, end: float, service_level_s: float,
                       days: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rows = await store.query(
        "SELECT e.session_id, e.state, e.reason, e.created_at, date(e.created_at, 'unixepoch', 'localtime') AS day "
        "FROM escalations e JOIN sessions s ON s.id = e.session_id "
        "WHERE s.created_at >= ? AND s.created_at < ? ORDER BY e.id", (start, end))
    waits, reasons = _Waits(), dict[str, int]()
    open_since: dict[str, float] = {}
    escalated: set[str] = set()
    asked: set[str] = set()
    for row in rows:
        session, state = row["session_id"], row["state"]
        if state == "requested":
            reasons[row["reason"] or ""] = reasons.get(row["reason"] or "", 0) + 1
            open_since.setdefault(session, row["created_at"])
            escalated.add(session)
            if row["reason"] in ASKED:
                asked.add(session)
            if row["day"] in days:
                days[row["day"]]["escalations"] += 1
        elif state in ENDED and session in open_since:
            waits.end(_outcome(state, row["reason"]), row["created_at"] - open_since.pop(session), service_level_s)
    return {"escalated_sessions": len(escalated), "escalations_by_reason": reasons, "asked_sessions": len(asked),
            "automatic_sessions": len(escalated - asked),
            "waiting_now": len(open_since), **waits.figures()}
