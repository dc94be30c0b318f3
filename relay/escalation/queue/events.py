"""What the queue tells the relay: notifications, read-only views and errors.

The queue knows nothing of JSON or websockets. Every transition returns a list of notifications; the
relay turns each into websocket messages. A notification carries the ``nodes`` it is addressed to (the
node of the counter and/or of the operator; ``"*"`` = every node), so with several relay nodes each one
only handles what concerns its own connections.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

from relay.wire.codes import ErrorCode

ALL_NODES = "*"


class QueueError(Exception):
    """Base of every error the queue raises; ``code`` is stable (used in websocket ``error`` messages)."""

    code: ClassVar[str] = ErrorCode.INTERNAL  # never raised itself: every subclass names its own code


class InvalidTransition(QueueError):
    """The request is not allowed in the current state (e.g. accepting a session offered to someone else)."""

    code = ErrorCode.INVALID_TRANSITION


class UnknownSession(InvalidTransition):
    code = ErrorCode.UNKNOWN_SESSION


class UnknownOperator(InvalidTransition):
    code = ErrorCode.UNKNOWN_OPERATOR


class QueueFull(QueueError):
    code = ErrorCode.QUEUE_FULL


class QueueUnavailable(QueueError):
    """The shared queue (Redis) cannot be reached; nothing changed. The AI goes on; retry later."""

    code = ErrorCode.QUEUE_UNAVAILABLE


@dataclass(frozen=True)
class Notification:
    nodes: tuple[str, ...]

    def addressed_to(self, node: str) -> bool:
        return ALL_NODES in self.nodes or node in self.nodes


@dataclass(frozen=True)
class EntryQueued(Notification):
    """Counter: ``escalation {state: queued}``. ``requeued`` after an operator was lost; ``covered``: someone
    signed in and not away declares the language (``routing.is_covered``)."""

    session_id: str
    lang: str
    reason: str
    position: int
    eta_s: float | None
    requeued: bool = False
    covered: bool = True


@dataclass(frozen=True)
class PositionChanged(Notification):
    """Counter: updated ``escalation {state: queued, position, eta_s, covered}``."""

    session_id: str
    position: int
    eta_s: float | None
    covered: bool = True


@dataclass(frozen=True)
class OfferMade(Notification):
    """Operator: a session is offered until ``expires_at``. Counter: ``escalation {state: offered}``."""

    session_id: str
    operator_id: str
    lang: str
    reason: str
    expires_at: float
    counter: str = ""


@dataclass(frozen=True)
class OfferWithdrawn(Notification):
    """Operator: the offer is gone. ``why``: declined, timeout, cancelled, unavailable, operator_lost."""

    session_id: str
    operator_id: str
    why: str


@dataclass(frozen=True)
class Connected(Notification):
    """Both: the operator joins the session (``resumed`` after a reconnection within the grace period)."""

    session_id: str
    operator_id: str
    resumed: bool = False


@dataclass(frozen=True)
class Returned(Notification):
    """Both: the session is back with the AI. ``why``: released, closed, transferred, counter_gone."""

    session_id: str
    operator_id: str
    why: str
    close_session: bool = False


@dataclass(frozen=True)
class Unavailable(Notification):
    """Counter: no interpreter is free; the AI continues (``escalation {state: unavailable}``)."""

    session_id: str
    waited_s: float


@dataclass(frozen=True)
class Cancelled(Notification):
    """Counter: the escalation left the queue before an answer. ``why``: cancelled, counter_gone."""

    session_id: str
    why: str


@dataclass(frozen=True)
class PeerDisconnected(Notification):
    """The other side of a connected session dropped and has until ``grace_until`` to come back."""

    session_id: str
    operator_id: str
    who: str  # "operator" or "counter"
    grace_until: float


@dataclass(frozen=True)
class PeerReconnected(Notification):
    session_id: str
    operator_id: str
    who: str


@dataclass(frozen=True)
class OperatorStateChanged(Notification):
    """Operator console and admin: an operator's state (available, offered, busy, wrap_up, away)."""

    operator_id: str
    state: str
    why: str = ""


@dataclass(frozen=True)
class QueueChanged(Notification):
    """Operators: the waiting list changed (``queue {entries}``); entries as in ``QueueSnapshot``."""

    entries: tuple[EntryView, ...] = ()


@dataclass(frozen=True)
class EntryView:
    session_id: str
    lang: str
    reason: str
    priority: int
    state: str  # waiting, offered, connected
    position: int | None
    waiting_since: float  # wall-clock seconds; consoles count the wait up themselves
    operator_id: str | None
    node: str
    counter_connected: bool
    counter: str = ""  # the counter's name ("" in a state written before names were carried)
    covered: bool = True  # someone signed in and not away declares its language (always, once connected)


@dataclass(frozen=True)
class OperatorView:
    operator_id: str
    languages: tuple[str, ...]
    state: str
    session_id: str | None
    connected: bool
    node: str
    since_s: float


@dataclass(frozen=True)
class QueueSnapshot:
    """``GET /api/queue``: waiting and connected sessions in queue order, and the operators."""

    entries: tuple[EntryView, ...]
    operators: tuple[OperatorView, ...]
    revision: int = 0  # of the queue state it was read from (QueueState.revision)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


NOTIFICATION_TYPES: dict[str, type[Notification]] = {
    cls.__name__: cls
    for cls in (EntryQueued, PositionChanged, OfferMade, OfferWithdrawn, Connected, Returned, Unavailable,
                Cancelled, PeerDisconnected, PeerReconnected, OperatorStateChanged, QueueChanged)
}


def notification_to_dict(note: Notification) -> dict[str, Any]:
    data = dataclasses.asdict(note)
    data["type"] = type(note).__name__
    return data


def notification_from_dict(data: dict[str, Any]) -> Notification:
    data = dict(data)
    cls = NOTIFICATION_TYPES[data.pop("type")]
    data["nodes"] = tuple(data["nodes"])
    if cls is QueueChanged:
        data["entries"] = tuple(EntryView(**e) for e in data["entries"])
    return cls(**data)

