"""Every role against every endpoint and every message type."""

from __future__ import annotations

import time
from typing import Any

import pytest

from relay.wire.protocol import CLIENT_TYPES, CloseCode
from relay.ws.handlers import PERMISSIONS
from tests.relay.conftest import Relay

# endpoint → roles that may call it (resident: only for its own session)
ENDPOINTS: list[tuple[str, str, set[str]]] = [
    ("POST", "/api/sessions", {"clerk", "admin"}),
    ("GET", "/api/sessions/{sid}", {"clerk", "operator", "admin", "resident"}),
    # an operator reads only the transcripts of sessions it served (tests/relay/test_operator_path.py)
    ("GET", "/api/sessions/{sid}/transcript", {"clerk", "admin", "resident"}),
    ("POST", "/api/sessions/{sid}/close", {"clerk", "admin"}),
    ("POST", "/api/sessions/{sid}/join-code", {"clerk", "admin"}),
    ("GET", "/api/languages", {"clerk", "operator", "admin", "resident"}),
    ("GET", "/api/queue", {"operator", "admin"}),
    ("GET", "/api/stats", {"operator", "admin"}),
    ("POST", "/api/easy-japanese/check", {"clerk", "operator", "admin"}),
    ("GET", "/api/glossary", {"clerk", "operator", "admin"}),
]
ROLES = ["anonymous", "garbage", "clerk", "operator", "admin", "resident", "other_resident"]


def _headers(relay: Relay, role: str, tokens: dict[str, str]) -> dict[str, str]:
    if role == "anonymous":
        return {}
    token = {"garbage": "not-a-token", "resident": tokens["resident"],
             "other_resident": tokens["other_resident"]}.get(role) or relay.tokens[role]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "path", "allowed"), ENDPOINTS)
async def test_endpoint_matrix(relay: Relay, method: str, path: str, allowed: set[str]) -> None:
    for role in ROLES:
        session = await relay.create_session("en")
        other = await relay.create_session("en")
        tokens = {"resident": session["resident_token"], "other_resident": other["resident_token"]}
        url = path.format(sid=session["session_id"])
        body: dict[str, Any] = {"counter": "x", "resident_lang": "en", "text": "お待ちください"}
        resp = await relay.client.request(method, url, headers=_headers(relay, role, tokens), json=body)
        if role in ("anonymous", "garbage"):
            assert resp.status == 401, (role, url)
        elif role == "other_resident":
            expected = 403 if "{sid}" in path or "resident" not in allowed else 200
            assert resp.status == expected, (role, url, await resp.text())
        elif role in allowed:
            assert resp.status in (200, 201), (role, url, await resp.text())
        else:
            assert resp.status == 403, (role, url)


async def test_resident_token_dies_with_its_session(relay: Relay) -> None:
    session = await relay.create_session("en")
    resident_auth = {"Authorization": f"Bearer {session['resident_token']}"}
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}", headers=resident_auth)
    assert resp.status == 200
    closed = await relay.client.post(f"/api/sessions/{session['session_id']}/close", headers=relay.auth("clerk"))
    assert closed.status == 200
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}", headers=resident_auth)
    assert resp.status == 401
    ws = await relay.resident(session, expect_welcome=False)
    error = await ws.expect("error")
    assert error["code"] == "unauthorized" and error["fatal"]
    await ws.recv()
    assert ws.close_code == CloseCode.UNAUTHORIZED


async def test_expired_resident_token_is_refused(relay: Relay) -> None:
    session = await relay.create_session("en")
    await relay.ctx.store.write([("UPDATE sessions SET resident_token_expires = ? WHERE id = ?",
                                  (time.time() - 1, session["session_id"]))])
    ws = await relay.resident(session, expect_welcome=False)
    assert (await ws.expect("error"))["code"] == "unauthorized"
    await ws.recv()
    assert ws.close_code == CloseCode.UNAUTHORIZED


async def test_resident_cannot_join_another_session(relay: Relay) -> None:
    mine, theirs = await relay.create_session("en"), await relay.create_session("vi")
    ws = await relay.connect("resident", mine["resident_token"], theirs["session_id"], expect_welcome=False)
    assert (await ws.expect("error"))["code"] == "forbidden"
    await ws.recv()
    assert ws.close_code == CloseCode.FORBIDDEN


@pytest.mark.parametrize(("token_role", "ws_role", "ok"), [
    ("clerk", "counter", True), ("admin", "counter", True), ("operator", "counter", False),
    ("clerk", "operator", False), ("admin", "operator", False), ("operator", "operator", True),
    ("clerk", "resident", False), ("operator", "resident", False),
])
async def test_staff_roles_on_the_websocket(relay: Relay, token_role: str, ws_role: str, ok: bool) -> None:
    session = await relay.create_session("en")
    sid = session["session_id"] if ws_role != "operator" else None
    ws = await relay.connect(ws_role, relay.tokens[token_role], sid, expect_welcome=False)
    first = await ws.recv()
    assert first is not None
    if ok:
        assert first["type"] == "welcome"
    else:
        assert first["type"] == "error" and first["code"] == "forbidden"
        await ws.recv()
        assert ws.close_code == CloseCode.FORBIDDEN


MINIMAL = {
    "audio.start": {"sample_rate": 16000}, "audio.stop": {}, "text": {"speaker": "auto", "text": "はい"},
    "settings": {"tts": False}, "escalate": {}, "escalation.cancel": {}, "accept": {"session_id": "x"},
    "decline": {"session_id": "x"}, "release": {}, "transfer": {}, "operator.state": {"state": "away"},
    "video.allow": {"resident": True},
    "video.signal": {"to": "counter", "kind": "invite", "call_id": "x"},
}


@pytest.mark.parametrize("role", ["counter", "resident", "operator"])
async def test_message_types_refused_for_roles_without_permission(relay: Relay, role: str) -> None:
    session = await relay.create_session("en")
    token = {"counter": relay.tokens["clerk"], "operator": relay.tokens["operator"],
             "resident": session["resident_token"]}[role]
    ws = await relay.connect(role, token, None if role == "operator" else session["session_id"])
    for kind in sorted(CLIENT_TYPES - {"hello", "bye"}):
        if role in PERMISSIONS[kind]:
            continue
        await ws.send(type=kind, **MINIMAL[kind])
        error = await ws.expect("error")
        assert (error["code"], error["ref"], error["fatal"]) == ("forbidden", kind, False), kind
    await ws.send(type="text", speaker="operator", text="I am the interpreter")
    if role != "operator":
        assert (await ws.expect("error"))["code"] == "forbidden", "only operators speak as operator"
