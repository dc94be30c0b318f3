"""HTTP endpoints of protocol v1 (docs/protocol.md). Every call is checked against the caller's role."""

from __future__ import annotations

import json
import math
import time
import zoneinfo
from datetime import tzinfo
from typing import Any

from aiohttp import web

from relay.context import CONTEXT, RelayContext
from relay.http import transcripts
from relay.settings import is_loopback_host
from relay.storage.auth import Principal
from relay.wire.protocol import ErrorCode

STAFF = frozenset({"clerk", "operator", "admin"})
ANYONE = STAFF | {"resident"}


def api_error(status: int, code: str, message: str) -> web.HTTPException:
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    cls = {400: web.HTTPBadRequest, 401: web.HTTPUnauthorized, 403: web.HTTPForbidden, 404: web.HTTPNotFound,
           409: web.HTTPConflict, 410: web.HTTPGone, 429: web.HTTPTooManyRequests, 503: web.HTTPServiceUnavailable}[status]
    return cls(text=body, content_type="application/json")


async def require(request: web.Request, roles: frozenset[str]) -> Principal:
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else None
    ctx = request.app[CONTEXT]
    peer = str(request.remote)
    if ctx.limits.auth_failures.blocked(peer):  # brute force: the token is not even looked at
        raise api_error(429, ErrorCode.RATE_LIMITED, "too many failed logins; wait a minute")
    principal = await ctx.auth.authenticate(token)
    if principal is None:
        ctx.limits.login_failed(peer)
        raise api_error(401, ErrorCode.UNAUTHORIZED, "a valid bearer token is required")
    if principal.role not in roles:
        raise api_error(403, ErrorCode.FORBIDDEN, f"a {principal.role} may not do this")
    return principal


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
        # a lone surrogate (JSON allows "\\ud800") cannot be stored: refuse it here, not in the store
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise api_error(400, ErrorCode.INVALID_JSON, "the body must be a JSON object") from None
    except UnicodeEncodeError:
        raise api_error(400, ErrorCode.INVALID_FIELD, "the body holds text that is not valid Unicode") from None
    if not isinstance(body, dict):
        raise api_error(400, ErrorCode.NOT_AN_OBJECT, "the body must be a JSON object")
    return body


def _number(raw: str | None, default: float, name: str) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise api_error(400, ErrorCode.INVALID_FIELD, f"{name} must be a number") from None
    if not math.isfinite(value):
        raise api_error(400, ErrorCode.INVALID_FIELD, f"{name} must be a finite number")
    return value


# ------------------------------------------------------------------ health and metrics


async def healthz(request: web.Request) -> web.Response:
    ctx = request.app[CONTEXT]
    statuses = ctx.engines.statuses()
    engines = {name: {"state": "ready" if s.ready else "missing", "detail": s.detail, "models": list(s.models),
                      "languages": list(s.languages)} for name, s in statuses.items()}
    if not ctx.store.healthy:
        await ctx.store.probe()  # the disk may be back: say so as soon as it is
    ok = all(s.ready for s in statuses.values()) and ctx.store.healthy
    store = "ok" if ctx.store.healthy else f"unavailable: {ctx.store.fault}"
    body = {"status": "ok" if ok else "degraded", "engines": engines, "store": store,
            "sessions_open": await ctx.store.count_open_sessions(), "connections": len(ctx.connections),
            "queue": ctx.escalation.backend_name}
    return web.json_response(body)


async def metrics(request: web.Request) -> web.Response:
    ctx = request.app[CONTEXT]
    ctx.metrics.sessions_open.set(await ctx.store.count_open_sessions())
    for name, status in ctx.engines.statuses().items():
        ctx.metrics.engine_ready.labels(name).set(1 if status.ready else 0)
    await ctx.escalation.refresh_metrics()
    return web.Response(body=ctx.metrics.render(), content_type="text/plain", charset="utf-8",
                        headers={"X-Content-Type-Options": "nosniff"})


# ------------------------------------------------------------------ sessions


async def create_session(request: web.Request) -> web.Response:
    principal = await require(request, frozenset({"clerk", "admin"}))
    ctx = request.app[CONTEXT]
    body = await _json_body(request)
    counter = body.get("counter")
    if not isinstance(counter, str) or not counter.strip() or len(counter) > 64:
        raise api_error(400, ErrorCode.INVALID_FIELD, "counter must be a name of 1–64 characters")
    resident_lang = body.get("resident_lang", "auto")
    if resident_lang not in (*ctx.supported_languages(), "ja", "auto"):
        raise api_error(400, ErrorCode.UNSUPPORTED_LANGUAGE, f"language {resident_lang!r} is not offered here")
    mode = body.get("mode", ctx.settings.relay.default_mode)
    if mode not in ("translation", "easy_japanese"):
        raise api_error(400, ErrorCode.INVALID_FIELD, "mode must be translation or easy_japanese")
    tts = body.get("tts", ctx.settings.relay.tts_default)
    if not isinstance(tts, bool):
        raise api_error(400, ErrorCode.INVALID_FIELD, "tts must be true or false")
    if await ctx.store.count_open_sessions() >= ctx.settings.relay.max_sessions:  # all nodes, across restarts
        raise api_error(429, ErrorCode.TOO_MANY_SESSIONS, "the relay has as many open sessions as it allows")
    session, token = await ctx.hub.create(counter.strip(), resident_lang, mode, tts, principal.actor)
    ctx.metrics.sessions_created.labels(mode).inc()
    await ctx.store.audit(principal.actor, "session.create", session=session.id, counter=counter)
    return web.json_response({
        "session_id": session.id,
        "resident_token": token,
        "resident_url": _resident_url(request, ctx, session.id, token),
        "resident_url_local": phones_cannot_open(request, ctx),
        "session": session.public(),
    }, status=201)


def _zone(request: web.Request) -> tzinfo | None:
    name = request.app[CONTEXT].settings.relay.time_zone
    return zoneinfo.ZoneInfo(name) if name else None  # checked at start-up


def phones_cannot_open(request: web.Request, ctx: RelayContext) -> bool:
    """True when the QR code's address is this machine's own loopback address (``server.public_url`` is
    empty and the tablet was opened as http://127.0.0.1 or localhost): no phone can open it."""
    if ctx.settings.server.public_url:
        return False
    return is_loopback_host(request.url.host or "")


def _resident_url(request: web.Request, ctx: RelayContext, session_id: str, token: str) -> str:
    base = ctx.settings.server.public_url.rstrip("/") or f"{request.scheme}://{request.host}"
    # the token travels in the fragment, which browsers never send to a server or put in logs
    return f"{base}/resident#session={session_id}&token={token}"


async def _session_for(request: web.Request, principal: Principal) -> Any:
    ctx = request.app[CONTEXT]
    session_id = request.match_info["session_id"]
    if principal.role == "resident" and principal.session_id != session_id:
        raise api_error(403, ErrorCode.FORBIDDEN, "this token belongs to another session")
    record = await ctx.store.get_session(session_id)
    if record is None:
        raise api_error(404, ErrorCode.SESSION_NOT_FOUND, "no such session")
    return record


async def get_session(request: web.Request) -> web.Response:
    principal = await require(request, ANYONE)
    record = await _session_for(request, principal)
    session = await request.app[CONTEXT].hub.get(record.id)
    return web.json_response(session.public() if session else record.public())


async def close_session(request: web.Request) -> web.Response:
    principal = await require(request, frozenset({"clerk", "admin"}))
    ctx = request.app[CONTEXT]
    record = await _session_for(request, principal)
    session = await ctx.hub.get(record.id)
    if session is None or not session.is_open:
        raise api_error(409, ErrorCode.SESSION_CLOSED, "the session is already closed")
    await ctx.close_session(session, "closed by " + principal.role)
    await ctx.store.audit(principal.actor, "session.close", session=record.id)
    return web.json_response(session.public())


async def transcript(request: web.Request) -> web.Response:
    """Readable by those who took part (``relay.http.transcripts``); the resident gets what it was shown."""
    principal = await require(request, ANYONE)
    record = await _session_for(request, principal)
    store = request.app[CONTEXT].store
    if not await transcripts.took_part(store, principal, record):
        raise api_error(403, ErrorCode.FORBIDDEN, "only those who took part in a session may read its transcript")
    fmt = request.query.get("format", "json")
    if fmt not in ("json", "txt", "csv"):
        raise api_error(400, ErrorCode.INVALID_FIELD, "format must be json, txt or csv")
    rows = await store.transcript(record.id)
    if principal.role == "resident":
        rows = transcripts.resident_view(rows, await transcripts.resident_languages(store, record))
    if fmt == "json":
        return web.json_response({"session": record.public(), "utterances": rows},
                                 dumps=lambda o: json.dumps(o, ensure_ascii=False))
    if fmt == "txt":
        return web.Response(text=transcripts.as_text(record, rows, _zone(request)), content_type="text/plain",
                            charset="utf-8")
    return web.Response(text=transcripts.as_csv(rows, _zone(request)), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{record.id}.csv"'})


# ------------------------------------------------------------------ languages, queue, stats


async def languages(request: web.Request) -> web.Response:
    await require(request, ANYONE)
    from relay.http.languages import language_report

    return web.json_response({"languages": await language_report(request.app[CONTEXT])},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def phrasebook(request: web.Request) -> web.Response:
    """``GET /api/phrasebook?lang=vi``: the fixed phrases (定型文) the counter offers to tap, with their text
    in ``lang`` — with no translation model for a language they are what still reaches the resident."""
    await require(request, ANYONE)
    from relay.http.languages import phrasebook_phrases

    ctx = request.app[CONTEXT]
    lang = request.query.get("lang", "")
    if lang not in ctx.supported_languages() and lang != "ja":
        raise api_error(400, ErrorCode.UNSUPPORTED_LANGUAGE, f"unsupported language: {lang!r}")
    phrases = await ctx.bridge.run("mt", phrasebook_phrases, ctx, lang)
    return web.json_response({"lang": lang, "phrases": phrases}, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def queue(request: web.Request) -> web.Response:
    await require(request, frozenset({"operator", "admin"}))
    ctx = request.app[CONTEXT]
    entries, on_duty = await ctx.escalation.snapshot()
    names = {t.id: t.name for t in await ctx.store.list_tokens()}  # colleagues by name, for a transfer
    operators = [{"operator_id": o["operator_id"], "name": names.get(o["operator_id"], o["operator_id"]),
                  "languages": list(o["languages"]), "state": o["state"]} for o in on_duty]
    return web.json_response({"entries": entries, "operators": operators, "allow_pick": ctx.escalation.allow_pick},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def stats(request: web.Request) -> web.Response:
    await require(request, frozenset({"operator", "admin"}))
    ctx = request.app[CONTEXT]
    since = _number(request.query.get("since"), time.time() - 86400, "since")
    body = await ctx.store.stats(since)
    body["sessions_open"] = await ctx.store.count_open_sessions()
    service = await ctx.escalation.service_stats()
    if service is not None:
        body["service"] = service
    return web.json_response(body)


async def easy_japanese_check(request: web.Request) -> web.Response:
    await require(request, STAFF)
    body = await _json_body(request)
    text = body.get("text")
    if not isinstance(text, str):
        raise api_error(400, ErrorCode.MISSING_FIELD, "text (string) is required")
    if len(text) > 20000:
        raise api_error(400, ErrorCode.INVALID_FIELD, "text is limited to 20,000 characters")
    try:
        from easy_japanese import check
    except ImportError as exc:
        raise api_error(503, ErrorCode.ENGINE_UNAVAILABLE, f"easy_japanese is not installed: {exc}") from None
    ctx = request.app[CONTEXT]
    report = await ctx.bridge.run("easy_japanese", check, text)
    return web.json_response(report.to_dict(), dumps=lambda o: json.dumps(o, ensure_ascii=False))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.router.add_post("/api/sessions", create_session)
    app.router.add_get("/api/sessions/{session_id}", get_session)
    app.router.add_post("/api/sessions/{session_id}/close", close_session)
    app.router.add_get("/api/sessions/{session_id}/transcript", transcript)
    app.router.add_get("/api/languages", languages)
    app.router.add_get("/api/phrasebook", phrasebook)
    app.router.add_get("/api/queue", queue)
    app.router.add_get("/api/stats", stats)
    app.router.add_post("/api/easy-japanese/check", easy_japanese_check)
