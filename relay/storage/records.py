"""What the store hands out: its records, and the error it raises when it cannot write.

Plain frozen dataclasses, imported by ``store`` and ``recovery`` alike (and re-exported by ``store``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any


class StoreUnavailable(RuntimeError):
    """The database cannot be written (disk full, read-only, I/O error). Nothing was stored; the caller
    tells its client, which keeps what it sent and resends it. The store recovers by itself."""


@dataclass(frozen=True)
class SessionRecord:
    id: str
    counter: str
    resident_lang: str
    mode: str
    tts: bool
    status: str
    created_at: float
    closed_at: float | None = None
    resident_token_hash: str | None = None
    resident_token_expires: float | None = None
    created_by: str | None = None

    def public(self) -> dict[str, Any]:
        return {
            "session_id": self.id,
            "counter": self.counter,
            "resident_lang": self.resident_lang,
            "mode": self.mode,
            "tts": self.tts,
            "status": self.status,
            "created_at": self.created_at,
            "closed_at": self.closed_at,
        }


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    type: str
    body: str


@dataclass(frozen=True)
class TokenRecord:
    id: str
    role: str
    name: str
    created_at: float
    revoked_at: float | None


def session_from_row(row: sqlite3.Row) -> SessionRecord:
    """A ``sessions`` row as a record (SQLite keeps the tts flag as 0/1)."""
    values = dict(row)
    values["tts"] = bool(values["tts"])
    return SessionRecord(**values)
