"""Where a typed message's time goes inside the relay: per-stage timestamps of the text path, for
``bench/relay_overhead.py --trace``.

Installed into the benchmark's relay process by wrapping a few methods from the outside, so the product
carries no tracing code and an untraced run pays nothing. Every stamp is ``time.perf_counter()``
(CLOCK_MONOTONIC, one clock for every process of the machine), so the benchmark lines the relay's
stamps up with its own send and receive times. One dict of stamps per typed utterance, keyed by its
``utterance_id`` (which the transcript and the translation carry back to the benchmark):

- ``received``: the relay has decoded the text frame (the utterance is made);
- ``turn``: the connection's turn worker starts the turn;
- ``<event>.ask`` / ``.thread_start`` / ``.thread_end`` / ``.stored``: the event's store write is asked
  for, the store's thread starts and ends the transaction it is in, the event is sent;
  ``<event>.batch``: how many writes shared that transaction;
- ``mt.ask`` / ``.thread_start`` / ``.thread_end`` / ``.done``: the translation through the bridge (asked
  for before the transcript is stored since the translation overlaps its commit: a negative
  "transcript stored → mt asked").

It also counts the hand-overs of the relay's event loop (``HOPS``): callbacks scheduled, worker threads'
answers, bridge calls.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import time
from collections.abc import Callable
from typing import Any

from relay.storage.store import Store
from relay.turns.bridge import Bridge
from relay.turns.pipeline import TurnPipeline, Utterance

TRACES: dict[str, dict[str, float]] = {}
_BY_EVENT: dict[tuple[str, int], tuple[dict[str, float], str]] = {}  # (session, seq) → stamps, event type
_CURRENT: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar("trace", default=None)


HOPS: dict[str, int] = {}  # hand-overs counted while the sessions converse (the benchmark clears it)


def install(loop: asyncio.AbstractEventLoop) -> None:
    _count_hops(loop)
    _stamp_new_utterances()
    _stamp_turns()
    _stamp_store_writes()
    _stamp_bridge()


def dump(path: str) -> None:
    with open(path, "w") as f:
        json.dump(TRACES, f)


def _count_hops(loop: asyncio.AbstractEventLoop) -> None:
    """Count callbacks the event loop is handed: every task step and future callback goes through
    ``call_soon`` (each waits its turn behind everything else ready), every worker thread's answer through
    ``call_soon_threadsafe`` (which also wakes the loop)."""
    soon, threadsafe = loop.call_soon, loop.call_soon_threadsafe

    def counted_soon(*args: Any, **kwargs: Any) -> Any:
        if not getattr(args[0], "tracing", False):  # the trace's own stamps are not the relay's hand-overs
            HOPS["call_soon"] = HOPS.get("call_soon", 0) + 1
        return soon(*args, **kwargs)

    def counted_threadsafe(*args: Any, **kwargs: Any) -> Any:
        HOPS["threadsafe"] = HOPS.get("threadsafe", 0) + 1
        return threadsafe(*args, **kwargs)

    loop.call_soon = counted_soon  # type: ignore[method-assign]
    loop.call_soon_threadsafe = counted_threadsafe  # type: ignore[method-assign]


def _stamp_new_utterances() -> None:
    made = Utterance.__init__

    def init(self: Utterance, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        if self.source == "text":
            TRACES[self.utterance_id] = {"received": time.perf_counter()}

    Utterance.__init__ = init  # type: ignore[method-assign]


def _stamp_turns() -> None:
    run = TurnPipeline.run

    async def traced(self: TurnPipeline, session: Any, utterance: Utterance, *args: Any) -> None:
        stamps = TRACES.get(utterance.utterance_id)
        if stamps is not None:
            stamps["turn"] = time.perf_counter()
        token = _CURRENT.set(stamps)  # the shielded publish tasks copy this context
        try:
            await run(self, session, utterance, *args)
        finally:
            _CURRENT.reset(token)

    TurnPipeline.run = traced  # type: ignore[method-assign]


def _stamp_store_writes() -> None:
    append, write_batch = Store.append_event, Store._write_batch

    async def traced_append(self: Store, session_id: str, seq: int, kind: str, body: str,
                            extra: Any = None) -> None:
        stamps = _CURRENT.get()
        if stamps is None:
            return await append(self, session_id, seq, kind, body, extra)
        _BY_EVENT[(session_id, seq)] = (stamps, kind)
        stamps[f"{kind}.ask"] = time.perf_counter()
        await append(self, session_id, seq, kind, body, extra)
        stamps[f"{kind}.stored"] = time.perf_counter()

    def traced_batch(self: Store, batch: list[Any]) -> Any:  # on the store's thread
        started = time.perf_counter()
        outcomes = write_batch(self, batch)
        ended = time.perf_counter()
        for statements in batch:
            sql, params = statements[0]
            found = _BY_EVENT.pop((params[0], params[1]), None) if sql.startswith("INSERT INTO events") else None
            if found is not None:
                stamps, kind = found
                stamps.update({f"{kind}.thread_start": started, f"{kind}.thread_end": ended,
                               f"{kind}.batch": float(len(batch))})
        return outcomes

    Store.append_event = traced_append  # type: ignore[method-assign]
    if hasattr(Store, "queue_event"):  # the event is sent by the store's report of its commit
        queue = Store.queue_event

        def traced_queue(self: Store, session_id: str, seq: int, kind: str, body: str, extra: Any,
                         committed: Callable[[Any], None]) -> None:
            stamps = _CURRENT.get()
            if stamps is None:
                return queue(self, session_id, seq, kind, body, extra, committed)
            _BY_EVENT[(session_id, seq)] = (stamps, kind)
            stamps[f"{kind}.ask"] = time.perf_counter()

            def stamped(outcome: Any) -> None:
                stamps[f"{kind}.stored"] = time.perf_counter()
                committed(outcome)

            return queue(self, session_id, seq, kind, body, extra, stamped)

        Store.queue_event = traced_queue  # type: ignore[method-assign]
    Store._write_batch = traced_batch  # type: ignore[method-assign]


def _stamp_bridge() -> None:
    if hasattr(Bridge, "start"):
        _stamp_bridge_start()
        return
    run = Bridge.run  # before the bridge's calls were futures: a coroutine, awaited in a task

    async def traced(self: Bridge, key: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        HOPS["bridge"] = HOPS.get("bridge", 0) + 1
        stamps = _CURRENT.get()
        if stamps is None or key != "mt":
            return await run(self, key, fn, *args, **kwargs)
        stamps["mt.ask"] = time.perf_counter()
        try:
            return await run(self, key, _timed(stamps, fn), *args, **kwargs)
        finally:
            stamps["mt.done"] = time.perf_counter()

    Bridge.run = traced  # type: ignore[method-assign]


def _timed(stamps: dict[str, float], fn: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*a: Any, **kw: Any) -> Any:  # in the worker thread
        stamps["mt.thread_start"] = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            stamps["mt.thread_end"] = time.perf_counter()

    return timed


def _stamp_bridge_start() -> None:
    """The bridge's calls are futures that wake their caller directly: ``mt.done`` is stamped by a callback
    of the future added before the caller's own (so it runs just before the turn resumes; not counted as
    one of the relay's hand-overs)."""
    start = Bridge.start

    def traced(self: Bridge, key: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        HOPS["bridge"] = HOPS.get("bridge", 0) + 1
        stamps = _CURRENT.get()
        if stamps is None or key != "mt":
            return start(self, key, fn, *args, **kwargs)
        stamps["mt.ask"] = time.perf_counter()
        future = start(self, key, _timed(stamps, fn), *args, **kwargs)

        def done(_: Any) -> None:
            stamps["mt.done"] = time.perf_counter()

        done.tracing = True  # type: ignore[attr-defined]
        future.add_done_callback(done)
        return future

    Bridge.start = traced  # type: ignore[method-assign]


# the stages reported, in the order a message goes through them: (label, from stamp, to stamp)
STAGES: list[tuple[str, str, str]] = [
    ("client send → relay decoded text", "sent", "received"),
    ("decoded → turn starts", "received", "turn"),
    ("transcript: asked → store thread", "transcript.ask", "transcript.thread_start"),
    ("transcript: store thread's transaction", "transcript.thread_start", "transcript.thread_end"),
    ("transcript: committed → sent", "transcript.thread_end", "transcript.stored"),
    ("transcript: sent → tablet has it", "transcript.stored", "at_transcript"),
    ("transcript stored → mt asked", "transcript.stored", "mt.ask"),
    ("mt: asked → worker thread", "mt.ask", "mt.thread_start"),
    ("mt: worker thread", "mt.thread_start", "mt.thread_end"),
    ("mt: returned → turn resumes", "mt.thread_end", "mt.done"),
    ("transcript sent and mt done → translation asked", "ready", "translation.ask"),
    ("translation: asked → store thread", "translation.ask", "translation.thread_start"),
    ("translation: store thread's transaction", "translation.thread_start", "translation.thread_end"),
    ("translation: committed → sent", "translation.thread_end", "translation.stored"),
    ("translation: sent → phone has it", "translation.stored", "at_translation"),
    ("total: send → phone has translation", "sent", "at_translation"),
]


def complete(rows: list[dict[str, float]]) -> list[dict[str, float]]:
    """The traces that have every stamp of every stage, with ``ready``: the moment the translation could be
    published (once both its transcript is sent and it exists)."""
    for r in rows:
        if "transcript.stored" in r and "mt.done" in r:
            r["ready"] = max(r["transcript.stored"], r["mt.done"])
    return [r for r in rows if all(a in r and b in r for _, a, b in STAGES)]


def breakdown(rows: list[dict[str, float]], percentile: Callable[[list[float], float], float]) -> list[str]:
    """Each stage's p50 and p99 over every message, and its mean over the slowest 1 % of messages (by
    send → translation): where the tail's time goes."""
    rows = complete(rows)
    if not rows:
        return ["trace: no complete message traces"]
    cut = percentile([r["at_translation"] - r["sent"] for r in rows], 99)
    slow = [r for r in rows if r["at_translation"] - r["sent"] >= cut]
    lines = [f"where the time goes ({len(rows)} traced messages; 'slowest 1%': the {len(slow)} at or above "
             f"the p99 of send → translation, {cut * 1000:.2f} ms)",
             f"  {'stage (ms)':44} {'p50':>7} {'p99':>7} {'slowest 1%: mean':>17}"]
    for label, a, b in STAGES:
        values = [(r[b] - r[a]) * 1000 for r in rows]
        mean_slow = sum((r[b] - r[a]) * 1000 for r in slow) / len(slow)
        lines.append(f"  {label:44} {percentile(values, 50):7.2f} {percentile(values, 99):7.2f} {mean_slow:17.2f}")
    for kind in ("transcript", "translation"):
        shared = [r[f"{kind}.batch"] for r in rows]
        lines.append(f"  {kind} writes sharing its transaction: mean {sum(shared) / len(shared):.2f}, "
                     f"max {max(shared):.0f}")
    return lines
