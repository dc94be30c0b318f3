"""Human-operator queue: a pure state machine (``model``) behind async backends (``backend``)."""

from relay.queue.config import QueueConfig

__all__ = ["QueueConfig"]
