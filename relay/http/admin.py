"""The administrator's API (the `/admin` dashboard uses it): live overview, history, staff tokens, the
audit log, retention and purge. Admin tokens only; every change goes into the audit log.

A staff token's plaintext is shown once, in the answer that creates it; only its hash is stored. A
revoked token stops working at once: its open websockets are closed with 4401.
"""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from relay.context import CONTEXT
from relay.http.admin_names import name_audit, name_live
from relay.http.api import _json_body, api_error, require
from relay.storage.auth import STAFF_ROLES
from relay.storage.history import history
from relay.wire.protocol import CloseCode, ErrorCode

ADMIN = frozenset({"admin"})
MAX_AUDIT_ROWS = 500
MAX_RANGE_DAYS = 400


def _json(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


# ------------------------------------------------------------------ live and history


async def live(request: web.Request) -> web.Response:
    """Open counters with who is connected to each, connections by role, operators and the queue, with
    the names of operators and counters beside their ids (``relay.http.admin_names``)."""
    await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    by_role: dict[str, int] = {}
    for conn in ctx.connections:
        by_role[conn.role] = by_role.get(conn.role, 0) + 1
    counters = []
    for session in ctx.hub.open_sessions():
        state = session.public()
        state["connected"] = sorted(p.role for p in session.participants)
        counters.append(state)
    body: dict[str, Any] = {"counters": counters, "connections": by_role, "operators": [], "queue": []}
    body["queue"], body["operators"] = await ctx.escalation.snapshot()
    await name_live(ctx.store, body)
    service = await ctx.escalation.service_stats()
    if service is not None:
        body["service"] = service
    return _json(body)


def _range(request: web.Request) -> tuple[float, float]:
    now = time.time()
    try:
        end = float(request.query.get("to", now))
        start = float(request.query.get("from", end - 30 * 86400))
    except ValueError:
        raise api_error(400, ErrorCode.INVALID_FIELD, "from and to are unix times in seconds") from None
    if not start < end or end - start > MAX_RANGE_DAYS * 86400:
        raise api_error(400, ErrorCode.INVALID_FIELD, f"from must be before to, at most {MAX_RANGE_DAYS} days apart")
    return start, end


async def get_history(request: web.Request) -> web.Response:
    await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    start, end = _range(request)
    queue = ctx.settings.section("queue")
    service_level_s = float(getattr(queue, "service_level_s", 30.0))
    return _json(await history(ctx.store, start, end, service_level_s))


# ------------------------------------------------------------------ tokens


def _token_view(record: Any) -> dict[str, Any]:
    return {"id": record.id, "role": record.role, "name": record.name, "created_at": record.created_at,
            "revoked_at": record.revoked_at}


async def list_tokens(request: web.Request) -> web.Response:
    await require(request, ADMIN)
    records = await request.app[CONTEXT].store.list_tokens()
    return _json({"tokens": [_token_view(r) for r in records]})


async def create_token(request: web.Request) -> web.Response:
    principal = await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    body = await _json_body(request)
    role, name = body.get("role"), body.get("name")
    if role not in STAFF_ROLES:
        raise api_error(400, ErrorCode.INVALID_FIELD, f"role must be one of {', '.join(STAFF_ROLES)}")
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise api_error(400, ErrorCode.INVALID_FIELD, "name must be 1–80 characters (who or which counter)")
    token_id, token = await ctx.auth.add_token(role, name.strip(), actor=principal.actor)
    return _json({"id": token_id, "role": role, "name": name.strip(), "token": token}, status=201)


async def revoke_token(request: web.Request) -> web.Response:
    principal = await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    token_id = request.match_info["token_id"]
    if token_id == principal.id:
        raise api_error(409, ErrorCode.INVALID_STATE, "an administrator cannot revoke the token it is using")
    if not await ctx.store.revoke_token(token_id):
        raise api_error(404, ErrorCode.TOKEN_NOT_FOUND, "no such token, or it is already revoked")
    await ctx.store.audit(principal.actor, "token.revoke", token_id=token_id)
    for conn in list(ctx.connections):
        if conn.principal is not None and conn.principal.id == token_id and conn.principal.role != "resident":
            conn.close(CloseCode.UNAUTHORIZED, "token revoked")
    return _json({"id": token_id, "revoked": True})


# ------------------------------------------------------------------ audit log, retention


async def audit_log(request: web.Request) -> web.Response:
    await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    try:
        limit = min(MAX_AUDIT_ROWS, max(1, int(request.query.get("limit", 100))))
        before = int(request.query.get("before", 2**62))
    except ValueError:
        raise api_error(400, ErrorCode.INVALID_FIELD, "limit and before are whole numbers") from None
    entries = await name_audit(ctx.store, await ctx.store.audit_page(before, limit, request.query.get("action")))
    return _json({"entries": entries, "next_before": entries[-1]["id"] if len(entries) == limit else None})


async def retention(request: web.Request) -> web.Response:
    await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    days = ctx.settings.store.retention_days
    sessions, oldest, due = await ctx.store.retention_figures(time.time() - days * 86400 if days > 0 else None)
    return _json({"retention_days": days, "sessions": sessions, "oldest_session_at": oldest,
                  "due_for_purge": due})


async def purge(request: web.Request) -> web.Response:
    """Deletes sessions older than ``older_than_days`` (default: the retention setting), with all they hold."""
    principal = await require(request, ADMIN)
    ctx = request.app[CONTEXT]
    body = await _json_body(request)
    days = body.get("older_than_days", ctx.settings.store.retention_days)
    if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 1:
        raise api_error(400, ErrorCode.INVALID_FIELD, "older_than_days must be at least 1 (retention 0 keeps all)")
    removed = await ctx.store.purge_older_than(float(days))
    await ctx.store.audit(principal.actor, "purge", older_than_days=days, sessions_removed=removed)
    return _json({"older_than_days": days, "sessions_removed": removed})


def add_admin_routes(app: web.Application) -> None:
    app.router.add_get("/api/admin/live", live)
    app.router.add_get("/api/admin/history", get_history)
    app.router.add_get("/api/admin/tokens", list_tokens)
    app.router.add_post("/api/admin/tokens", create_token)
    app.router.add_delete("/api/admin/tokens/{token_id}", revoke_token)
    app.router.add_get("/api/admin/audit", audit_log)
    app.router.add_get("/api/admin/retention", retention)
    app.router.add_post("/api/admin/purge", purge)
