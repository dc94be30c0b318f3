"""Group commit: writes that arrive while the store's thread is busy share its next transaction.

Every session event is stored and committed before it is sent (``relay.turns.session.Session.publish``),
and a typed turn writes two transactions (its transcript; its translation, which ends the turn). With
one trip to the store's thread per transaction, 1,000 sessions meant about 600 thread hand-overs a
second, each a wake-up of the store's thread and a return through the event loop, and the writes of one
session waited behind everyone else's in the thread's queue. Here each write joins a queue; whenever the
store's thread is free, everything queued goes to it as one batch: one transaction (one ``SAVEPOINT``
per write, so one write that breaks a rule — a duplicate — is undone alone and its caller alone hears of
the ``IntegrityError``), one commit. While it commits, the next writes queue up and go together in the
next transaction. Under light load a batch is one write, as before; under heavy load the number of
commits grows far slower than the number of writes.

The hand-overs themselves are kept to the least. Handing a batch to the idle thread wakes it (a
``futex`` wake that the kernel may answer by running the thread on the loop's own core, where it finds
the interpreter lock held and sleeps again: under load the single costliest line of the relay's profile),
so the writes asked for in one turn of the event loop — several sessions' events in a burst — are handed
over together, once, at the end of that turn (``loop.call_soon``: after every callback that was ready
with it), not the first alone and the rest after its commit. The thread reports the commit with one
``call_soon_threadsafe`` that calls every writer's callback right there, in the order the writes were
asked for. A session event is therefore numbered and sent in the very turn of the event loop in which
its commit is known (``Store.queue_event``), instead of after three more task wake-ups, each of which
waits behind every other session's work in the loop's queue: under load those waits were most of a
typed message's time.

A caller's ``await write(...)`` still returns only once its statements are committed (store before
send), and writes are committed, and their callbacks called, in the order they were asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

log = logging.getLogger("madoguchi.store")

Statements = list[tuple[str, tuple[Any, ...]]]
"""The SQL statements of one write, with their parameters, committed together or not at all."""

Outcome = BaseException | None
"""What one write of a batch came to: ``None`` when committed, else the exception its caller gets."""

Committed = Callable[[Outcome], None]
"""Called on the event loop with a write's outcome, once its transaction is over."""

MAX_BATCH = 256  # writes per transaction at most, so one commit never holds the thread for long


class GroupCommit:
    def __init__(self, commit: Callable[[list[Statements]], list[Outcome]], executor: Executor,
                 after: Callable[[], None] = lambda: None) -> None:
        """``commit`` writes a batch in one transaction and returns one outcome per write, in order; it
        runs on ``executor`` (the store's one thread), and ``after`` right after it there, once the
        batch's outcomes are on their way to the loop (the store's upkeep: relay.storage.checkpoint)."""
        self._commit = commit
        self._after = after
        self._executor = executor
        self._queued: list[tuple[Statements, Committed]] = []
        self._in_flight = False  # a batch is on the thread
        self._handing_over = False  # a hand-over is scheduled for the end of this turn of the loop
        self.batches = 0  # transactions asked of ``commit``: one trip to the thread each

    def write_then(self, statements: Statements, committed: Committed) -> None:
        """Queue a write; ``committed(outcome)`` is called on the event loop once its transaction is over
        (after the callbacks of every write asked for before it). Nothing can unask it."""
        self._queued.append((statements, committed))
        if not self._in_flight and not self._handing_over:
            # the thread is idle: wake it once for every write of this turn of the loop, not for the first
            self._handing_over = True
            asyncio.get_running_loop().call_soon(self._hand_over)

    async def write(self, statements: Statements) -> None:
        """Committed when this returns. A caller cancelled meanwhile does not unwrite anything: its
        statements are committed with the others (as a thread already running them would)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def committed(outcome: Outcome) -> None:
            if done.done():
                return  # its caller was cancelled; the write is committed all the same
            if outcome is None:
                done.set_result(None)
            else:
                done.set_exception(outcome)

        self.write_then(statements, committed)
        await done

    async def flush(self) -> None:
        """Wait until every write asked for so far is committed (before the store closes): an empty
        write, committed after all of them."""
        if self._in_flight or self._queued:
            await self.write([])

    def _hand_over(self) -> None:
        self._handing_over = False
        if self._queued and not self._in_flight:
            self._start_batch(asyncio.get_running_loop())

    def _start_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._queued = self._queued[:MAX_BATCH], self._queued[MAX_BATCH:]
        self._in_flight = True
        self.batches += 1
        statements = [s for s, _ in batch]

        def in_thread() -> None:
            try:
                outcomes = self._commit(statements)
            except Exception as exc:  # the store itself failed (closed): every caller hears it
                outcomes = [exc] * len(statements)
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is left waiting
                loop.call_soon_threadsafe(self._finish, loop, batch, outcomes)
            self._after()

        try:
            self._executor.submit(in_thread)
        except RuntimeError as exc:  # the executor is shut down (the store is closed): every writer hears it
            self._in_flight = False
            refused, self._queued = batch + self._queued, []
            for _, committed in refused:
                committed(exc)

    def _finish(self, loop: asyncio.AbstractEventLoop, batch: list[tuple[Statements, Committed]],
                outcomes: list[Outcome]) -> None:
        self._in_flight = False
        if self._queued:  # the thread starts on the next batch while the callbacks run here
            self._start_batch(loop)
        for (_, committed), outcome in zip(batch, outcomes, strict=True):
            try:
                committed(outcome)
            except Exception:  # a bug in one writer's callback must not keep the others waiting
                log.exception("store write callback failed")


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
