"""How long the store's writes wait for another process's write lock: one deadline for a whole batch.

Another process may hold the SQLite file's write lock (a ``madoguchi`` command beside the relay, a backup
tool): a write waits for it up to ``store.busy_timeout_s``. A batch of writes (relay.storage.group_commit)
that finds the lock held is rolled back and each write tried on its own, so that each caller hears what
its write alone comes to; each of those tries once waited the full busy timeout again, so one locked
batch of N writes held the store's thread — and every session's next event — for N + 1 timeouts. Here the
batch has one deadline, ``busy_timeout_s`` from its start: a later try waits only what is left of it
(nothing once it has passed, though it still takes the lock if it is free by then). A try that waited and
still found the lock held is counted (``madoguchi_store_lock_timeouts_total``), and a batch with writes
left unstored by the lock is logged once. Store before send holds: a caller hears of success only once
its write is committed, and a write rolled back with its batch is tried again alone, never twice stored.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("madoguchi.store")


def is_locked(exc: BaseException) -> bool:
    """'database is locked': another connection holds the write lock (SQLITE_BUSY and its variants)."""
    return (getattr(exc, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY


class LockWait:
    def __init__(self, busy_timeout_s: float, timed_out: Callable[[], None] = lambda: None) -> None:
        self.full_ms = max(0, round(busy_timeout_s * 1000))
        self._timed_out = timed_out
        self.timeouts = 0  # tries that waited for the lock and found it still held
        self._in_force_ms = self.full_ms
        self._deadline = 0.0
        self._locked = 0  # writes of the current batch the lock left unstored

    def opened(self, db: sqlite3.Connection) -> None:
        """The wait the connection was opened with, read back from SQLite: the one in force."""
        self.full_ms = self._in_force_ms = int(db.execute("PRAGMA busy_timeout").fetchone()[0])

    @contextmanager
    def batch(self, db: sqlite3.Connection, writes: int) -> Iterator[None]:
        """Around one batch, on the store's thread: starts its deadline; after it, the full wait again."""
        self._deadline = time.monotonic() + self.full_ms / 1000
        self._locked = 0
        try:
            yield
        finally:
            self._set(db, self.full_ms)
            if self._locked:
                log.warning("store: %d of %d writes not stored: another process held the file's write lock "
                            "for longer than store.busy_timeout_s (%g s, one wait for the whole batch)",
                            self._locked, writes, self.full_ms / 1000)

    def before_retry(self, db: sqlite3.Connection) -> None:
        """Before a try after the batch's first: wait only what is left of its deadline."""
        self._set(db, max(0, int((self._deadline - time.monotonic()) * 1000)))

    def failed(self, exc: BaseException, write_alone: bool) -> bool:
        """A try failed with ``exc``: True when it was the lock (counted, and for a write alone, reported)."""
        if not is_locked(exc):
            return False
        if self._in_force_ms > 0:
            self.timeouts += 1
            self._timed_out()
        if write_alone:
            self._locked += 1
        return True

    def described(self, exc: BaseException) -> str:
        """The error, and for the lock how long the batch waited for it: the busy timeout the connection
        was opened with (``opened``: the one in force, whatever the configuration file says)."""
        if not is_locked(exc):
            return str(exc)
        return (f"{exc}: another process held its write lock for longer than this write waits "
                f"({self.full_ms / 1000:g} s, store.busy_timeout_s)")

    def _set(self, db: sqlite3.Connection, milliseconds: int) -> None:
        if milliseconds != self._in_force_ms:
            db.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
            self._in_force_ms = milliseconds
