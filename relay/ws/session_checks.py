"""Checks that several message handlers make before they act: the connection is in an open session, and a
language is one this relay offers."""

from __future__ import annotations

from relay.turns.session import Session
from relay.wire.protocol import ErrorCode, ProtocolError
from relay.ws.client import Client


def current_session(conn: Client) -> Session:
    session = conn.session
    if session is None:
        raise ProtocolError(ErrorCode.INVALID_STATE, "not in a session")
    if not session.is_open:
        raise ProtocolError(ErrorCode.SESSION_CLOSED, "the session is closed")
    return session


def check_language(conn: Client, lang: str, allow_auto: bool = False) -> None:
    if lang == "ja" or lang in conn.ctx.supported_languages() or (allow_auto and lang == "auto"):
        return
    raise ProtocolError(ErrorCode.UNSUPPORTED_LANGUAGE, f"language {lang!r} is not offered here")
