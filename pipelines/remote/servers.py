"""Several servers behind one engine: spreading, failover, retries with back-off, and health.

Requests go round-robin over the servers that are not marked down; a request that fails (refused,
reset, timed out, a protocol error) marks its server down for ``down_for_s`` and is retried on the next
server after a back-off that doubles each time. When every server is down the pool still tries them (a
server may be back before its mark expires): a city's counters must not wait on a timer. After
``retries`` further attempts the failure reaches the relay as ``EngineError``, which it reports as
``engine_failed`` with an offer of an interpreter; the session goes on.

All of this is synchronous: engines run in the relay's bridge threads. ``status`` never does I/O (the
relay calls it on the event loop for ``/healthz``): it reports what the last request or probe saw.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from pipelines.base import EngineError
from pipelines.remote.config import RemoteConfig

log = logging.getLogger("madoguchi.remote")
T = TypeVar("T")


class RemoteFailure(Exception):
    """One request to one server failed (the pool retries it elsewhere)."""


@dataclass
class ServerState:
    address: str
    slots: threading.BoundedSemaphore
    down_until: float = 0.0
    last_error: str = ""
    last_ok: float = 0.0
    probed: bool = False

    def is_down(self, now: float) -> bool:
        return self.down_until > now


class ServerPool:
    """Thread-safe; ``call(request)`` runs ``request(address)`` on a healthy server, with failover."""

    def __init__(self, kind: str, addresses: list[str], config: RemoteConfig,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if not addresses:
            raise ValueError(f"no {kind} server configured")
        self.kind = kind
        self.config = config
        slots = max(1, config.max_concurrent_per_server)
        self.servers = [ServerState(a, threading.BoundedSemaphore(slots)) for a in addresses]
        self._next = 0
        self._lock = threading.Lock()
        self._sleep = sleep

    def call(self, request: Callable[[str], T]) -> T:
        errors: list[str] = []
        backoff = self.config.retry_backoff_s
        for attempt in range(max(0, self.config.retries) + 1):
            if attempt:
                self._sleep(backoff)
                backoff *= 2
            server = self._pick()
            try:
                with server.slots:
                    result = request(server.address)
            except (RemoteFailure, OSError) as exc:
                errors.append(f"{server.address}: {exc}")
                self._mark_down(server, str(exc))
                continue
            self._mark_up(server)
            return result
        raise EngineError(f"{self.kind} servers failed: " + "; ".join(errors))

    def _pick(self) -> ServerState:
        now = time.monotonic()
        with self._lock:
            order = self.servers[self._next:] + self.servers[:self._next]
            self._next = (self._next + 1) % len(self.servers)
        healthy = [s for s in order if not s.is_down(now)]
        if healthy:
            return healthy[0]
        return min(order, key=lambda s: s.down_until)  # all down: the one whose mark expires first

    def _mark_down(self, server: ServerState, error: str) -> None:
        log.warning("remote server failed", extra={"engine": self.kind, "server": server.address, "reason": error})
        server.down_until = time.monotonic() + self.config.down_for_s
        server.last_error, server.probed = error, True

    def _mark_up(self, server: ServerState) -> None:
        server.down_until, server.last_error, server.probed = 0.0, "", True
        server.last_ok = time.monotonic()

    def probe(self, check: Callable[[str], object]) -> None:
        """Ask every server once (at start-up and from ``madoguchi check``); failures mark it down."""
        for server in self.servers:
            try:
                check(server.address)
            except (RemoteFailure, OSError) as exc:
                self._mark_down(server, str(exc))
            else:
                self._mark_up(server)

    def health(self) -> tuple[bool, str]:
        """(any server usable, one line per server) from what was last seen; no I/O."""
        now = time.monotonic()
        parts = []
        for s in self.servers:
            parts.append(f"{s.address} {self._state(s, now)}")
        ready = any(not s.is_down(now) for s in self.servers)
        return ready, "; ".join(parts)

    @staticmethod
    def _state(server: ServerState, now: float) -> str:
        if server.is_down(now):
            return f"down ({server.last_error})"
        if server.last_error:  # the mark expired, but nothing has succeeded there since: not "up"
            return f"being tried again (its last request failed: {server.last_error})"
        return "up" if server.probed else "not yet asked"
