"""What the queue state machine tests share: the notifications a call returned, an operator's state, and
a session already connected to an operator (the fixtures ``model`` and ``hb_model`` are in conftest)."""

from __future__ import annotations

from relay.escalation.queue.events import Notification
from relay.escalation.queue.model import QueueModel

N = "node-a"


def of(notes: list[Notification], cls: type) -> list:
    return [n for n in notes if isinstance(n, cls)]


def one(notes: list[Notification], cls: type):
    found = of(notes, cls)
    assert len(found) == 1, (cls.__name__, notes)
    return found[0]


def op_state(model: QueueModel, operator_id: str) -> str:
    return model.state.operators[operator_id].state


def connected_session(model: QueueModel, now: float = 0.0) -> None:
    model.sign_in("op1", ["en"], N, now)
    model.enqueue("s1", "en", 0, "button", N, now)
    model.accept("op1", "s1", now + 1)

