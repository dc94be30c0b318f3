"""The in-process operator queue's state, saved after every change to one row of its own SQLite file
(next to the store's: ``<store>.queue.sqlite3``), so a restarted node continues where it stopped.

Synchronous on purpose: the state is a few kB, and WAL with ``synchronous=NORMAL`` (no fsync per commit,
durable against a crash of the relay) makes a save cheap enough to run on the event loop, in the same
step as the queue transition it records.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

TABLE = "operator_queue_state"


class QueueStateFile:
    def __init__(self, path: str | Path) -> None:
        db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} "
                   "(id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL, saved_at REAL NOT NULL)")
        self._db: sqlite3.Connection | None = db

    def load(self) -> dict[str, Any] | None:
        """The last saved state; None when nothing was saved yet."""
        row = self._db.execute(f"SELECT data FROM {TABLE} WHERE id = 1").fetchone() if self._db else None
        return json.loads(row[0]) if row else None

    def save(self, state: dict[str, Any], saved_at: float) -> None:
        if self._db is not None:
            self._db.execute(f"INSERT OR REPLACE INTO {TABLE} (id, data, saved_at) VALUES (1, ?, ?)",
                             (json.dumps(state), saved_at))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
