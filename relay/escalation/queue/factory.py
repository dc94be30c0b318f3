"""The queue backend the settings ask for (``[queue] backend``: memory or redis)."""

from __future__ import annotations

import time
from pathlib import Path

from relay.escalation.queue.backend import Clock, InProcessQueue, QueueBackend
from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.redis_backend import RedisQueue


def create_backend(config: QueueConfig, node_id: str, sqlite_path: str | Path | None,
                   clock: Clock = time.time) -> QueueBackend:
    """The backend the settings ask for (``config.backend``: memory or redis)."""
    if config.backend == "redis":
        return RedisQueue(config, node_id=node_id, clock=clock)
    if config.backend != "memory":
        raise ValueError(f"unknown queue backend {config.backend!r} (memory or redis)")
    return InProcessQueue(config, sqlite_path, node_id=node_id, clock=clock)
