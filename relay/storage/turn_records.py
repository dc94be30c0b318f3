"""The rows that describe one turn (its utterance, translations, client id, unfinished mark), named by
column, and the queries the turn pipeline and the transcript pages read back.

The rows are built here but written by ``Store.append_event`` in the same transaction as the session
event they describe (``relay.turns.session.Session.publish``), so an event is never stored
without its rows, nor the rows without their event. A mixin of ``relay.storage.store.Store``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from typing import Any

Rows = list[tuple[str, tuple[Any, ...]]]
"""SQL statements with their parameters, written in one transaction."""


def _insert(table: str, row: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    columns = ", ".join(row)
    return f"INSERT INTO {table} ({columns}) VALUES ({','.join('?' * len(row))})", tuple(row.values())


def utterance_rows(*, utterance_id: str, session_id: str, seq: int, speaker: str, lang: str, text: str,
                   confidence: float, source: str, asr_details: Mapping[str, float], timings: Mapping[str, float],
                   client_id: str | None, unfinished: bool) -> Rows:
    """The utterance; ``unfinished`` marks it until its translations are stored (a crash in between is
    completed after the restart); ``client_id`` lets a resent text be recognised."""
    now = time.time()
    rows: Rows = [_insert("utterances", {
        "id": utterance_id, "session_id": session_id, "seq": seq, "created_at": now, "speaker": speaker,
        "lang": lang, "text": text, "confidence": confidence, "source": source,
        "asr_details": json.dumps(dict(asr_details)), "timings": json.dumps(dict(timings)),
    })]
    if unfinished:
        rows.append(_insert("unfinished_turns", {"utterance_id": utterance_id, "session_id": session_id,
                                                 "started_at": now}))
    if client_id is not None:
        rows.append(_insert("client_ids", {"session_id": session_id, "client_id": client_id,
                                           "utterance_id": utterance_id}))
    return rows


def translation_rows(*, utterance_id: str, seq: int, kind: str, lang: str, text: str, confidence: float,
                     details: Mapping[str, object], timings: Mapping[str, float], replaces: bool = False,
                     ends_turn: bool = False) -> Rows:
    """One translation of an utterance; ``replaces``: it corrects the utterance's earlier translations
    (an interpreter's correction), which stay stored, marked replaced; ``ends_turn``: the last event of
    its turn, which is no longer unfinished once this is stored."""
    rows: Rows = []
    if replaces:
        rows.append(("UPDATE translations SET replaced = 1 WHERE utterance_id = ? AND kind != 'back_translation'",
                     (utterance_id,)))
    rows.append(_insert("translations", {
        "utterance_id": utterance_id, "seq": seq, "kind": kind, "lang": lang, "text": text,
        "confidence": confidence, "details": json.dumps(dict(details), ensure_ascii=False, default=str),
        "timings": json.dumps(dict(timings)), "replaced": 0,
    }))
    if ends_turn:
        rows.append(finish_turn_row(utterance_id))
    return rows


def finish_turn_row(utterance_id: str) -> tuple[str, tuple[Any, ...]]:
    """The turn's translations are all stored: a restart has nothing of it to complete."""
    return "DELETE FROM unfinished_turns WHERE utterance_id = ?", (utterance_id,)


class TurnRecords:
    async def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    async def stored_translation(self, utterance_id: str) -> tuple[str, str] | None:
        """(text, lang) of the utterance's translation for the listener, if it was stored."""
        rows = await self.query(
            "SELECT text, lang FROM translations WHERE utterance_id = ? AND kind = 'translation'", (utterance_id,))
        return (rows[0]["text"], rows[0]["lang"]) if rows else None

    async def resident_languages(self, session_id: str) -> set[str]:
        """The resident languages the session was set to (or detected as) after it began, from its
        ``session.updated`` events."""
        rows = await self.query("SELECT body FROM events WHERE session_id = ? AND type = 'session.updated'",
                                (session_id,))
        return {str(json.loads(r["body"]).get("resident_lang")) for r in rows}

    async def clerk_joined(self, actor: str, session_id: str) -> bool:
        """Whether this clerk opened the session's counter page (the login audit names the session)."""
        rows = await self.query(
            "SELECT 1 FROM audit WHERE actor = ? AND action = 'login' AND json_extract(detail, '$.session') = ? "
            "LIMIT 1", (actor, session_id))
        return bool(rows)

    async def operator_served(self, operator_id: str, session_id: str) -> bool:
        rows = await self.query(
            "SELECT 1 FROM escalations WHERE session_id = ? AND state = 'connected' "
            "AND json_extract(figures, '$.operator') = ? LIMIT 1", (session_id, operator_id))
        return bool(rows)

    async def audit_page(self, before: int, limit: int, action: str | None = None) -> list[dict[str, Any]]:
        """Audit entries with an id below ``before``, newest first (``action``: only those)."""
        sql = "SELECT id, at, actor, action, detail FROM audit WHERE id < ?"
        params: list[Any] = [before]
        if action:
            sql += " AND action = ?"
            params.append(action)
        rows = await self.query(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [{"id": r["id"], "at": r["at"], "actor": r["actor"], "action": r["action"],
                 "detail": json.loads(r["detail"])} for r in rows]

    async def retention_figures(self, cutoff: float | None) -> tuple[int, float | None, int]:
        """(sessions stored, when the oldest began, how many began before ``cutoff``; 0 without one)."""
        rows = await self.query("SELECT COUNT(*), MIN(created_at) FROM sessions")
        due = 0
        if cutoff is not None:
            due = (await self.query("SELECT COUNT(*) FROM sessions WHERE created_at < ?", (cutoff,)))[0][0]
        return int(rows[0][0]), rows[0][1], int(due)
