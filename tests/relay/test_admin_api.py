"""The administrator's API: staff tokens, the audit log, retention and purge, live overview, history."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.relay.conftest import MakeRelay, Relay
from tests.relay.seed import DAY, seed_history

ADMIN_ENDPOINTS = [("GET", "/api/admin/live"), ("GET", "/api/admin/history"), ("GET", "/api/admin/tokens"),
                   ("POST", "/api/admin/tokens"), ("DELETE", "/api/admin/tokens/abc"), ("GET", "/api/admin/audit"),
                   ("GET", "/api/admin/retention"), ("POST", "/api/admin/purge")]


@pytest.mark.parametrize(("method", "path"), ADMIN_ENDPOINTS)
async def test_only_admins(relay: Relay, method: str, path: str) -> None:
    session = await relay.create_session("en")
    for role, status in (("clerk", 403), ("operator", 403)):
        resp = await relay.client.request(method, path, headers=relay.auth(role), json={})
        assert resp.status == status, (role, path)
    resident = {"Authorization": f"Bearer {session['resident_token']}"}
    assert (await relay.client.request(method, path, headers=resident, json={})).status == 403
    assert (await relay.client.request(method, path, json={})).status == 401


async def test_create_use_and_revoke_a_token_all_audited(relay: Relay) -> None:
    resp = await relay.client.post("/api/admin/tokens", headers=relay.auth("admin"),
                                   json={"role": "operator", "name": "ベトナム語 通訳 田中"})
    assert resp.status == 201
    created = await resp.json()
    assert created["token"].startswith("mdg_operator_")
    listed = (await (await relay.client.get("/api/admin/tokens", headers=relay.auth("admin"))).json())["tokens"]
    mine = next(t for t in listed if t["id"] == created["id"])
    assert (mine["name"], mine["role"], mine["revoked_at"]) == ("ベトナム語 通訳 田中", "operator", None)
    assert all("token" not in t and "hash" not in t for t in listed), "a plaintext is shown once, never listed"

    console = await relay.connect("operator", created["token"])  # the new token works
    resp = await relay.client.delete(f"/api/admin/tokens/{created['id']}", headers=relay.auth("admin"))
    assert resp.status == 200
    while await console.recv() is not None:
        pass
    assert console.close_code == 4401, "its open console is disconnected"
    refused = await relay.connect("operator", created["token"], expect_welcome=False)
    assert (await refused.expect("error"))["code"] == "unauthorized"
    again = await relay.client.delete(f"/api/admin/tokens/{created['id']}", headers=relay.auth("admin"))
    assert again.status == 404

    audit = (await (await relay.client.get("/api/admin/audit?limit=10", headers=relay.auth("admin"))).json())
    actions = [(e["action"], e["actor"].split(":")[0]) for e in audit["entries"]]
    assert ("token.revoke", "admin") in actions and ("token.add", "admin") in actions
    only = await (await relay.client.get("/api/admin/audit?action=token.revoke", headers=relay.auth("admin"))).json()
    assert [e["detail"]["token_id"] for e in only["entries"]] == [created["id"]]


async def test_bad_token_requests(relay: Relay) -> None:
    for body in ({"role": "resident", "name": "x"}, {"role": "clerk", "name": ""}, {"role": "clerk"}):
        resp = await relay.client.post("/api/admin/tokens", headers=relay.auth("admin"), json=body)
        assert resp.status == 400, body
    own = next(t for t in (await (await relay.client.get("/api/admin/tokens", headers=relay.auth("admin"))).json())[
        "tokens"] if t["role"] == "admin")
    resp = await relay.client.delete(f"/api/admin/tokens/{own['id']}", headers=relay.auth("admin"))
    assert resp.status == 409, "an administrator cannot lock itself out"


async def test_history_from_a_seeded_store(relay: Relay) -> None:
    now = time.time()
    seeded = await seed_history(relay.ctx.store, now)
    body = await (await relay.client.get(f"/api/admin/history?from={now - 7 * DAY}&to={now}",
                                         headers=relay.auth("admin"))).json()
    assert body["sessions"] == seeded.sessions and body["sessions_by_language"] == seeded.by_language
    assert [d["sessions"] for d in body["days"]] == [3, 3, 1]
    assert body["escalated_sessions"] == seeded.escalated
    assert body["escalation_rate"] == pytest.approx(seeded.escalated / seeded.sessions)
    assert body["average_speed_of_answer_s"] == pytest.approx(sum(seeded.answered_waits) / 2)
    assert body["service_level"] == pytest.approx(1 / 4), "one of four ended waits answered within 30 s"
    assert (body["answered"], body["abandoned"], body["cancelled"], body["unavailable"]) == (2, 1, 1, 1)
    assert body["abandonment_rate"] == pytest.approx(1 / 4), "the withdrawn request is not an abandoned call"
    assert body["cancellation_rate"] == pytest.approx(1 / 5)
    assert body["escalations_by_reason"] == {"button": 3, "low_confidence": 1, "missing_mt": 2}
    # the relay's own calls (a language it cannot translate, low confidence) apart from a person's
    assert (body["asked_rate"], body["automatic_rate"]) == (pytest.approx(3 / 7), pytest.approx(3 / 7))
    assert body["dropped"] == 1, "the call whose tablet went away is neither abandoned nor in the rates"
    assert body["confidence_by_language"]["zh"]["mean"] == pytest.approx(0.75)
    assert body["confidence_by_language"]["vi"]["mean"] == pytest.approx(0.85)
    narrow = await (await relay.client.get(f"/api/admin/history?from={seeded.noon - 1.2 * DAY}&to={now}",
                                           headers=relay.auth("admin"))).json()
    assert narrow["sessions_by_language"] == {"pt": 1}
    bad = await relay.client.get("/api/admin/history?from=10&to=5", headers=relay.auth("admin"))
    assert bad.status == 400


async def test_retention_and_purge(relay: Relay) -> None:
    now = time.time()
    seeded = await seed_history(relay.ctx.store, now)
    fresh = await relay.create_session("en")
    retention = await (await relay.client.get("/api/admin/retention", headers=relay.auth("admin"))).json()
    assert retention["retention_days"] == 90 and retention["sessions"] == 8 and retention["due_for_purge"] == 0
    resp = await relay.client.post("/api/admin/purge", headers=relay.auth("admin"), json={"older_than_days": 0})
    assert resp.status == 400
    days = (now - (seeded.noon - 2.5 * DAY)) / DAY  # between three and two days ago
    resp = await relay.client.post("/api/admin/purge", headers=relay.auth("admin"), json={"older_than_days": days})
    assert (await resp.json())["sessions_removed"] == 3
    left = await (await relay.client.get(f"/api/admin/history?from={now - 7 * DAY}&to={now + 60}",
                                         headers=relay.auth("admin"))).json()
    assert left["sessions"] == 5
    assert (await relay.client.get(f"/api/sessions/{fresh['session_id']}", headers=relay.auth("admin"))).status == 200
    audit = await (await relay.client.get("/api/admin/audit?action=purge", headers=relay.auth("admin"))).json()
    assert audit["entries"][0]["detail"] == {"older_than_days": days, "sessions_removed": 3}


async def test_live_overview(relay: Relay) -> None:
    session = await relay.create_session("vi")
    await relay.counter(session)
    await relay.resident(session)
    operator = await relay.connect("operator", relay.tokens["operator"])
    await operator.send(type="operator.state", state="available", languages=["vi"])
    await operator.expect("operator.status", state="available")
    live = await (await relay.client.get("/api/admin/live", headers=relay.auth("admin"))).json()
    counter = next(c for c in live["counters"] if c["session_id"] == session["session_id"])
    assert counter["connected"] == ["counter", "resident"] and counter["resident_lang"] == "vi"
    assert live["connections"] == {"counter": 1, "resident": 1, "operator": 1}
    assert [(o["state"], o["languages"]) for o in live["operators"]] == [("available", ["vi"])]


async def test_the_dashboard_gets_names_beside_the_ids(relay: Relay) -> None:
    """Operators, the operator of a counter, queue entries and audit entries come with the token's name
    and the counter's name; the raw ids stay for IT."""
    operator_id, token = await relay.ctx.auth.add_token("operator", "ベトナム語 通訳 田中")
    session = await relay.create_session("vi", counter="税務課 2番")
    counter = await relay.counter(session)
    console = await relay.connect("operator", token)
    await console.send(type="operator.state", state="away", languages=["vi"])
    await console.expect("operator.status", state="away")
    await counter.send(type="escalate")
    await counter.expect("escalation", state="queued")

    live = await (await relay.client.get("/api/admin/live", headers=relay.auth("admin"))).json()
    assert [(o["operator_id"], o["name"]) for o in live["operators"]] == [(operator_id, "ベトナム語 通訳 田中")]
    assert [(e["session_id"], e["counter"]) for e in live["queue"]] == [(session["session_id"], "税務課 2番")]

    await console.send(type="operator.state", state="available", languages=["vi"])
    await console.expect("escalation", state="offered")
    await console.send(type="accept", session_id=session["session_id"])
    await counter.expect("escalation", state="connected")
    live = await (await relay.client.get("/api/admin/live", headers=relay.auth("admin"))).json()
    served = next(c for c in live["counters"] if c["session_id"] == session["session_id"])
    assert (served["operator"], served["operator_name"]) == (operator_id, "ベトナム語 通訳 田中")

    revoked = await relay.client.post("/api/admin/tokens", headers=relay.auth("admin"),
                                      json={"role": "clerk", "name": "市民課 5番"})
    clerk_id = (await revoked.json())["id"]
    await relay.client.delete(f"/api/admin/tokens/{clerk_id}", headers=relay.auth("admin"))
    audit = (await (await relay.client.get("/api/admin/audit", headers=relay.auth("admin"))).json())["entries"]
    revoke = next(e for e in audit if e["action"] == "token.revoke")
    assert (revoke["actor_role"], revoke["actor_name"]) == ("admin", "test admin")
    assert revoke["detail"]["token_id"] == clerk_id and revoke["names"] == {"token": "市民課 5番"}
    login = next(e for e in audit if e["action"] == "login" and e["actor"] == f"operator:{operator_id}")
    assert login["actor_name"] == "ベトナム語 通訳 田中"
    created = next(e for e in audit if e["action"] == "session.create")
    assert created["names"] == {"counter": "税務課 2番"} and created["actor"].startswith("clerk:")


async def test_a_withdrawn_call_is_counted_apart_from_an_abandoned_one(make_relay: MakeRelay) -> None:
    """Through the relay: a counter that cancels its call is 'cancelled'; a clerk who ends the session while
    it waits gave up: 'abandoned'; a tablet that goes away while it waits (past the reconnect grace) leaves
    nobody waiting: 'dropped' by the relay, not abandoned. The queue's figures and the history agree."""
    relay = await make_relay(queue={"reconnect_grace_s": 0.2})
    withdrawn, closed = await relay.create_session("en"), await relay.create_session("zh")
    gone = await relay.create_session("vi")
    for session in (withdrawn, closed, gone):
        counter = await relay.counter(session)
        await counter.send(type="escalate")
        await counter.expect("escalation", state="queued")
    await counter.close()  # the tablet of the last one goes away
    ended = await relay.client.post(f"/api/sessions/{closed['session_id']}/close", headers=relay.auth("clerk"))
    assert ended.status == 200
    first = await relay.counter(withdrawn)
    await first.send(type="escalation.cancel")
    await first.expect("escalation", state="cancelled")

    async def service() -> dict[str, Any]:
        return dict((await (await relay.client.get("/api/stats", headers=relay.auth("admin"))).json())["service"])

    async def history() -> dict[str, Any]:
        now = time.time()
        return dict(await (await relay.client.get(f"/api/admin/history?from={now - DAY}&to={now + 60}",
                                                  headers=relay.auth("admin"))).json())

    for _ in range(100):  # the queue's tick ends the last wait once the grace is over
        if (await history())["dropped"]:
            break
        await asyncio.sleep(0.1)
    figures = await service()
    assert (figures["cancelled"], figures["abandoned"], figures["dropped"], figures["abandonment_rate"]) == (1, 1, 1, 1.0)
    stored = await history()
    assert (stored["cancelled"], stored["abandoned"], stored["dropped"], stored["abandonment_rate"]) == (1, 1, 1, 1.0)
    assert stored["cancellation_rate"] == pytest.approx(1 / 2)
