"""``text``: typed input (筆談) from a clerk or a resident becomes a turn; an operator's goes to the
escalation service."""

from __future__ import annotations

import functools

from relay.turns import routing
from relay.turns.pipeline import Utterance
from relay.wire.protocol import ErrorCode, ProtocolError, Text
from relay.ws.client import Client
from relay.ws.session_checks import check_language, current_session
from relay.ws.turn_runner import run_turn

MAX_CLIENT_ID = 64


async def on_text(conn: Client, message: Text) -> None:
    text = message.text.strip()
    if not text:
        raise ProtocolError(ErrorCode.EMPTY_TEXT, "text is empty")
    if len(text) > conn.ctx.settings.relay.max_text_chars:
        raise ProtocolError(ErrorCode.INVALID_FIELD, "text is too long")
    if message.lang is not None:
        check_language(conn, message.lang)
    if message.client_id is not None and not 0 < len(message.client_id) <= MAX_CLIENT_ID:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"client_id is 1–{MAX_CLIENT_ID} characters")
    if conn.role == "operator":
        await conn.ctx.escalation.operator_text(conn, message)
        return
    session = current_session(conn)
    speaker = routing.typed_speaker(conn.role, message.speaker, message.lang)
    if not routing.may_type_as(conn.role, message.speaker, speaker):
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {conn.role} may not speak as {message.speaker}")
    lang = routing.typed_language(speaker, message.lang, session.resident_lang)
    if lang == routing.AUTO:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "text: give lang while the resident language is auto")
    conn.ctx.limits.check("turns", conn.principal, session.id)
    utterance = Utterance(speaker=speaker, lang=lang, text=text, confidence=1.0, source="text",
                          client_id=message.client_id)
    conn.queue_turn(functools.partial(run_turn, conn, session, utterance))
