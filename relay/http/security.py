"""Headers and error bodies for every HTTP response, whatever produced it.

One middleware turns every failure into a JSON error body (a bug becomes a logged traceback and a 500
that names no internals; a store fault a 503 ``store_unavailable``) and puts the security headers on
every response it sees, 4xx and 5xx included. Responses a handler prepares itself (websocket upgrades,
streams) get the same headers from the ``on_response_prepare`` hook. ``Server`` never names versions.
Handlers that need a different policy (pages) set their own header first: ours only fill gaps.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from relay.storage.store import StoreUnavailable
from relay.wire.protocol import ErrorCode

log = logging.getLogger("madoguchi.http")

# No 'unsafe-inline' anywhere: every script and style is a file under web_client/; 'self' also covers
# the websocket to the same host; blob: images are the QR code the counter fetched with its token.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; media-src 'self' blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
SERVER_NAME = "Madoguchi"
HSTS = "max-age=31536000"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_security_headers(response: web.StreamResponse, secure: bool = False) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if secure:  # served over TLS: browsers must never fall back to plain HTTP for this host
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    response.headers["Server"] = SERVER_NAME


def _json_error(status: int, code: str, message: str) -> web.Response:
    body = json.dumps({"error": {"code": code, "message": message}})
    return web.Response(status=status, text=body, content_type="application/json")


@web.middleware
async def security_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        add_security_headers(exc, request.secure)
        raise
    except StoreUnavailable as exc:
        log.warning("store unavailable", extra={"path": request.path, "error": str(exc)})
        response = _json_error(503, ErrorCode.STORE_UNAVAILABLE, "the relay cannot store data right now; retry")
    except Exception:
        log.exception("request failed", extra={"path": request.path, "method": request.method})
        response = _json_error(500, ErrorCode.INTERNAL, "internal error (logged)")
    if not response.prepared:
        add_security_headers(response, request.secure)
    return response


async def on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    add_security_headers(response, request.secure)


def install(app: web.Application) -> None:
    app.middlewares.append(security_middleware)
    app.on_response_prepare.append(on_prepare)
