"""An operator's presence as its console sets it (``operator.state``) and sees it (``operator.status``).

Every ``operator.state`` takes effect completely or raises (nothing applied), and the console is then
told the queue's view of the operator, so its availability switch never shows a state the relay does
not hold; that answer echoes the request's ``client_id``, so a console that has sent another choice since
knows the status before it for a stale one. The same ``operator.status`` follows every change of state and every ``welcome``.

Statuses are read from the queue concurrently (the answer on the operator's connection, the one after a
change in the notification task), and with Redis each read is a round trip: one read before a change may
be sent after the answer read since. Each status therefore carries the queue's revision it was read from
(``version``); the console shows none older than one it has shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from relay.context import LiveConnection
from relay.escalation.queue import QueueBackend, UnknownOperator
from relay.wire.protocol import ErrorCode, OperatorState, OperatorStatus, ProtocolError

LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})?")
MAX_LANGUAGES = 32
MAX_CLIENT_ID = 64


def checked_languages(languages: list[str]) -> list[str]:
    """Language codes (``vi``, ``pt-BR``): an operator may cover languages that have no MT model,
    which is why the queue exists; ``auto`` is not a language (sessions not yet detected go to anyone)."""
    if not languages or len(languages) > MAX_LANGUAGES:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"operator.state: languages lists 1–{MAX_LANGUAGES} codes")
    bad = [code for code in languages if code == "auto" or not LANGUAGE_CODE.fullmatch(code)]
    if bad:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"operator.state: not language codes: {', '.join(bad)[:80]}")
    return list(dict.fromkeys(languages))


async def apply_operator_state(backend: QueueBackend, conn: LiveConnection, operator_id: str,
                               message: OperatorState) -> None:
    languages = None if message.languages is None else checked_languages(message.languages)
    if message.client_id is not None and not 0 < len(message.client_id) <= MAX_CLIENT_ID:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"operator.state: client_id is 1–{MAX_CLIENT_ID} characters")
    try:
        await backend.set_operator_state(operator_id, message.state, languages=languages)
    except UnknownOperator:
        if languages is None:
            raise ProtocolError(ErrorCode.MISSING_FIELD, "operator.state: give languages when signing in") from None
        await backend.sign_in(operator_id, languages, available=message.state == "available")
    await send_status(backend, operator_id, [conn], answers=message.client_id)


async def send_status(backend: QueueBackend, operator_id: str, connections: Iterable[LiveConnection],
                      answers: str | None = None) -> None:
    """The operator's own state as the queue has it, to the given consoles (``answers``: the ``client_id``
    of the ``operator.state`` it answers)."""
    snapshot = await backend.snapshot()
    mine = next((o for o in snapshot.operators if o.operator_id == operator_id), None)
    if mine is None:
        status = OperatorStatus(state="offline", client_id=answers, version=snapshot.revision)
    else:
        status = OperatorStatus(state=mine.state, languages=list(mine.languages), session_id=mine.session_id,
                                client_id=answers, version=snapshot.revision)
    for conn in list(connections):
        conn.send(status)


async def covered_now(backend: QueueBackend, lang: str) -> bool:
    """An interpreter signed in and not away declares ``lang`` (the queue's ``routing.is_covered``): only then
    does the relay call one by itself for a language it cannot translate; a call nobody can answer only put
    two red banners on the tablet and 'no interpreter' on the phone from the first second (a first-time
    clerk's walk-through). The clerk's own call still waits: an interpreter may sign in."""
    snapshot = await backend.snapshot()
    return any(o.connected and o.state != "away" and lang in o.languages for o in snapshot.operators)
