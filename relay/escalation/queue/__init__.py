"""Human-operator queue: a pure state machine (``model``) behind async backends (``backend``).

The relay uses ``factory.create_backend(config, node_id, sqlite_path)`` → a ``QueueBackend``; the notification
types it must turn into websocket messages are in ``relay.escalation.queue.events``.
"""

from relay.escalation.queue.backend import InProcessQueue, QueueBackend, SessionSubscription
from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import (
    Cancelled,
    Connected,
    EntryQueued,
    InvalidTransition,
    Notification,
    OfferMade,
    OfferWithdrawn,
    OperatorStateChanged,
    PeerDisconnected,
    PeerReconnected,
    PositionChanged,
    QueueChanged,
    QueueError,
    QueueFull,
    QueueSnapshot,
    Returned,
    Unavailable,
    UnknownOperator,
    UnknownSession,
)
from relay.escalation.queue.metrics import QueueMetrics
from relay.escalation.queue.stats import ServiceStats

__all__ = [
    "Cancelled", "Connected", "EntryQueued", "InProcessQueue", "InvalidTransition", "Notification", "OfferMade",
    "OfferWithdrawn", "OperatorStateChanged", "PeerDisconnected", "PeerReconnected", "PositionChanged",
    "QueueBackend", "QueueChanged", "QueueConfig", "QueueError", "QueueFull", "QueueMetrics", "QueueSnapshot",
    "Returned", "ServiceStats", "SessionSubscription", "Unavailable", "UnknownOperator", "UnknownSession",
]
