"""``hello``: who may connect in which role to which session; the ``welcome``; then attaching the connection
to its session (replaying what it missed) and telling the operator queue who came back."""

from __future__ import annotations

import dataclasses
from typing import Any

from relay.runtime.rate_limits import check_slots
from relay.turns.session import Session
from relay.wire.protocol import CloseCode, ErrorCode, Hello, ProtocolError, Welcome
from relay.ws import video
from relay.ws.client import Client

# which staff roles may open a websocket in which role
HELLO_ROLES = {"counter": {"clerk", "admin"}, "operator": {"operator"}, "resident": {"resident"}}


async def hello(conn: Client, message: Hello) -> Welcome:
    ctx = conn.ctx
    ctx.limits.check_login(str(conn.request.remote))  # brute force: the token is not even looked at
    principal = await ctx.auth.authenticate(message.token)
    if principal is None:
        ctx.limits.login_failed(str(conn.request.remote))
        raise ProtocolError(ErrorCode.UNAUTHORIZED, "invalid or expired token", close_code=CloseCode.UNAUTHORIZED)
    if principal.role not in HELLO_ROLES[message.role]:
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {principal.role} token cannot connect as {message.role}",
                            close_code=CloseCode.FORBIDDEN)
    conn.principal, conn.role = principal, message.role
    session_id = message.session_id
    if message.role == "operator":
        return await _operator_hello(conn, message)
    if message.role == "resident":
        if session_id not in (None, principal.session_id):
            raise ProtocolError(ErrorCode.FORBIDDEN, "this token belongs to another session",
                                close_code=CloseCode.FORBIDDEN)
        session_id = principal.session_id
    if message.role == "counter" and not session_id:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "hello: a counter must give session_id",
                            close_code=CloseCode.BAD_HELLO)
    assert session_id is not None
    conn.session = await _open_session(conn, session_id)
    await ctx.store.audit(principal.actor, "login", role=message.role, session=session_id,
                          peer=conn.request.remote)
    return _welcome(conn, message.role, session_id)


async def _operator_hello(conn: Client, message: Hello) -> Welcome:
    """Operators join sessions through accept. The reconnect rule: the welcome names the session the
    operator serves now, whatever the hello said (null when none); see ``EscalationService.operator_connected``."""
    ctx = conn.ctx
    assert conn.principal is not None
    await ctx.store.audit(conn.principal.actor, "login", role="operator", peer=conn.request.remote)
    serving = await ctx.escalation.serving(conn.principal.id)
    conn.operator_serving = serving
    welcome = _welcome(conn, "operator", serving)
    if serving is None:
        return welcome
    session = await ctx.hub.get(serving)
    public: dict[str, Any] = session.public() if session is not None else {"session_id": serving}
    return dataclasses.replace(welcome, session=public, last_seq=public.get("last_seq", 0))


async def after_welcome(conn: Client, message: Hello) -> None:
    """Once the client has its welcome: attach to the session (replaying what it missed) and let the
    operator queue know who came back."""
    escalation = conn.ctx.escalation
    if conn.session is not None:
        # without resume_after: every event after the one welcome named, even those published meanwhile
        after = message.resume_after if message.resume_after is not None else conn.welcome_seq
        await conn.session.attach(conn, after)
        video.on_connected(conn)
    if conn.role == "operator":
        serving = conn.operator_serving
        resume = message.resume_after if serving is not None and message.session_id == serving else None
        await escalation.operator_connected(conn, serving, resume)
    elif conn.role == "counter":
        await escalation.counter_connected(conn)


def _welcome(conn: Client, role: str, session_id: str | None) -> Welcome:
    ctx = conn.ctx
    session = conn.session
    return Welcome(
        protocol=1, role=role, session_id=session_id,  # type: ignore[arg-type]
        last_seq=session.last_seq if session else 0,
        session=session.public() if session else None,
        engines={name: {"ready": s.ready, "detail": s.detail, "languages": list(s.languages)}
                 for name, s in ctx.engines.statuses().items()},
        limits={"max_message_bytes": ctx.settings.relay.max_message_bytes,
                "sample_rates": [8000, 48000], "max_audio_rate": ctx.settings.relay.max_audio_rate,
                "max_text_chars": ctx.settings.relay.max_text_chars},
        video=video.welcome_video(ctx),
    )


async def _open_session(conn: Client, session_id: str) -> Session:
    session = await conn.ctx.hub.get(session_id)
    if session is None:
        raise ProtocolError(ErrorCode.SESSION_NOT_FOUND, "no such session", close_code=CloseCode.SESSION_NOT_FOUND)
    if not session.is_open:
        raise ProtocolError(ErrorCode.SESSION_CLOSED, "the session is closed", close_code=CloseCode.SESSION_CLOSED)
    check_slots(conn, session)
    return session
