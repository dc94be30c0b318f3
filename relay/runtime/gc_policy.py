"""Garbage-collection policy of a long-running relay: keep every collection short.

CPython's collector stops the event loop — every session at once — for as long as a collection takes,
and a collection's time grows with the number of objects it scans. What a relay holds for long is the
state of its open sessions: every connection's tasks, their waiting futures and coroutines, its
websocket (about 120 objects per socket, 250,000 with 1,000 sessions). A message replaces a
session's waiting futures with new ones that live until its next message, seconds later, so they
survive the young collections and pile up in the oldest generation: measured at 1,000 sessions, a
generation-1 collection every second or two scanned about 9,000 of them (12 ms of CPU each on the
shared 2-core machine) and a full collection every minute or so scanned the 250,000 (about 200 ms).
Nothing of this is garbage: none of it is in a reference cycle, so reference counting frees it.

So every ``freeze_s`` seconds the objects alive so far are frozen (``gc.freeze``, which only moves
them to the collector's permanent generation, in constant time): no collection scans them again, and
each collection scans only what was made since the last freeze. Reference counting still frees
frozen objects. What it cannot free is a reference cycle, and a closed connection leaves some (about
60 objects per session, measured with ``bench/relay_overhead.py``): those are reclaimed by a full
collection of everything (``gc.unfreeze`` + ``gc.collect``) as soon as no client is connected (the
night, at a city hall) and in any case every ``reclaim_hours`` — that one collection pauses the relay
for as long as a full collection ever did (about 200 ms at 1,000 open sessions), a few times a day
instead of every minute.

While clients are connected only the young generation is collected: what survives a young collection
waits at most ``freeze_s`` in the middle generation before it is frozen, so a collection of the older
generations scans only that second's survivors — and finds nothing (0.0 cyclic garbage objects per
message in every benchmark run) — but stops every session meanwhile: 6-12 ms of CPU each, the longest
pauses left, a few times per 10,000 messages at 1,000 sessions. Python's thresholds for the older
generations come back whenever nobody is connected (nothing is frozen then).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("madoguchi.gc")

NEVER = 2**30  # a threshold no count reaches (one step per young collection: years at hundreds a second)


@dataclass
class GcPolicy:
    freeze_s: float  # 0: Python's collector as it is (only the start-up heap frozen)
    reclaim_hours: float
    connected: Callable[[], bool]  # whether any client is connected now
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.reclaimed_at = self.clock()
        self.frozen_since_reclaim = False
        self.thresholds = gc.get_threshold()  # as the process had them (Python's, or the operator's)

    def step(self) -> str:
        """One tick of the policy: ``"reclaim"``, ``"freeze"`` or ``"idle"`` (what it did)."""
        overdue = self.clock() - self.reclaimed_at >= self.reclaim_hours * 3600
        if self.frozen_since_reclaim and (overdue or not self.connected()):
            self.reclaim()
            return "reclaim"
        if self.connected():
            gc.set_threshold(self.thresholds[0], NEVER, NEVER)  # young collections only (see the module)
            gc.freeze()
            self.frozen_since_reclaim = True
            return "freeze"
        gc.set_threshold(*self.thresholds)
        return "idle"

    def reclaim(self) -> None:
        """Collect everything, the frozen objects included, then freeze what is left."""
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self.reclaimed_at, self.frozen_since_reclaim = self.clock(), False
        if not self.connected():
            gc.set_threshold(*self.thresholds)
        log.info("full garbage collection", extra={"garbage": found, "ms": round((time.perf_counter() - started) * 1000, 1),
                                                   "frozen": gc.get_freeze_count()})

    async def run(self) -> None:
        """The background loop (``freeze_s`` > 0)."""
        while True:
            await asyncio.sleep(self.freeze_s)
            self.step()
