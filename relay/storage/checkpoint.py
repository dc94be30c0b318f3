"""Checkpoints of the store's write-ahead log, off the commit path.

In WAL mode a commit appends pages to the log (``-wal`` beside the database file); a checkpoint copies
them into the database file and syncs both files, after which the next write starts the log again from
its beginning. SQLite's own auto-checkpoint runs inside the commit that takes the log past 1,000 pages:
at 1,000 sessions that was 0.8 % of the store's commits, each 3.5–80 ms (two ``fsync``s, ~4 ms each on
the test machine) instead of 0.1 ms, and every session write queued behind it waited as long — the
store's long transactions that the slowest 1 % of typed messages met (docs/performance.md, eighth
round).

Here the writer's auto-checkpoint is off and a thread of its own, on a connection of its own, runs a
``PASSIVE`` checkpoint every ``interval_s``: it copies and syncs while the writer goes on committing.
A passive checkpoint never blocks the writer, so under a steady stream of commits it rarely copies the
last page before the next commit comes, and the log starts again only when it has (a write that begins
with everything copied starts it). The bound: every ``CHECK_EVERY`` commits the writer looks at the
size of the -wal file (cut back to ``wal_limit_mb`` whenever the log starts again, so a larger file is
a log that holds more); over the limit, the store's own thread finishes the checkpoint right after that
commit (what the background thread has not copied yet, and the syncs), and the log starts again. (It
first wakes the background thread for a round at once and looks again ``CHECK_EVERY`` commits later:
the bulk of the copy, and the syncs of most of the log, are done off its path even then.)
Durability: a commit is in the log before its writer is answered, as before (store before send; a
killed process loses nothing it was told is stored). With ``synchronous=NORMAL`` the log reaches the disk
at each checkpoint, so what a power cut may lose is now the commits of the last interval or so, where
SQLite's auto-checkpoint left up to 1,000 pages unsynced (seconds at 1,000 sessions, many minutes at a
quiet counter); a checkpoint only moves committed pages, and any crash is recovered from the log when
the file is opened again.

A reader that keeps an old snapshot open (a long query from another process) stops any checkpoint, this
one or SQLite's own, from copying past it; the log then grows until it finishes (a warning names the
size). A checkpoint that fails (a disk error) is logged with its traceback, counted, and retried with a
growing delay; the writer's own look at the log's size keeps it bounded meanwhile.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("madoguchi.store")

MAX_RETRY_S = 30.0  # a failing checkpoint is retried at most this far apart
CHECK_EVERY = 16  # commits between two looks of the writer at the log's size


@dataclass(frozen=True)
class CheckpointPolicy:
    interval_s: float = 1.0
    """Seconds between two background checkpoints; 0 = SQLite's own, inside the commits."""
    wal_limit_mb: float = 64.0
    """The log's size past which the store's thread finishes the checkpoint itself."""


class Checkpointer:
    """The background checkpoint of one database file, and what the store's writer does about it
    (``after_commit``, called on the store's thread)."""

    def __init__(self, path: str, policy: CheckpointPolicy, failed: Callable[[], None] = lambda: None) -> None:
        self.path = path
        self.policy = policy
        self._failed = failed  # counts a failure (the relay's madoguchi_background_failures_total)
        self.rounds = 0  # background checkpoints that ran
        self.finished = 0  # checkpoints the writer finished itself because the log was over the limit
        self.failures = 0
        self.fault: str | None = None  # the last failure while the background checkpoint fails
        self.wal_bytes = 0  # what the log held when the background thread last copied it
        self._limit_bytes = policy.wal_limit_mb * 1e6
        self._commits = 0  # the writer's, since the store opened
        self._next_check = CHECK_EVERY  # the writer looks at the -wal file's size at this commit
        self._finish_due = False  # the writer's last try met another process's checkpoint: try again
        self._hurried = False  # the writer found the log over the limit and woke the background thread
        self._blocked_logged = False
        self._round = threading.Lock()  # held while one of the two checkpoints this process runs copies
        self._stop = threading.Event()
        self._wake = threading.Event()  # the interval is over, the writer hurries it, or the store closes
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ the store's thread

    def disable_auto_checkpoint(self, db: sqlite3.Connection) -> None:
        """On the writer's connection. ``journal_size_limit``: when the log starts again, its file is cut
        back to the limit, so a file larger than the limit always means a log that holds more."""
        db.execute("PRAGMA wal_autocheckpoint=0")
        db.execute(f"PRAGMA journal_size_limit={int(self.policy.wal_limit_mb * 1e6)}")

    def after_commit(self, db: sqlite3.Connection) -> None:
        """On the store's thread, after a batch's callbacks are on their way: finish the checkpoint when
        the log is over the limit (looked at every ``CHECK_EVERY`` commits: a ``stat`` of the -wal file),
        whatever the background thread is doing — also while it fails."""
        self._commits += 1
        if not self._finish_due:
            if self._commits < self._next_check:
                return
            self._next_check = self._commits + CHECK_EVERY
            if self._wal_file_bytes() <= self._limit_bytes:
                self._hurried = False
                return
            if not self._hurried and self.fault is None:
                # first a background round now, not at its interval: it copies the bulk and syncs it off
                # this thread, and what is left for this thread's finish, CHECK_EVERY commits on, is little
                self._hurried = True
                self._wake.set()
                return
        self._hurried = False
        self._finish(db)

    def _wal_file_bytes(self) -> int:
        try:
            return os.stat(f"{self.path}-wal").st_size
        except FileNotFoundError:
            return 0

    def _finish(self, db: sqlite3.Connection) -> None:
        with self._round:  # a background round that is copying now ends first (it copies most of it)
            busy, frames, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self._finish_due = frames < 0  # another process is checkpointing: again after the next commit
        if frames < 0:
            return
        self.finished += 1
        blocked = bool(busy) or copied < frames
        if blocked and not self._blocked_logged:
            log.warning("store write-ahead log over its limit and not copied: a reader holds an old snapshot",
                        extra={"wal_mb": round(self._wal_file_bytes() / 1e6, 1), "limit_mb": self.policy.wal_limit_mb})
        elif not blocked and self._blocked_logged:
            log.info("store write-ahead log copied again")
        self._blocked_logged = blocked
        if blocked:  # each try syncs the disk: fewer of them until the reader is done
            self._next_check = self._commits + CHECK_EVERY * 16

    # ------------------------------------------------------------ the background thread

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Blocks until the thread is gone (its round, if one runs, finishes first)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        db: sqlite3.Connection | None = None
        delay = self.policy.interval_s
        while True:
            self._wake.wait(delay)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                db = db or self._connect()
                with self._round:
                    self.checkpoint_once(db)
                delay = self.policy.interval_s
            except Exception as exc:  # logged, counted, retried: the writer checkpoints meanwhile
                delay = min(max(delay * 2, self.policy.interval_s), MAX_RETRY_S)
                self._on_failure(exc, delay)
                if db is not None:
                    db.close()
                    db = None
        if db is not None:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        # synchronous=NORMAL as the writer has it: a checkpoint syncs the log, then the database file
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def checkpoint_once(self, db: sqlite3.Connection) -> None:
        _, frames, _ = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        page_size = int(db.execute("PRAGMA page_size").fetchone()[0])
        self.rounds += 1
        self.wal_bytes = max(frames, 0) * (page_size + 24)  # a frame: its page and a 24-byte header
        if self.fault is not None:
            log.info("store checkpoint works again", extra={"failures": self.failures})
            self.fault = None

    def _on_failure(self, exc: Exception, retry_s: float) -> None:
        self.failures += 1
        self.fault = str(exc)
        self._failed()
        log.error("store checkpoint failed; retried, and the writer copies the log when it passes the limit",
                  exc_info=exc, extra={"retry_s": retry_s, "failures": self.failures})
