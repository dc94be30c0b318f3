"""Store records of the short join code (``relay.http.join``): the code a counter tablet shows under
「QRコードが読めないとき」, and the resident tokens handed out for it.

Kept in the store beside the sessions' own resident tokens, so a code works on the node that shows it
after a restart as the QR link does. One live code per session: a new one replaces it. A code is kept
only as its SHA-256 (never in clear, never in a log); with a million possible codes that hides it from
no one who can read the file, which is why a code lives minutes, not hours (``relay.join_code_minutes``).
Its row stays after it expires, until the session is deleted, so the phone can say "expired" rather than
"wrong". A token handed out for a code is bound to the session like the QR's: it dies with it
(``relay.storage.auth``).

A mixin of ``relay.storage.store.Store``: every method runs through the store's own ``query``/``write``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from relay.storage.records import SessionRecord, session_from_row

JOIN_SCHEMA = """
CREATE TABLE IF NOT EXISTS join_codes (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    expires_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS joined_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
);
"""


class JoinRecords:
    async def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError

    async def write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        raise NotImplementedError

    async def put_join_code(self, session_id: str, code_hash: str, expires_at: float, now: float) -> bool:
        """The session's code from now on (its earlier one stops working); False when another session's
        live code is the same (the caller draws another). An expired code of another session gives way."""
        try:
            await self.write([
                ("DELETE FROM join_codes WHERE session_id = ? OR (code_hash = ? AND expires_at <= ?)",
                 (session_id, code_hash, now)),
                ("INSERT INTO join_codes VALUES (?,?,?)", (session_id, code_hash, expires_at)),
            ])
        except sqlite3.IntegrityError:
            return False
        return True

    async def join_code(self, code_hash: str) -> tuple[str, float] | None:
        """``(session_id, expires_at)`` of the code with this hash, expired or not; None for no such code."""
        rows = await self.query("SELECT session_id, expires_at FROM join_codes WHERE code_hash = ?", (code_hash,))
        return (rows[0]["session_id"], rows[0]["expires_at"]) if rows else None

    async def add_joined_token(self, token_hash: str, session_id: str) -> None:
        await self.write([("INSERT INTO joined_tokens VALUES (?,?)", (token_hash, session_id))])

    async def session_by_joined_token(self, token_hash: str) -> SessionRecord | None:
        rows = await self.query("SELECT s.* FROM sessions s JOIN joined_tokens j ON j.session_id = s.id "
                                "WHERE j.token_hash = ?", (token_hash,))
        return session_from_row(rows[0]) if rows else None
