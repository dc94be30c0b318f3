"""The short join code (relay.http.join): what a resident whose phone cannot read the QR code types.

The tablet asks for a code, the phone exchanges it for the session and a resident token, and the
resident's words reach the counter as they do after scanning the QR code; wrong, replaced, expired and
ended codes are refused with their registry codes, guessing is stopped per address, and no code is
written to a log or the audit trail.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from relay.http import join as join_module
from tests.relay.conftest import MakeRelay, Relay


async def _new_code(relay: Relay, session: dict[str, Any]) -> dict[str, Any]:
    resp = await relay.client.post(f"/api/sessions/{session['session_id']}/join-code", headers=relay.auth("clerk"))
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def _join(relay: Relay, code: str) -> tuple[int, dict[str, Any], Any]:
    resp = await relay.client.post("/api/join", json={"code": code})
    return resp.status, await resp.json(), resp.headers


def _outcomes(relay: Relay) -> dict[str, float]:
    counter = relay.ctx.metrics.join_attempts
    return {outcome: counter.labels(outcome)._value.get() for outcome in ("joined", "wrong", "expired", "rate_limited")}


async def test_a_typed_code_joins_the_same_conversation_as_the_qr_code(relay: Relay) -> None:
    session = await relay.create_session("en")
    issued = await _new_code(relay, session)
    assert issued["join_url"].endswith("/j") and len(issued["code"]) == 6 and issued["code"].isdigit()
    typed = f"{issued['code'][:3]} {issued['code'][3:]}"  # as the tablet groups it: 123 456
    status, body, _ = await _join(relay, typed)
    assert status == 200, body
    assert body["session_id"] == session["session_id"]
    assert body["resident_url"].endswith(f"/resident#session={session['session_id']}&token={body['resident_token']}")
    counter = await relay.counter(session)
    phone = await relay.connect("resident", body["resident_token"], body["session_id"])
    await phone.send(type="text", speaker="resident", text="I lost my residence card", lang="en")
    await counter.expect("transcript", text="I lost my residence card")
    qr_phone = await relay.resident(session)  # the QR code's own token still works beside it
    await qr_phone.close()
    assert _outcomes(relay)["joined"] == 1
    page = await relay.client.get("/j", allow_redirects=False)
    assert page.status == 302 and page.headers["Location"] == "/resident"


async def test_a_wrong_code_is_refused_with_its_registry_code(relay: Relay) -> None:
    session = await relay.create_session("en")
    issued = await _new_code(relay, session)
    wrong = f"{(int(issued['code']) + 1) % 1_000_000:06d}"
    for typed in (wrong, "12345", "abcdef"):
        status, body, _ = await _join(relay, typed)
        assert (status, body["error"]["code"]) == (404, "join_code_wrong")
    assert _outcomes(relay)["wrong"] == 3


async def test_an_expired_or_replaced_code_is_refused(relay: Relay, monkeypatch: pytest.MonkeyPatch) -> None:
    session = await relay.create_session("en")
    first = await _new_code(relay, session)
    second = await _new_code(relay, session)  # the clerk asked again: the first one ends
    status, body, _ = await _join(relay, first["code"])
    assert (status, body["error"]["code"]) == (404, "join_code_wrong")
    later = join_module._now() + relay.ctx.settings.relay.join_code_minutes * 60 + 1
    monkeypatch.setattr(join_module, "_now", lambda: later)
    status, body, _ = await _join(relay, second["code"])
    assert (status, body["error"]["code"]) == (410, "join_code_expired")
    third = await _new_code(relay, session)  # the tablet shows a fresh one, which works
    assert (await _join(relay, third["code"]))[0] == 200
    assert _outcomes(relay)["expired"] == 1


async def test_the_code_of_an_ended_session_never_works(relay: Relay) -> None:
    session = await relay.create_session("en")
    issued = await _new_code(relay, session)
    status, joined, _ = await _join(relay, issued["code"])
    assert status == 200
    resp = await relay.client.post(f"/api/sessions/{session['session_id']}/close", headers=relay.auth("clerk"))
    assert resp.status == 200
    status, body, _ = await _join(relay, issued["code"])
    assert (status, body["error"]["code"]) == (410, "join_code_expired")
    # the token the code gave dies with the session, as the QR code's does
    phone = await relay.connect("resident", joined["resident_token"], session["session_id"], expect_welcome=False)
    assert (await phone.expect("error"))["code"] in ("unauthorized", "session_closed")
    resp = await relay.client.post(f"/api/sessions/{session['session_id']}/join-code", headers=relay.auth("clerk"))
    assert (resp.status, (await resp.json())["error"]["code"]) == (409, "session_closed")


async def test_guessing_codes_is_stopped_per_address_and_recovers(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"join_failures_per_hour": 60})  # one a minute after a burst of 6
    limiter = relay.ctx.limits.join_failures
    clock = [1000.0]
    limiter._clock = lambda: clock[0]
    session = await relay.create_session("en")
    issued = await _new_code(relay, session)
    guesses = [f"{(int(issued['code']) + n) % 1_000_000:06d}" for n in range(1, 8)]
    statuses = [(await _join(relay, guess))[0] for guess in guesses]
    assert statuses == [404] * 6 + [429]
    status, body, headers = await _join(relay, issued["code"])  # even the right code waits: the address is blocked
    assert (status, body["error"]["code"]) == (429, "rate_limited")
    assert 1 <= int(headers["Retry-After"]) <= 60
    clock[0] += int(headers["Retry-After"])
    assert (await _join(relay, issued["code"]))[0] == 200
    assert _outcomes(relay)["rate_limited"] == 2


async def test_a_code_survives_a_restart_of_the_relay(make_relay: MakeRelay) -> None:
    """Kept in the store with the resident tokens: a node restarted while the resident types still takes it."""
    relay = await make_relay()
    session = await relay.create_session("en")
    issued = await _new_code(relay, session)
    await relay.client.close()
    restarted = await make_relay()
    status, body, _ = await _join(restarted, issued["code"])
    assert status == 200 and body["session_id"] == session["session_id"]


async def test_no_code_reaches_the_log_or_the_audit_trail(relay: Relay, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    session = await relay.create_session("en")
    issued = await _new_code(relay, session)
    await _join(relay, issued["code"])
    await _join(relay, f"{(int(issued['code']) + 1) % 1_000_000:06d}")
    standard = set(logging.makeLogRecord({}).__dict__)  # times and thread ids: digits that are not a code
    logged = " ".join(f"{r.getMessage()} {[v for k, v in r.__dict__.items() if k not in standard]}"
                      for r in caplog.records)
    assert "joined with a join code" in logged
    assert issued["code"] not in logged
    audit = [(entry["actor"], entry["action"], entry["detail"]) for entry in await relay.ctx.store.audit_log()]
    assert ("clerk" in str(audit) and "session.join_code" in str(audit)) and issued["code"] not in str(audit)
