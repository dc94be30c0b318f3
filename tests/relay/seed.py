"""A store with a known history, for the admin API and the dashboard: sessions on several days in
several languages, utterances with confidences, escalations answered, abandoned, cancelled and unavailable."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from relay.storage.store import SessionRecord, Store

DAY = 86400.0


def local_noon(now: float) -> float:
    """Today's noon, local time: seeded days never straddle a midnight, whenever the test runs."""
    t = time.localtime(now)
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 12, 0, 0, 0, 0, -1))


@dataclass(frozen=True)
class Seeded:
    noon: float
    sessions: int
    by_language: dict[str, int]
    answered_waits: list[float]
    abandoned: int
    cancelled: int
    unavailable: int
    escalated: int


async def seed_history(store: Store, now: float) -> Seeded:
    """Three days ago: 2 vi and 1 en; two days ago: 1 vi and 2 zh; yesterday: 1 pt. Escalations: one
    answered after 12 s, one after 45 s, one abandoned (the clerk closed the session while it waited), one
    withdrawn by the clerk (cancelled: not abandoned), one unavailable, and one the relay made by itself
    (missing_mt) and dropped when the tablet went away (counter_gone: neither abandoned nor in the rates).
    Asked for by a person (button): 3 sessions; made by the relay: 3."""
    plan = [(3, "vi"), (3, "vi"), (3, "en"), (2, "vi"), (2, "zh"), (2, "zh"), (1, "pt")]
    escalations = {0: ("button", "connected", 12.0, None), 3: ("low_confidence", "connected", 45.0, None),
                   4: ("missing_mt", "cancelled", 20.0, "closed"), 5: ("button", "cancelled", 8.0, "cancelled"),
                   6: ("button", "unavailable", 300.0, "no_interpreter_free"),
                   1: ("missing_mt", "cancelled", 40.0, "counter_gone")}
    statements: list[tuple[str, tuple[object, ...]]] = []
    for i, (days_ago, lang) in enumerate(plan):
        created = local_noon(now) - days_ago * DAY + i * 60
        await store.create_session(SessionRecord(f"seed{i:04d}", f"窓口 {i}", lang, "translation", True, "closed",
                                                 created, created + 600 + 60 * i))
        for n, confidence in enumerate((0.9, 0.6 if lang == "zh" else 0.8)):
            statements.append(("INSERT INTO utterances (id, session_id, seq, created_at, speaker, lang, text, "
                               "confidence, source) VALUES (?,?,?,?,?,?,?,?,?)",
                               (f"u{i}_{n}", f"seed{i:04d}", n + 1, created + n, "resident", lang, "…", confidence,
                                "speech")))
        if i in escalations:
            reason, outcome, wait, ended_why = escalations[i]
            for at, state, why in ((created + 30, "requested", reason), (created + 31, "queued", reason),
                                   (created + 30 + wait, outcome, ended_why)):
                statements.append(("INSERT INTO escalations (session_id, created_at, state, reason, figures) "
                                   "VALUES (?,?,?,?,?)", (f"seed{i:04d}", at, state, why, json.dumps({}))))
    await store.write(statements)
    by_language: dict[str, int] = {}
    for _, lang in plan:
        by_language[lang] = by_language.get(lang, 0) + 1
    return Seeded(local_noon(now), len(plan), by_language, [12.0, 45.0], 1, 1, 1, len(escalations))
