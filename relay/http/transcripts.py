"""Who may read which stored transcript, and what each of them gets.

Access follows who took part: an admin reads every transcript; a clerk the sessions it created or
connected a counter to; an operator the sessions it served; a resident only its own session, and only
what it was shown on its screen (``relay.turns.routing.sees``): its own words, and what was said to
it in its language(s) or as やさしい日本語 — never the clerk's Japanese, back-translations, the
interpreter's notes to the clerk, ASR figures or engine details.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, tzinfo
from typing import Any

from relay.storage.auth import Principal
from relay.storage.store import SessionRecord, Store


async def took_part(store: Store, principal: Principal, record: SessionRecord) -> bool:
    if principal.role == "admin":
        return True
    if principal.role == "resident":
        return principal.session_id == record.id
    if principal.role == "clerk":
        if record.created_by == principal.actor:
            return True
        return await store.clerk_joined(principal.actor, record.id)
    if principal.role == "operator":
        return await store.operator_served(principal.id, record.id)
    return False


async def resident_languages(store: Store, record: SessionRecord) -> set[str]:
    """Every language the resident's screen was in during the session (it may have been changed or
    detected from ``auto``): the current one and those of each ``session.updated``."""
    return {record.resident_lang} | await store.resident_languages(record.id)


def resident_view(rows: list[dict[str, Any]], languages: set[str]) -> list[dict[str, Any]]:
    """The transcript as the resident saw it; rows that showed the resident nothing are left out."""
    shown = []
    for row in rows:
        translations = [
            {"kind": t["kind"], "lang": t["lang"], "text": t["text"], "replaced": t["replaced"], "seq": t["seq"],
             "confidence": t["confidence"]}
            for t in row["translations"]
            if t["kind"] == "easy_japanese" or (t["kind"] != "back_translation" and t["lang"] in languages)
        ]
        own = row["speaker"] == "resident"
        if not own and not translations:
            continue
        shown.append({
            "utterance_id": row["utterance_id"], "seq": row["seq"], "created_at": row["created_at"],
            "speaker": row["speaker"], "lang": row["lang"] if own else None, "text": row["text"] if own else None,
            "confidence": row["confidence"] if own else None, "translations": translations,
        })
    return shown


def _at(seconds: float, zone: tzinfo | None) -> datetime:
    """In the relay's configured zone (``relay.time_zone``), not the server clock's (often UTC)."""
    return datetime.fromtimestamp(seconds, zone).astimezone(zone)


def as_text(record: SessionRecord, rows: list[dict[str, Any]], zone: tzinfo | None = None) -> str:
    at = _at(record.created_at, zone)
    started = f"{at:%Y-%m-%d %H:%M} {at.tzname()} (UTC{at.isoformat()[-6:]})"  # 2026-11-27 20:04 JST (UTC+09:00)
    lines = [f"Madoguchi session {record.id} — counter {record.counter} — {started}", ""]
    for row in rows:
        stamp = _at(row["created_at"], zone).strftime("%H:%M:%S")
        said = f" ({row['lang']}): {row['text']}" if row["text"] is not None else ":"
        lines.append(f"[{stamp}] {row['speaker']}{said}")
        for t in row["translations"]:
            mark = " (replaced)" if t["replaced"] else ""
            lines.append(f"    → {t['kind']} ({t['lang']}){mark}: {t['text']}")
    return "\n".join(lines) + "\n"


def as_csv(rows: list[dict[str, Any]], zone: tzinfo | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["utterance_id", "time", "speaker", "lang", "text", "confidence", "kind", "target_lang",
                     "translation", "translation_confidence", "replaced"])
    for row in rows:
        stamp = _at(row["created_at"], zone).isoformat(timespec="seconds")  # with its offset: +09:00
        base = [row["utterance_id"], stamp, row["speaker"], row["lang"] or "", csv_cell(row["text"] or ""),
                "" if row["confidence"] is None else row["confidence"]]
        if not row["translations"]:
            writer.writerow([*base, "", "", "", "", ""])
        for t in row["translations"]:
            writer.writerow([*base, t["kind"], t["lang"], csv_cell(t["text"]), t["confidence"], int(t["replaced"])])
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``) is
    prefixed with ``'``, so Excel and LibreOffice show it as the text the resident typed."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
