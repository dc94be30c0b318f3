"""What a long-running relay (``madoguchi serve``) sets up: open files, a listen queue, a frozen heap.

Every websocket is a file descriptor: 1,000 sessions are 2,000 sockets, plus operators, reconnects in
flight, the store and the engines' files. Debian's default soft limit is 1,024 open files (systemd
services get 1,024 soft and 524,288 hard), and past it ``accept`` fails and clients are reset, so the
relay lifts its soft limit to the hard limit at start (as servers commonly do) and warns when even the
hard limit is too low for ``relay.max_sessions``. The listen queue (aiohttp's default is 128) bounds the
connections waiting for ``accept``: after a node restart every tablet and phone reconnects at once.

Python's garbage collector scans every tracked object in a full collection, and the engines' libraries
leave about 300,000 of them after start-up (torch, CTranslate2, the tokenisers, the dictionaries): each
full collection stopped the event loop for 0.5–1 s on the shared 2-core machine, for every session at
once. Those objects live as long as the process, so once the engines are loaded they are frozen out of
collection (``gc.freeze``); only what sessions create is scanned afterwards, and from then on the
objects the sessions keep are frozen too, every ``relay.gc_freeze_s`` (``relay.runtime.gc_policy``).

Each websocket's ping (``relay.heartbeat_s``) comes that long after the socket's own last traffic, not
rounded to the whole second: ``server_kwargs``.

A relay always exits after SIGTERM: aiohttp's ``run_app`` ends by cancelling every task still alive and
waiting for them all for good, so one task that ignores its cancellation (relay.runtime.supervision)
kept the process alive until systemd killed it (``TimeoutStopSec``), with nothing in the log after
``task did not stop``; and Python's exit waits for every worker thread, one stuck in an engine call as
long. ``exit_when_stuck`` stops the tasks first, bounded, and when one still runs, or a thread still
holds the exit ``relay.stuck_thread_exit_s`` later (its own bound: it once was ``engine_timeout_s``, and
setting that to 0, wait for engines forever, turned this watchdog off too), exits with ``EXIT_STUCK``
once the store is closed:
``systemctl status`` shows the unit failed with status 70, and ``Restart=on-failure`` starts it again
if it had stopped by itself.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import os
import resource
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import FrameType
from typing import Any, NoReturn

from aiohttp import web

from relay.runtime.gc_policy import GcPolicy
from relay.runtime.supervision import left_running, stop_all, supervised
from relay.settings import AppSettings

log = logging.getLogger("madoguchi.listening")

FILES_PER_SESSION = 3  # the tablet, the resident's phone, one more (an operator, a reconnect in flight)
SPARE_FILES = 256  # the store, model files, logs, outgoing connections to Redis and remote engines
MAX_BACKLOG = 65535  # the kernel caps it further at net.core.somaxconn
EXIT_STUCK = 70  # EX_SOFTWARE (sysexits.h): stopped, but a task of the relay would not


def files_needed(settings: AppSettings) -> int:
    return settings.relay.max_sessions * FILES_PER_SESSION + SPARE_FILES


def raise_open_file_limit(needed: int = 0) -> int:
    """Lift the soft open-file limit to the hard limit; returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.warning("cannot raise the open-file limit", extra={"soft": soft, "hard": hard, "error": str(exc)})
    if soft < needed:
        log.warning("open-file limit too low for relay.max_sessions: raise LimitNOFILE (systemd) or ulimit -Hn",
                    extra={"limit": soft, "needed": needed})
    return soft


def listen_backlog(settings: AppSettings) -> int:
    """Room for every session's two sockets reconnecting at once."""
    return max(128, min(MAX_BACKLOG, 2 * settings.relay.max_sessions))


def server_kwargs() -> dict[str, Any]:
    """Keyword arguments of aiohttp's request handler for ``madoguchi serve`` (``web.run_app(app, **…)``,
    ``web.AppRunner(app, **…)``: an unknown one makes aiohttp log a warning for every connection). aiohttp rounds every timer longer than 5 s up to a whole second of the
    event loop's clock, so that timers share wake-ups. A relay's websocket pings (``relay.heartbeat_s``,
    20 s) are such timers, one per socket: at 1,000 sessions about 130 ping callbacks ran within 10 ms of
    each other, once a second, and their pongs came back together — a burst that every message arriving
    then waited behind, and whose objects, alive all at once, made young garbage collections more
    frequent (``bench/relay_overhead.py``, docs/performance.md). Not rounded, each socket pings
    ``heartbeat_s`` after its own last traffic, and the pings of sockets that talk at different moments
    are spread out. (The only timers aiohttp rounds this way on the server side are the websockets'.)"""
    return {"timeout_ceil_threshold": math.inf}


GC_TASK = web.AppKey("gc_policy_task", asyncio.Task[None])


def keep_collections_short(app: web.Application, settings: AppSettings, *, anyone_connected: Callable[[], bool],
                           failures: Callable[[], Any]) -> None:
    """Freeze the start-up heap once the engines are loaded, then run the relay's ``GcPolicy``: hooks
    appended after the relay's own (the engines are loaded in its start-up). ``anyone_connected`` and
    ``failures`` (the background-failure counter) are read only once the relay has started: runtime sits
    below the relay's context and is handed what it needs (``relay.app.keep_collections_short``)."""

    async def start(app: web.Application) -> None:
        gc.collect()
        gc.freeze()
        log.info("start-up heap frozen out of garbage collection", extra={"objects": gc.get_freeze_count()})
        relay = settings.relay
        if relay.gc_freeze_s > 0:
            policy = GcPolicy(relay.gc_freeze_s, relay.gc_reclaim_hours, anyone_connected)
            app[GC_TASK] = supervised("gc-policy", policy.run, failures=failures())

    async def stop(app: web.Application) -> None:
        if GC_TASK in app:
            await stop_all([app[GC_TASK]])

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)


def exit_when_stuck(app: web.Application, threads_grace_s: float) -> None:
    """The last clean-up of ``madoguchi serve`` (appended after the relay's own, so the store is closed):
    every task still alive is stopped (``stop_all``, bounded), and if any will not stop, the process
    exits at once with ``EXIT_STUCK``, its log flushed, instead of waiting for it for good.
    Then Python's exit waits for every worker thread, and one stuck in an engine call (the relay stops
    waiting for it after ``relay.engine_timeout_s``, or never) would hold it as long: if the process is
    still there ``threads_grace_s`` (``relay.stuck_thread_exit_s``) later, it exits the same way, with
    every thread's stack (0: no limit)."""

    async def last(app: web.Application) -> None:
        given_up = set(left_running())  # each already logged with where it is stuck: not waited for again
        await stop_all(asyncio.all_tasks() - given_up - {asyncio.current_task()})
        stuck = left_running()
        if stuck:
            _exit_now("relay stopped with tasks still running: exiting without them",
                      tasks=[task.get_name() for task in stuck])
        if threads_grace_s > 0:
            threading.Thread(target=_exit_unless_gone, args=(threads_grace_s,), name="exit-watchdog",
                             daemon=True).start()

    app.on_cleanup.append(last)


def _exit_unless_gone(grace_s: float) -> None:
    """On a daemon thread: a process that exits in time takes this thread with it."""
    time.sleep(grace_s)
    frames = sys._current_frames()
    threads = {thread.name: _stack(frames.get(thread.ident or 0)) for thread in threading.enumerate()
               if not thread.daemon}
    _exit_now("relay stopped but its threads still run: exiting without them", threads=threads)


def _stack(frame: FrameType | None, depth: int = 4) -> str:
    """The innermost frames a thread runs, outermost first."""
    if frame is None:
        return "?"
    return " > ".join(f"{f.filename}:{f.lineno} {f.name}" for f in traceback.extract_stack(frame)[-depth:])


def _exit_now(event: str, **detail: Any) -> NoReturn:
    log.critical(event, extra={**detail, "exit_status": EXIT_STUCK})
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_STUCK)  # what remains of the shutdown would wait for them for good
