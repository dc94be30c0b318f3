"""The order of an operator's statuses, on both queue backends: a status built from an older read of the
queue (with Redis, a GET still in flight when the operator's own choice is answered) reaches the console
after that answer, and carries an older ``version``, so the console leaves it unshown."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from relay.escalation.queue import QueueSnapshot
from tests.relay.conftest import MakeRelay, Relay, WsClient

QUEUE = {"offer_timeout_s": 30.0, "reconnect_grace_s": 30.0, "max_wait_s": 120.0, "wrap_up_s": 0.0}


@pytest.fixture(params=["memory", "redis"])
async def queued_relay(request: pytest.FixtureRequest, make_relay: MakeRelay) -> Relay:
    queue: dict[str, Any] = dict(QUEUE, backend=request.param)
    if request.param == "redis":
        queue.update(redis_url=request.getfixturevalue("redis_url"), redis_prefix=f"t:{uuid.uuid4().hex[:8]}")
    return await make_relay(queue=queue)


class HeldRead:
    """The queue's first read that finds ``operator_id`` offered is held back until ``release``: the slow
    read of a status triggered by a change (a Redis round trip on a loaded node), everything else passes."""

    def __init__(self, relay: Relay, operator_id: str) -> None:
        self.backend = relay.ctx.escalation.backend
        self.real = self.backend.snapshot
        self.operator_id = operator_id
        self.holding, self.released = asyncio.Event(), asyncio.Event()
        self.backend.snapshot = self.read  # type: ignore[method-assign]

    async def read(self) -> QueueSnapshot:
        snapshot = await self.real()
        offered = any(o.operator_id == self.operator_id and o.state == "offered" for o in snapshot.operators)
        if offered and not self.holding.is_set():
            self.holding.set()
            await self.released.wait()
        return snapshot


async def _signed_in(relay: Relay, name: str) -> tuple[str, WsClient]:
    operator_id, token = await relay.ctx.auth.add_token("operator", name)
    ws = await relay.connect("operator", token)
    await ws.expect("operator.status", state="offline")
    await ws.send(type="operator.state", state="available", languages=["en"], client_id="state-1")
    await ws.expect("operator.status", state="available", client_id="state-1")
    return operator_id, ws


async def test_a_status_read_before_the_operator_s_choice_is_older_than_its_answer(queued_relay: Relay) -> None:
    relay = queued_relay
    mai, operator = await _signed_in(relay, "mai")
    held = HeldRead(relay, mai)
    counter = await relay.counter(await relay.create_session("en"))
    await counter.send(type="escalate")
    await asyncio.wait_for(held.holding.wait(), 10)  # the status of "offered" has read the queue, not sent yet

    # the interpreter steps away and adds a language before that status arrives
    await operator.send(type="operator.state", state="away", languages=["en", "vi"], client_id="state-2")
    answer = await operator.expect("operator.status", client_id="state-2")
    assert (answer["state"], answer["languages"]) == ("away", ["en", "vi"])
    held.released.set()

    stale = await operator.expect("operator.status", state="offered")  # arrives after the answer
    assert stale["languages"] == ["en"]
    assert stale["version"] < answer["version"], "the console would show the older status over its answer"
    later = await operator.expect("operator.status", state="away")
    assert later["version"] >= answer["version"]
    mine = next(o for o in (await relay.ctx.escalation.backend.snapshot()).operators if o.operator_id == mai)
    assert (mine.state, mine.languages) == ("away", ("en", "vi"))


async def test_every_status_carries_a_version_that_grows_with_each_change(queued_relay: Relay) -> None:
    relay = queued_relay
    _, operator = await _signed_in(relay, "kenji")
    versions = []
    for n, state in enumerate(["away", "available", "away"], start=2):
        await operator.send(type="operator.state", state=state, languages=["en"], client_id=f"state-{n}")
        versions.append((await operator.expect("operator.status", client_id=f"state-{n}"))["version"])
    assert versions == sorted(versions) and len(set(versions)) == 3
