"""Store queries for surviving faults: paced replay, idle sessions, revoked tokens, and turns that a
crash interrupted (``unfinished_turns``) or that a client may resend (``client_ids``).

A mixin of ``relay.storage.store.Store``: every method runs through the store's own ``query``/``write``.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from relay.storage.records import StoredEvent, StoreUnavailable
from relay.storage.turn_records import finish_turn_row

RECOVERY_SCHEMA = """
CREATE TABLE IF NOT EXISTS client_ids (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    utterance_id TEXT NOT NULL,
    PRIMARY KEY (session_id, client_id)
);
CREATE TABLE IF NOT EXISTS unfinished_turns (
    utterance_id TEXT PRIMARY KEY REFERENCES utterances(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    started_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at REAL NOT NULL
);
"""


class RecoveryRecords:
    async def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    async def probe(self) -> bool:
        """Try one small write; True when the store can write again (``healthy`` follows)."""
        try:
            await self.write([("INSERT OR REPLACE INTO health VALUES (1, ?)", (time.time(),))])
        except StoreUnavailable:
            return False
        return True

    async def write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        raise NotImplementedError

    async def events_page(self, session_id: str, after_seq: int, limit: int) -> list[Any]:
        rows = await self.query(
            "SELECT seq, type, body FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (session_id, after_seq, limit),
        )
        return [StoredEvent(r["seq"], r["type"], r["body"]) for r in rows]

    async def last_activity(self, session_id: str) -> float:
        rows = await self.query(
            "SELECT MAX(created_at) FROM events WHERE session_id = ?", (session_id,))
        return float(rows[0][0] or 0.0)

    async def open_session_ids(self) -> list[str]:
        rows = await self.query("SELECT id FROM sessions WHERE status = 'open' ORDER BY created_at")
        return [r[0] for r in rows]

    # ------------------------------------------------------------ turns: client ids, unfinished turns

    async def utterance_for_client_id(self, session_id: str, client_id: str) -> str | None:
        rows = await self.query("SELECT utterance_id FROM client_ids WHERE session_id = ? AND client_id = ?",
                                (session_id, client_id))
        return str(rows[0][0]) if rows else None

    async def utterance_session(self, utterance_id: str) -> str | None:
        rows = await self.query("SELECT session_id FROM utterances WHERE id = ?", (utterance_id,))
        return str(rows[0][0]) if rows else None

    async def unfinished_turns(self) -> list[dict[str, Any]]:
        """Utterances stored before a crash whose translations never were (oldest first)."""
        rows = await self.query(
            "SELECT u.id, u.session_id, u.speaker, u.lang, u.text, u.confidence, u.source "
            "FROM unfinished_turns f JOIN utterances u ON u.id = f.utterance_id ORDER BY f.started_at")
        return [dict(r) for r in rows]

    async def finish_turn(self, utterance_id: str) -> None:
        await self.write([finish_turn_row(utterance_id)])

    async def translation_kinds(self, utterance_id: str) -> set[str]:
        rows = await self.query("SELECT kind FROM translations WHERE utterance_id = ?", (utterance_id,))
        return {r[0] for r in rows}

    async def revoked_token_ids(self, token_ids: list[str]) -> set[str]:
        if not token_ids:
            return set()
        marks = ",".join("?" * len(token_ids))
        rows = await self.query(f"SELECT id FROM tokens WHERE revoked_at IS NOT NULL AND id IN ({marks})",
                                tuple(token_ids))
        return {r[0] for r in rows}
