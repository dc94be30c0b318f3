"""While no operator queue runs (before start-up, during shutdown) the relay works on with the
do-nothing stand-in (relay.context.NoEscalation): turns go on, requests for an interpreter are refused
with invalid_state and the connection stays, the queue reads empty."""

from __future__ import annotations

from tests.relay.conftest import Relay


async def test_without_a_queue_the_counter_goes_on_and_an_escalation_is_refused(relay: Relay) -> None:
    service = relay.ctx.escalation
    relay.ctx.escalation_slot.unplug()
    try:
        session = await relay.create_session("en")
        counter = await relay.counter(session)
        await counter.send(type="escalate")
        error = await counter.expect("error")
        assert error["code"] == "invalid_state" and not error["fatal"]
        await counter.send(type="text", speaker="clerk", text="こんにちは")
        await counter.expect("translation", lang="en")  # the connection stayed, the turn ran
        health = await (await relay.client.get("/healthz")).json()
        assert health["queue"] == "none"
        queue = await (await relay.client.get("/api/queue", headers=relay.auth("admin"))).json()
        assert (queue["entries"], queue["operators"]) == ([], [])
    finally:
        relay.ctx.escalation_slot.plug(service)
