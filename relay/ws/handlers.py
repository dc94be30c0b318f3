"""Which role may send which client message, and which function handles it.

``PERMISSIONS`` is the single table of which role may send which message type; ``dispatch`` checks it
before any handler runs, so a handler never has to ask who is calling. The handlers live by concern:
``sign_in`` (hello), ``text_input``, ``session_settings``, ``speech_input`` (audio), ``video``; the
escalation messages are handed to the escalation service here.
"""

from __future__ import annotations

from typing import Any

from relay.wire.protocol import (
    Accept,
    AudioStart,
    AudioStop,
    Bye,
    CloseCode,
    Decline,
    ErrorCode,
    Escalate,
    EscalationCancel,
    Message,
    OperatorState,
    ProtocolError,
    Release,
    Settings,
    Text,
    Transfer,
    VideoAllow,
    VideoSignal,
)
from relay.ws import video
from relay.ws.client import Client
from relay.ws.session_checks import current_session
from relay.ws.session_settings import on_settings
from relay.ws.speech_input import on_audio_start, on_audio_stop
from relay.ws.text_input import on_text

ALL_ROLES = frozenset({"counter", "resident", "operator"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "hello": ALL_ROLES,
    "audio.start": ALL_ROLES,
    "audio.stop": ALL_ROLES,
    "text": ALL_ROLES,
    "settings": frozenset({"counter", "resident"}),  # a resident: its own language only (on_settings)
    "escalate": frozenset({"counter", "resident"}),
    # a resident withdraws a call pressed by mistake: its token reaches only its own session's call
    "escalation.cancel": frozenset({"counter", "resident"}),
    "accept": frozenset({"operator"}),
    "decline": frozenset({"operator"}),
    "release": frozenset({"operator"}),
    "transfer": frozenset({"operator"}),
    "operator.state": frozenset({"operator"}),
    "video.signal": ALL_ROLES,  # relay.ws.video checks that both ends are in the session and allowed
    "video.allow": frozenset({"counter"}),
    "bye": ALL_ROLES,
}


async def dispatch(conn: Client, message: Message) -> None:
    if message.TYPE == "hello":
        raise ProtocolError(ErrorCode.ALREADY_HELLO, "hello was already received")
    if conn.role not in PERMISSIONS.get(message.TYPE, frozenset()):
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {conn.role} may not send {message.TYPE}")
    handler = _HANDLERS[type(message)]
    await handler(conn, message)


async def on_escalate(conn: Client, message: Escalate) -> None:
    session = current_session(conn)
    conn.ctx.limits.check("escalations", conn.principal, session.id)
    await conn.ctx.escalation.request(conn, session, message)


async def on_escalation_cancel(conn: Client, message: EscalationCancel) -> None:
    await conn.ctx.escalation.cancel(conn, current_session(conn))


async def on_operator_message(conn: Client, message: Message) -> None:
    await conn.ctx.escalation.operator_message(conn, message)


async def on_bye(conn: Client, message: Bye) -> None:
    conn.close(CloseCode.NORMAL, "bye")


_HANDLERS: dict[type[Message], Any] = {
    Text: on_text,
    Settings: on_settings,
    AudioStart: on_audio_start,
    AudioStop: on_audio_stop,
    Escalate: on_escalate,
    EscalationCancel: on_escalation_cancel,
    Accept: on_operator_message,
    Decline: on_operator_message,
    Release: on_operator_message,
    Transfer: on_operator_message,
    OperatorState: on_operator_message,
    VideoSignal: video.on_signal,
    VideoAllow: video.on_allow,
    Bye: on_bye,
}
