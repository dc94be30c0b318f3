"""``settings``: the clerk changes the resident language, the mode or speech; a resident chooses only its
own language."""

from __future__ import annotations

from typing import Any

from relay.turns import routing
from relay.turns.session import Session
from relay.wire.protocol import ErrorCode, ProtocolError, Settings
from relay.ws.client import Client
from relay.ws.session_checks import check_language, current_session


async def on_settings(conn: Client, message: Settings) -> None:
    session = current_session(conn)
    if conn.role == "resident":
        _check_resident_choice(message)
    values: dict[str, Any] = {}
    if message.resident_lang is not None:
        check_language(conn, message.resident_lang, allow_auto=True)
        values["resident_lang"] = message.resident_lang
    if message.mode is not None:
        values["mode"] = message.mode
    if conn.role == "resident":
        values.update(_resident_mode(message.resident_lang, session))
    if message.tts is not None:
        values["tts"] = message.tts
    if not values:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "settings: give resident_lang, mode or tts")
    conn.ctx.limits.check("settings", conn.principal, session.id)
    assert conn.principal is not None
    await conn.ctx.store.audit(conn.principal.actor, "session.settings", session=session.id, **values)
    await session.update(reason="chosen" if conn.role == "resident" else "settings", **values)
    if "resident_lang" in values or "mode" in values:
        await conn.ctx.escalation.language_changed(session)


def _resident_mode(chosen: str | None, session: Session) -> dict[str, str]:
    """The mode that goes with a resident's own choice. Japanese on the phone means やさしい日本語 (in
    plain translation mode nothing the clerk says would reach a Japanese phone: there is nothing to
    translate); leaving Japanese for another language means translation again."""
    if chosen == routing.JAPANESE:
        return {"mode": "easy_japanese"}
    if session.resident_lang == routing.JAPANESE and session.mode == "easy_japanese":
        return {"mode": "translation"}
    return {}


def _check_resident_choice(message: Settings) -> None:
    """A resident chooses its own language on the phone (the clerk may have left it on 自動, and then
    nothing the clerk says reaches the phone until it is known); the mode and speech stay the clerk's."""
    if message.mode is not None or message.tts is not None:
        raise ProtocolError(ErrorCode.FORBIDDEN, "a resident may set only resident_lang")
    if message.resident_lang in (None, routing.AUTO):
        raise ProtocolError(ErrorCode.INVALID_FIELD, "settings: a resident gives its language")
