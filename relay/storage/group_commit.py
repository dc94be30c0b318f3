"""Group commit: writes that arrive while the store's thread is busy share its next transaction.

Every session event is stored and committed before it is sent (``relay.turns.session.Session.publish``),
and a typed turn writes three transactions (its transcript, its translation, the end of the turn). With
one trip to the store's thread per transaction, 1,000 sessions meant about 600 thread hand-overs a
second, each a wake-up of the store's thread and a return through the event loop, and the writes of one
session waited behind everyone else's in the thread's queue. Here each ``write`` joins a queue; one
drain task takes everything queued, writes it in one transaction on the store's thread (one
``SAVEPOINT`` per write, so one write that breaks a rule — a duplicate — is undone alone and its caller
alone gets the ``IntegrityError``), commits once, and only then wakes every caller. While it commits,
the next writes queue up and go together in the next transaction. Under light load a batch is one
write, as before; under heavy load the number of commits grows far slower than the number of writes.

A caller's ``await write(...)`` still returns only once its statements are committed (store before
send), and writes are committed in the order they were asked for.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

Statements = list[tuple[str, tuple[Any, ...]]]
"""The SQL statements of one write, with their parameters, committed together or not at all."""

Outcome = BaseException | None
"""What one write of a batch came to: ``None`` when committed, else the exception its caller gets."""

MAX_BATCH = 256  # writes per transaction at most, so one commit never holds the thread for long


class GroupCommit:
    def __init__(self, commit: Callable[[list[Statements]], Awaitable[list[Outcome]]]) -> None:
        """``commit`` writes a batch in one transaction (on the store's thread) and returns one outcome
        per write, in order."""
        self._commit = commit
        self._queued: list[tuple[Statements, asyncio.Future[None]]] = []
        self._drain: asyncio.Task[None] | None = None
        self.batches = 0  # transactions asked of ``commit``

    async def write(self, statements: Statements) -> None:
        """Committed when this returns. A caller cancelled meanwhile does not unwrite anything: its
        statements are committed with the others (as a thread already running them would)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._queued.append((statements, done))
        if self._drain is None:
            # started as a task: the writes asked for in this same turn of the event loop join the batch
            self._drain = loop.create_task(self._drain_queue(), name="store-group-commit")
        await done

    async def flush(self) -> None:
        """Wait until every write asked for so far is committed (before the store closes)."""
        while self._drain is not None:
            await asyncio.shield(self._drain)

    async def _drain_queue(self) -> None:
        batch: list[tuple[Statements, asyncio.Future[None]]] = []
        try:
            while self._queued:
                batch, self._queued = self._queued[:MAX_BATCH], self._queued[MAX_BATCH:]
                self.batches += 1
                try:
                    outcomes = await self._commit([statements for statements, _ in batch])
                except Exception as exc:  # the store itself failed (closed): every caller hears it
                    outcomes = [exc] * len(batch)
                for (_, done), outcome in zip(batch, outcomes, strict=True):
                    if done.done():
                        continue  # its caller was cancelled; the write is committed all the same
                    if outcome is None:
                        done.set_result(None)
                    else:
                        done.set_exception(outcome)
                batch = []
        except asyncio.CancelledError:  # the loop is shutting down: nobody may wait forever
            for _, done in batch + self._queued:
                done.cancel()
            self._queued = []
            raise
        finally:
            self._drain = None


def write_together(db: sqlite3.Connection, batch: list[Statements]) -> list[Outcome]:
    """Several writes in one transaction, each in its own savepoint: a write that breaks a rule (an
    ``IntegrityError``) is undone alone. Any other error rolls the whole transaction back and raises."""
    outcomes: list[Outcome] = []
    db.execute("BEGIN")
    try:
        for statements in batch:
            db.execute("SAVEPOINT one_write")
            try:
                for sql, params in statements:
                    db.execute(sql, params)
            except sqlite3.IntegrityError as exc:
                db.execute("ROLLBACK TO one_write")
                outcomes.append(exc)
            else:
                outcomes.append(None)
            db.execute("RELEASE one_write")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return outcomes
