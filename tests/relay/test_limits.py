"""Limits a reconnect cannot reset; tokens that stop working everywhere at once; sessions that are
counted across restarts and expire when everyone has gone."""

from __future__ import annotations

import asyncio

from tests.relay.conftest import MakeRelay


async def test_turn_flood_is_limited_across_reconnects(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"turns_per_minute": 6})  # a burst of 3, then one every 10 s
    session = await relay.create_session("en")
    for _ in range(3):  # reconnecting after each batch does not buy a fresh allowance
        ws = await relay.resident(session)
        for n in range(12):
            await ws.send(type="text", speaker="resident", text=f"spam {n} " + "x" * 1500, lang="en", client_id=f"s{n}")
        answered: set[str] = set()  # each text is stored (its transcript) or refused (an error): wait for all
        while len(answered) < 12:  # (closing after a fixed sleep cancelled an allowed turn on a loaded machine)
            body = await ws.recv()
            assert body is not None, "the relay closed the socket"
            if body["type"] in ("transcript", "error") and body.get("client_id"):
                answered.add(body["client_id"])
        await ws.close()
    rows = (await (await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                          headers=relay.auth("clerk"))).json())["utterances"]
    accepted = len(rows)
    assert 3 <= accepted <= 4, f"{accepted} of 36 flooded turns were stored"
    counter = await relay.counter(session)  # the clerk's own allowance is untouched
    await counter.send(type="text", speaker="clerk", text="お待たせしました")
    await counter.expect("transcript", text="お待たせしました")


async def test_an_error_about_a_typed_text_names_its_client_id(make_relay: MakeRelay) -> None:
    """The page keeps each text until it is stored: an error must say which text it is about, so the
    page knows to send it again later (rate_limited) or to drop it (a text the relay refuses)."""
    relay = await make_relay(relay={"turns_per_minute": 6})  # a burst of 3
    counter = await relay.counter(await relay.create_session("en"))
    for n in range(4):
        await counter.send(type="text", speaker="clerk", text=f"{n}番目です", client_id=f"c-{n}")
    limited = await counter.expect("error", code="rate_limited")
    assert (limited["client_id"], limited["fatal"]) == ("c-3", False)
    await counter.send(type="text", speaker="clerk", text="x", lang="xx", client_id="c-bad")
    refused = await counter.expect("error", code="unsupported_language")
    assert refused["client_id"] == "c-bad"


async def test_settings_and_escalation_floods_are_limited(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"settings_per_minute": 10, "escalations_per_minute": 6})
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    for n in range(40):
        await counter.send(type="settings", tts=n % 2 == 0)
    await counter.send(type="text", speaker="clerk", text="終わり")
    await counter.expect("transcript", text="終わり")
    limited = [m for m in counter.seen if m["type"] == "error" and m["code"] == "rate_limited"]
    updates = [m for m in counter.seen if m["type"] == "session.updated"]
    assert len(updates) == 5 and len(limited) == 35 and not any(m["fatal"] for m in limited)
    resident = await relay.resident(session)
    for _ in range(10):
        await resident.send(type="escalate")
    await resident.send(type="text", speaker="resident", text="done", lang="en")
    await resident.expect("transcript", text="done")
    assert sum(1 for m in resident.seen if m["type"] == "error" and m["code"] == "rate_limited") == 7


async def test_login_brute_force_is_rate_limited(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"auth_failures_per_minute": 6})  # a burst of 3 failures
    session = await relay.create_session("en")
    statuses = []
    for n in range(6):
        resp = await relay.client.get("/api/queue", headers={"Authorization": f"Bearer guess{n}"})
        statuses.append(resp.status)
    assert statuses == [401, 401, 401, 429, 429, 429]
    ws = await relay.connect("counter", "guess", session["session_id"], expect_welcome=False)
    assert (await ws.expect("error"))["code"] == "rate_limited"
    assert await ws.recv() is None and ws.close_code == 4429
    # even the right token waits: the address is blocked, not the guess
    resp = await relay.client.get("/api/queue", headers=relay.auth("admin"))
    assert resp.status == 429


async def test_a_token_revoked_from_the_cli_closes_its_open_sockets(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"token_recheck_s": 0.2})
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    token_id = next(t.id for t in await relay.ctx.store.list_tokens() if t.role == "clerk")
    await relay.ctx.store.revoke_token(token_id)  # what `madoguchi token revoke` does, from another process
    while await counter.recv() is not None:
        pass
    assert counter.close_code == 4401
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}", headers=relay.auth("clerk"))
    assert resp.status == 401


async def test_open_sessions_are_counted_across_restarts(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"max_sessions": 2})
    await relay.create_session("en")
    await relay.create_session("vi")
    await relay.client.close()
    restarted = await make_relay(relay={"max_sessions": 2})
    assert (await (await restarted.client.get("/healthz")).json())["sessions_open"] == 2
    resp = await restarted.client.post("/api/sessions", headers=restarted.auth("clerk"), json={"counter": "3"})
    assert resp.status == 429


async def test_a_session_everyone_left_expires(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"idle_session_minutes": 0.01})  # 0.6 s
    session, kept = await relay.create_session("en"), await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="以上です")
    await counter.expect("transcript")
    await counter.close()
    present = await relay.counter(kept)
    for _ in range(100):
        state = await (await relay.client.get(f"/api/sessions/{session['session_id']}",
                                              headers=relay.auth("clerk"))).json()
        if state["status"] == "closed":
            break
        await asyncio.sleep(0.1)
    assert state["status"] == "closed"
    health = await (await relay.client.get("/healthz")).json()
    assert health["sessions_open"] == 1, "the session someone is still connected to stays open"
    assert present.close_code is None
