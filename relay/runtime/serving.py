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
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import resource
from collections.abc import Callable
from typing import Any

from aiohttp import web

from relay.runtime.gc_policy import GcPolicy
from relay.runtime.supervision import stop_all, supervised
from relay.settings import AppSettings

log = logging.getLogger("madoguchi.listening")

FILES_PER_SESSION = 3  # the tablet, the resident's phone, one more (an operator, a reconnect in flight)
SPARE_FILES = 256  # the store, model files, logs, outgoing connections to Redis and remote engines
MAX_BACKLOG = 65535  # the kernel caps it further at net.core.somaxconn


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
