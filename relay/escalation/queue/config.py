"""Settings of the operator queue (TOML section ``[queue]``; the lead maps fields to keys)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class QueueConfig:
    backend: str = field(default="memory", metadata={"help": "memory (one node, SQLite-backed) or redis (several nodes)"})
    redis_url: str = field(default="redis://127.0.0.1:6379/0", metadata={"help": "Redis URL when backend = redis"})
    redis_prefix: str = field(default="madoguchi:queue", metadata={"help": "prefix of every Redis key and channel"})
    offer_timeout_s: float = field(default=20.0, metadata={"help": "seconds an operator has to accept an offer"})
    away_after_missed_offer: bool = field(default=True, metadata={"help": "an operator who lets an offer time out is set away"})
    max_wait_s: float = field(default=300.0, metadata={"help": "longest wait before the counter is told no interpreter is free"})
    reconnect_grace_s: float = field(default=30.0, metadata={"help": "seconds a dropped operator or counter keeps its place"})
    heartbeat_timeout_s: float = field(default=30.0, metadata={"help": "an operator silent this long is set away"})
    wrap_up_s: float = field(default=15.0, metadata={"help": "wrap-up after a session before the operator is offered again"})
    service_level_s: float = field(default=30.0, metadata={"help": "target answer time for the service-level metric"})
    default_handle_time_s: float = field(default=300.0, metadata={"help": "handle time assumed for the wait estimate until sessions are measured"})
    handle_time_window: int = field(default=20, metadata={"help": "number of recent sessions averaged for the wait estimate"})
    allow_pick: bool = field(default=True, metadata={"help": "operators may take a waiting session from the list, not only offers"})
    max_queue_length: int = field(default=500, metadata={"help": "enqueue is refused beyond this many waiting sessions"})
