"""Rate limits that a reconnect does not reset.

Buckets are kept by the relay (not by the connection), keyed by what a client cannot change by
reconnecting: its token and session, and the session as a whole; failed logins by the peer's address.
A token bucket of ``per_minute`` with room for a burst of half a minute's worth: a person typing, a
clerk changing a setting, a resident pressing 「通訳者を呼ぶ」 twice never notice it; a script does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from relay.wire.protocol import CloseCode, ErrorCode, ProtocolError

JOIN_FAILURES_BURST = 6.0  # wrong join codes one address may send at once, before the hourly rate applies
MAX_BUCKETS = 100_000  # a flood of distinct keys (addresses) cannot grow memory without bound


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: float, clock: Callable[[], float] | None = None,
                 burst: float | None = None) -> None:
        self.rate_s = per_minute / 60.0
        self.burst = burst if burst is not None else max(3.0, per_minute / 2)
        self._buckets: dict[str, _Bucket] = {}
        self._clock = clock or time.monotonic

    def allow(self, *keys: str) -> bool:
        """Take one token from every key's bucket; False (and nothing taken) when any is empty."""
        if self.rate_s <= 0:
            return True
        now = self._clock()
        buckets = [self._bucket(key, now) for key in keys]
        if any(b.tokens < 1 for b in buckets):
            return False
        for bucket in buckets:
            bucket.tokens -= 1
        return True

    def blocked(self, key: str) -> bool:
        """True while the key's bucket is empty (nothing is taken)."""
        bucket = self._buckets.get(key)
        return bucket is not None and self.rate_s > 0 and self._refill(bucket, self._clock()).tokens < 1

    def retry_after(self, key: str) -> float:
        """Seconds until the key's bucket holds a token again (0 when it holds one now)."""
        bucket = self._buckets.get(key)
        if bucket is None or self.rate_s <= 0:
            return 0.0
        return max(0.0, (1 - self._refill(bucket, self._clock()).tokens) / self.rate_s)

    def _bucket(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        return self._refill(bucket, now)

    def _refill(self, bucket: _Bucket, now: float) -> _Bucket:
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate_s)
        bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        for key in [k for k, b in self._buckets.items() if self._refill(b, now).tokens >= self.burst]:
            del self._buckets[key]
        if len(self._buckets) >= MAX_BUCKETS:
            self._buckets.clear()


class RelayLimits:
    """The relay's limiters, from ``[relay]`` settings (``*_per_minute``; 0 turns one off)."""

    def __init__(self, turns: float = 40, settings: float = 12, escalations: float = 6,
                 auth_failures: float = 10, join_failures_per_hour: float = 12) -> None:
        self.turns = RateLimiter(turns)
        self.settings = RateLimiter(settings)
        self.escalations = RateLimiter(escalations)
        self.auth_failures = RateLimiter(auth_failures)
        # wrong join codes by address: a few mistypes at once, then an hour's worth (relay.http.join)
        self.join_failures = RateLimiter(join_failures_per_hour / 60, burst=JOIN_FAILURES_BURST)

    @classmethod
    def from_settings(cls, relay: object) -> RelayLimits:
        return cls(turns=getattr(relay, "turns_per_minute", 40), settings=getattr(relay, "settings_per_minute", 12),
                   escalations=getattr(relay, "escalations_per_minute", 6),
                   auth_failures=getattr(relay, "auth_failures_per_minute", 10),
                   join_failures_per_hour=getattr(relay, "join_failures_per_hour", 12))

    def check_login(self, peer: str) -> None:
        """Refuse an address that failed too many logins, before its token is looked at."""
        if self.auth_failures.blocked(peer):
            raise ProtocolError(ErrorCode.RATE_LIMITED, "too many failed logins; wait a minute",
                                close_code=CloseCode.TOO_MANY_SESSIONS)

    def login_failed(self, peer: str) -> None:
        self.auth_failures.allow(peer)

    def check(self, kind: str, principal: Any, session_id: str) -> None:
        """Raise ``rate_limited`` when this token has sent too many ``kind`` messages to this session."""
        limiter: RateLimiter = getattr(self, kind)
        if not limiter.allow(f"{principal.actor}|{session_id}"):
            raise ProtocolError(ErrorCode.RATE_LIMITED, f"too many {kind} in a short time; slow down")


def check_slots(conn: Any, session: Any) -> None:
    """Residents have a small cap of their own, so that a resident token can never lock the counter out;
    the counter's connections count only against each other."""
    relay = conn.ctx.settings.relay
    residents = conn.role == "resident"
    same_side = sum(1 for c in conn.ctx.connections
                    if c is not conn and c.session_id == session.id and (c.role == "resident") == residents)
    limit = relay.max_resident_connections if residents else relay.max_connections_per_session
    if same_side >= limit:
        who = "resident connections" if residents else "connections"
        raise ProtocolError(ErrorCode.TOO_MANY_SESSIONS, f"too many {who} to this session",
                            close_code=CloseCode.TOO_MANY_SESSIONS)
