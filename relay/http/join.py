"""The short join code: for a resident whose phone cannot read the QR code.

The counter tablet asks for a code when the clerk opens 「QRコードが読めないとき」
(``POST /api/sessions/{id}/join-code``) and shows it with the short address ``<public base>/j``; the
resident opens that address, types the 6 digits, and the phone gets what the QR code carries: the
session and a resident token for it (``POST /api/join``). That token is the phone's own, bound to the
session like the QR's and dying with it (the relay keeps the QR's token only hashed, so it cannot hand
that one out). A code works ``relay.join_code_minutes`` and never once its session has ended; wrong
codes are limited per address (``relay.join_failures_per_hour``), so guessing one is impractical
(docs/security.md). No code is ever logged or stored in clear (``relay.storage.join_codes``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
import time
import unicodedata

from aiohttp import web

from relay.context import CONTEXT, RelayContext
from relay.http.api import _json_body, _resident_url, _session_for, api_error, require
from relay.storage.auth import hash_token, new_resident_token
from relay.wire.protocol import ErrorCode

JOIN_PATH = "/j"  # the short address read out at the counter: it opens the phone's code entry
CODE_DIGITS = 6
DRAWS = 8  # a live code of another session drawn again: draw anew (one in thousands at 200 sessions)
log = logging.getLogger("madoguchi.join")


def _now() -> float:
    return time.time()


def hash_join_code(code: str) -> str:
    return hashlib.sha256(f"join:{code}".encode()).hexdigest()


def typed_code(raw: object) -> str | None:
    """The digits as a person types them: full-width digits, spaces and hyphens allowed (「123 456」)."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", raw) if ch not in " -\u3000")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else None


def join_url(request: web.Request, ctx: RelayContext) -> str:
    base = ctx.settings.server.public_url.rstrip("/") or f"{request.scheme}://{request.host}"
    return base + JOIN_PATH


async def issue_join_code(request: web.Request) -> web.Response:
    """``POST /api/sessions/{id}/join-code``: a new code for an open session (the earlier one ends)."""
    principal = await require(request, frozenset({"clerk", "admin"}))
    ctx = request.app[CONTEXT]
    record = await _session_for(request, principal)
    if record.status != "open":
        raise api_error(409, ErrorCode.SESSION_CLOSED, "the session is closed")
    now = _now()
    expires_at = now + ctx.settings.relay.join_code_minutes * 60
    if record.resident_token_expires is not None:  # never longer than the QR's own token
        expires_at = min(expires_at, record.resident_token_expires)
    for _ in range(DRAWS):
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if await ctx.store.put_join_code(record.id, hash_join_code(code), expires_at, now):
            break
    else:
        raise api_error(503, ErrorCode.STORE_UNAVAILABLE, "no free join code; try again")
    await ctx.store.audit(principal.actor, "session.join_code", session=record.id)  # never the code itself
    return web.json_response({"code": code, "join_url": join_url(request, ctx), "expires_at": expires_at,
                              "expires_in_s": round(expires_at - now)}, status=201)


async def join(request: web.Request) -> web.Response:
    """``POST /api/join`` ``{code}`` → ``{session_id, resident_token, resident_url}``, as the QR code gives."""
    ctx = request.app[CONTEXT]
    peer = str(request.remote)
    limiter = ctx.limits.join_failures
    if limiter.blocked(peer):  # guessing: the code is not even looked at
        ctx.metrics.join_attempts.labels("rate_limited").inc()
        raise _too_many(math.ceil(limiter.retry_after(peer)))
    body = await _json_body(request)
    code = typed_code(body.get("code"))
    found = await ctx.store.join_code(hash_join_code(code)) if code else None
    if found is None:
        raise _refused(request, peer, "wrong", ErrorCode.JOIN_CODE_WRONG, 404, "no such join code")
    session_id, expires_at = found
    record = await ctx.store.get_session(session_id)
    now = _now()
    if (expires_at <= now or record is None or record.status != "open"
            or (record.resident_token_expires is not None and record.resident_token_expires <= now)):
        raise _refused(request, peer, "expired", ErrorCode.JOIN_CODE_EXPIRED, 410,
                       "this join code has expired or its session has ended")
    token = new_resident_token()
    await ctx.store.add_joined_token(hash_token(token), session_id)
    ctx.metrics.join_attempts.labels("joined").inc()
    await ctx.store.audit(f"resident:{session_id}", "session.join", session=session_id, by="code")
    log.info("a resident joined with a join code", extra={"session": session_id})
    return web.json_response({"session_id": session_id, "resident_token": token,
                              "resident_url": _resident_url(request, ctx, session_id, token)})


def _refused(request: web.Request, peer: str, outcome: str, code: str, status: int,
             message: str) -> web.HTTPException:
    ctx = request.app[CONTEXT]
    ctx.limits.join_failures.allow(peer)
    ctx.metrics.join_attempts.labels(outcome).inc()
    return api_error(status, code, message)


def _too_many(retry_after_s: int) -> web.HTTPException:
    body = json.dumps({"error": {"code": ErrorCode.RATE_LIMITED, "message": "too many wrong join codes; wait",
                                 "retry_after_s": retry_after_s}})
    return web.HTTPTooManyRequests(text=body, content_type="application/json",
                                   headers={"Retry-After": str(max(1, retry_after_s))})


async def open_join_page(request: web.Request) -> web.StreamResponse:
    """``GET /j``: the phone's page, where a resident without a QR code types the code."""
    raise web.HTTPFound("/resident")


def add_join_routes(app: web.Application) -> None:
    app.router.add_get(JOIN_PATH, open_join_page)
    app.router.add_post("/api/join", join)
    app.router.add_post("/api/sessions/{session_id}/join-code", issue_join_code)
