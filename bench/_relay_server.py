"""The relay side of ``bench/relay_overhead.py``: the script its relay process runs, the settings a run
changes, and the figures the relay reports when the conversation is over.

The relay runs in its own process, as ``madoguchi serve`` runs it (the open-file limit, the listen
backlog, the thread switch interval, the event loop and the GC policy of relay/runtime/), with fake
engines of zero latency, so that what is measured is the relay's own path. SIGUSR1 marks the start of
the conversation and SIGUSR2 its end, each answered with the same signal once taken (the driver waits for
it): between them the relay counts its CPU time, the store's writes and commits, its garbage collections
by generation, how late its loop ran (``bench/_relay_stalls.py``) and how long each of the store's
transactions held its thread and which ones checkpointed (``bench/_relay_store.py``);
with ``--trace`` it stamps each typed message's stages (``bench/_relay_trace.py``). It prints
``READY <token>`` once it listens and ``STATS <json>`` when it is told to stop (SIGTERM).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

SERVER = r"""
import asyncio, gc, json, os, signal, sys, time
from aiohttp import web
sys.path.insert(0, {root!r})
from relay.app import create_app, keep_collections_short
from relay.context import CONTEXT
from relay.runtime.event_loop import loop_factory, set_switch_interval
from relay.runtime.serving import files_needed, server_kwargs, listen_backlog, raise_open_file_limit
from relay.settings import load_settings
settings = load_settings(env={{}}, overrides={{
    "store": {{"path": {db!r}, **{store!r}}}, "relay": {{"max_sessions": {max_sessions}, "back_translation": False, **{relay!r}}},
    # typed text only: no phrasebook speech made ahead, whose bridge calls would run among the counted ones
    "tts": {{"presynthesize_phrasebook": False}}, "logging": {{"level": "WARNING"}}}})
set_switch_interval(settings.relay.switch_interval_ms)  # as madoguchi serve does
new_loop = loop_factory(settings.relay.event_loop)
from tests.fakes import fake_engines
sys.path.insert(0, {bench!r})
import _relay_stalls as STALLS
from _relay_store import StoreCommits
GC_SPANS, TICKER = STALLS.GcPauses(), STALLS.LatenessTicker()  # the relay's side of the stall report
STORE = StoreCommits()  # the store's transactions: how long each held its thread, which ones checkpointed
TRACE = SAMPLER = None
if {trace!r}:
    import _relay_trace as TRACE
    SAMPLER = STALLS.StallSampler(TICKER)  # where the loop's thread is while the loop is stalled

# garbage-collector pauses by generation: wall seconds, and CPU seconds of the thread that collected
# (the CPU figure does not depend on what else runs on the machine)
PAUSES = {{0: [], 1: [], 2: []}}
PAUSE_CPU = {{0: [], 1: [], 2: []}}
COLLECTED = {{0: 0, 1: 0, 2: 0}}  # objects found to be cyclic garbage (freed only by the collector)
_started = [0.0, 0.0]
_marks = {{}}

def on_gc(phase, info):
    if phase == "start":
        _started[0], _started[1] = time.perf_counter(), time.thread_time()
    else:
        PAUSES[info["generation"]].append(time.perf_counter() - _started[0])
        PAUSE_CPU[info["generation"]].append(time.thread_time() - _started[1])
        COLLECTED[info["generation"]] += info["collected"]

def mark(store):
    # SIGUSR1: the conversation starts; count from here
    for p in (*PAUSES.values(), *PAUSE_CPU.values()):
        p.clear()
    COLLECTED.update({{0: 0, 1: 0, 2: 0}})
    _marks.update(cpu=time.process_time(), writes=store.writes, commits=store.commits)
    GC_SPANS.clear()
    TICKER.clear()
    STORE.clear()
    if TRACE:
        TRACE.HOPS.clear()
        SAMPLER.clear()
        SAMPLER.enabled = True
    os.kill(os.getppid(), signal.SIGUSR1)  # counting: the driver starts the conversation only now

def end(store, ended):
    # SIGUSR2: the conversation is over (before the clients hang up, which the GC policy answers with a
    # full collection of its own)
    if SAMPLER:
        SAMPLER.enabled = False
    ended.update(stats(store), collected=sum(COLLECTED.values()))
    os.kill(os.getppid(), signal.SIGUSR2)

def stats(store):
    return {{"gc": {{g: [len(p), sum(p), max(p, default=0.0), sum(PAUSE_CPU[g]), COLLECTED[g]] for g, p in PAUSES.items()}},
            "cpu": time.process_time() - _marks.get("cpu", 0.0),
            "writes": store.writes - _marks.get("writes", 0), "commits": store.commits - _marks.get("commits", 0),
            "store": STORE.figures(store),
            "gc_threshold": gc.get_threshold(), "frozen": gc.get_freeze_count(),
            "hops": dict(TRACE.HOPS) if TRACE else {{}}, "stall_stacks": dict(SAMPLER.counts) if SAMPLER else {{}},
            "late": list(TICKER.samples), "gc_spans": list(GC_SPANS.pauses),
            "loop": type(asyncio.get_running_loop()).__module__.split(".")[0],
            "switch_interval_ms": sys.getswitchinterval() * 1000}}

async def main():
    gc.callbacks.append(on_gc)
    GC_SPANS.install()
    ticker = asyncio.get_running_loop().create_task(TICKER.run())
    if {gc_threshold!r}:
        gc.set_threshold(*{gc_threshold!r})
    if TRACE:
        TRACE.install(asyncio.get_running_loop())
    raise_open_file_limit(files_needed(settings))
    app = create_app(settings, fake_engines())
    keep_collections_short(app, settings)  # as madoguchi serve does
    runner = web.AppRunner(app, access_log=None, **server_kwargs())  # as madoguchi serve does
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", {port}, backlog=listen_backlog(settings)).start()
    _, token = await app[CONTEXT].auth.add_token("clerk", "bench")
    print("READY", token, flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    store = app[CONTEXT].store
    STORE.install(store)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, mark, store)
    ended = {{}}
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR2, end, store, ended)
    await stop.wait()
    figures = ended or stats(store)
    TICKER.stop()
    await ticker
    await asyncio.sleep(1)  # every client has hung up: let their connections finish
    gc.unfreeze()  # what the sessions' sockets left behind that only the collector frees, frozen or not
    gc.collect()  # with what the relay's GC policy already reclaimed once the last client had gone
    figures["garbage_after_hangup"] = sum(COLLECTED.values()) - figures.pop("collected", 0)
    print("STATS", json.dumps(figures), flush=True)
    if TRACE:
        TRACE.dump({trace!r})
    await runner.cleanup()

if {profile!r}:
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        with asyncio.Runner(loop_factory=new_loop) as runner:
            runner.run(main())
    finally:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
else:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        runner.run(main())
"""


def server_code(args: argparse.Namespace, root: Path, db: Path, port: int, trace: str) -> str:
    """The Python script of the relay process for this run (``python -c``)."""
    return SERVER.format(root=str(root), db=str(db), port=port, max_sessions=args.sessions + 10,
                         profile=args.profile, bench=str(root / "bench"), trace=trace,
                         gc_threshold=tuple(int(v) for v in args.relay_gc_threshold.split(",") if v),
                         relay=relay_overrides(args), store=store_overrides(args))


def relay_stats(server_output: str) -> dict[str, Any]:
    """What the relay counted while the sessions conversed (the STATS line of its output)."""
    for line in server_output.splitlines():
        if line.startswith("STATS "):
            return dict(json.loads(line[6:]))
    return {}


def store_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The [store] settings a run changes (``--store-set``), e.g. checkpoint_interval_s=0: SQLite's own."""
    return {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.store_set)}


def relay_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The relay settings a run changes from their defaults (the defaults are what is measured otherwise)."""
    chosen = {"gc_freeze_s": args.relay_gc_freeze_s, "event_loop": args.relay_event_loop,
              "switch_interval_ms": args.relay_switch_interval_ms}
    chosen |= {key: json.loads(value) for key, value in (item.split("=", 1) for item in args.relay_set)}
    return {key: value for key, value in chosen.items() if value is not None}
