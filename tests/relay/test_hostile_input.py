"""Hostile input gets a clear error, never a 1011 or a 500: nesting, lone surrogates, huge numbers,
formula cells, corrections aimed at another session; and every HTTP answer carries the security headers."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from aiohttp import web

from relay.app import create_app
from relay.settings import load_settings
from tests.fakes import fake_engines
from tests.relay.conftest import MakeRelay, Relay, WsClient
from tests.relay.test_escalation import FAST_QUEUE, _escalate_and_connect, _operator

DEEP = "[" * 30_000 + "]" * 30_000  # under the 64 KiB message limit
DEEP_OBJECT = '{"type":"text","speaker":"clerk","text":"x","lang":' + "[" * 20_000 + "]" * 20_000 + "}"
SURROGATE_TEXT = '{"type":"text","speaker":"clerk","text":"a\\ud800b"}'
SURROGATE_REASON = '{"type":"escalate","reason":"\\udfff"}'


async def _still_works(ws: WsClient) -> None:
    await ws.send(type="text", speaker="clerk", text="はい")
    await ws.expect("transcript", text="はい")


async def test_deep_nesting_as_the_first_frame_is_refused_cleanly(relay: Relay) -> None:
    ws = WsClient(await relay.client.ws_connect("/ws"))
    await ws.send_raw(DEEP)
    error = await ws.expect("error")
    assert (error["code"], error["fatal"]) == ("invalid_json", True)
    assert await ws.recv() is None and ws.close_code == 4400, "a refused hello, not 1011"


async def test_nesting_surrogates_and_huge_numbers_get_errors_and_the_socket_stays(relay: Relay) -> None:
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    for frame, code in [(DEEP, "invalid_json"), (DEEP_OBJECT, "invalid_json"),
                        (SURROGATE_TEXT, "invalid_field"), (SURROGATE_REASON, "invalid_field")]:
        await ws.send_raw(frame)
        error = await ws.expect("error")
        assert (error["code"], error["fatal"]) == (code, False), frame[:60]
    await _still_works(ws)
    transcript = await (await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                               headers=relay.auth("clerk"))).json()
    assert [u["text"] for u in transcript["utterances"]] == ["はい"]


async def test_resume_after_beyond_64_bits_is_a_bad_hello(relay: Relay) -> None:
    session = await relay.create_session("en")
    ws = await relay.counter(session, resume_after=2**63, expect_welcome=False)
    error = await ws.expect("error")
    assert (error["code"], error["fatal"]) == ("invalid_field", True)
    assert await ws.recv() is None and ws.close_code == 4400
    again = await relay.counter(session, resume_after=0)  # the session is fine
    await _still_works(again)


async def test_http_bodies_that_broke_the_server_are_400(relay: Relay) -> None:
    for body, code in [(DEEP, "invalid_json"), ('{"counter": "\\ud800"}', "invalid_field"),
                       ('{"counter": ' + "[" * 5000 + "]" * 5000 + "}", "invalid_field")]:
        resp = await relay.client.post("/api/sessions", headers={**relay.auth("clerk"),
                                       "Content-Type": "application/json"}, data=body)
        assert resp.status == 400, (body[:40], resp.status)
        assert (await resp.json())["error"]["code"] in (code, "invalid_json")
    for since in ("abc", "nan", "inf"):
        resp = await relay.client.get(f"/api/stats?since={since}", headers=relay.auth("admin"))
        assert resp.status == 400 and (await resp.json())["error"]["code"] == "invalid_field"


async def test_csv_export_neutralises_formulas(relay: Relay) -> None:
    session = await relay.create_session("en")
    resident = await relay.resident(session)
    evil = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
            "-2+3", "=1+1"]
    for text in evil:
        await resident.send(type="text", speaker="resident", text=text, lang="en")
        await resident.expect("transcript", speaker="resident")
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}/transcript?format=csv",
                                  headers=relay.auth("clerk"))
    rows = list(csv.DictReader(io.StringIO(await resp.text())))
    cells = {row["text"] for row in rows} | {row["translation"] for row in rows}
    assert set(evil) <= {cell[1:] for cell in cells if cell.startswith("'")}
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)


async def test_operator_cannot_correct_another_sessions_utterance(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    served, other = await relay.create_session("en"), await relay.create_session("en")
    counter, other_counter = await relay.counter(served), await relay.counter(other)
    await other_counter.send(type="text", speaker="clerk", text="別の窓口の話です")
    foreign = await other_counter.expect("translation", kind="translation")
    operator = await _operator(relay)
    await _escalate_and_connect(relay, served, counter, operator)
    for target in (foreign["utterance_id"], "u_doesnotexist"):
        await operator.send(type="text", speaker="operator", text="Hijacked.", lang="en", replaces=target)
        error = await operator.expect("error")
        assert (error["code"], error["fatal"]) == ("invalid_field", False)
    body = await (await relay.client.get(f"/api/sessions/{other['session_id']}/transcript",
                                         headers=relay.auth("clerk"))).json()
    translations = body["utterances"][0]["translations"]
    assert not any(t["replaced"] or t["kind"] == "operator" for t in translations)


def _assert_headers(resp: Any) -> None:
    assert "default-src" in resp.headers.get("Content-Security-Policy", ""), (resp.status, dict(resp.headers))
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("Referrer-Policy") == "no-referrer"
    server = resp.headers.get("Server", "")
    assert "Python" not in server and "aiohttp" not in server and not any(c.isdigit() for c in server)


async def test_security_headers_on_every_status(aiohttp_client: Any, tmp_path: Any) -> None:
    settings = load_settings(env={}, overrides={"store": {"path": str(tmp_path / "s.sqlite3")}})
    app = create_app(settings, fake_engines())

    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("a bug")

    app.router.add_get("/boom", boom)
    client = await aiohttp_client(app)
    for method, path, status in [("GET", "/healthz", 200), ("GET", "/nowhere", 404),
                                 ("POST", "/api/sessions", 401), ("GET", "/boom", 500),
                                 ("POST", "/healthz", 405)]:
        resp = await client.request(method, path)
        assert resp.status == status
        _assert_headers(resp)
        if status == 500:
            body = json.loads(await resp.text())
            assert body["error"]["code"] == "internal_error" and "a bug" not in json.dumps(body)
