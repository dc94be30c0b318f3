"""Sessions and interpreter calls nobody came back to: a tablet's browser closed without 受付終了 must
not leave its session open (/healthz, the dashboard, max_sessions) nor its call in the interpreters'
queue ahead of a counter where someone is waiting. The transcript stays."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.fakes import FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay, Relay
from tests.relay.test_escalation import _operator


async def _status(relay: Relay, session: dict[str, Any]) -> str:
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}", headers=relay.auth("clerk"))
    return str((await resp.json())["status"])


async def test_a_session_whose_tablet_left_is_ended_as_abandoned_and_its_transcript_kept(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"abandoned_after_minutes": 0.01, "idle_session_minutes": 600})  # 0.6 s
    left, staying = await relay.create_session("en"), await relay.create_session("en")
    tablet = await relay.counter(left)
    await tablet.send(type="text", speaker="clerk", text="住所を書いてください")
    await tablet.expect("transcript")
    await tablet.close()  # the browser closed, no 受付終了
    present = await relay.counter(staying)
    for _ in range(200):
        if await _status(relay, left) == "closed":
            break
        await asyncio.sleep(0.1)
    assert await _status(relay, left) == "closed", "ended long before idle_session_minutes"
    assert await _status(relay, staying) == "open" and present.close_code is None
    assert (await (await relay.client.get("/healthz")).json())["sessions_open"] == 1
    audit = await relay.ctx.store.audit_log()
    assert [e["detail"]["session"] for e in audit if e["action"] == "session.abandoned"] == [left["session_id"]]
    metrics = await (await relay.client.get("/metrics")).text()
    assert "madoguchi_sessions_abandoned_total 1.0" in metrics
    transcript = await relay.client.get(f"/api/sessions/{left['session_id']}/transcript?format=txt",
                                        headers=relay.auth("clerk"))
    assert "住所を書いてください" in await transcript.text(), "nothing lost: the transcript stays"


async def test_a_call_made_while_no_tablet_is_connected_leaves_the_queue(make_relay: MakeRelay) -> None:
    """The resident picks a language the relay cannot translate on the phone while the tablet is gone:
    the relay's call for an interpreter is dropped after the reconnect grace, not left waiting ahead of
    counters where someone is."""
    translator = FakeTranslator(missing=[("ja", "ne"), ("ne", "ja")])
    relay = await make_relay(fake_engines(translator=translator),
                             queue={"reconnect_grace_s": 0.2, "max_wait_s": 600.0})
    interpreter = await _operator(relay, languages=("ne",))  # the relay calls by itself only when one covers it
    await interpreter.expect("operator.status", state="available")
    session = await relay.create_session("en")
    phone = await relay.resident(session)
    await phone.send(type="settings", resident_lang="ne")
    assert (await phone.expect("escalation", state="queued"))["reason"] == "missing_mt"
    assert (await phone.expect("escalation", state="cancelled"))["reason"] == "counter_gone"
    queue = await (await relay.client.get("/api/queue", headers=relay.auth("admin"))).json()
    assert queue["entries"] == []
