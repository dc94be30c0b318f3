"""The relay's suggestion to call an interpreter (``escalation {state: offered}``) only when none is called:
while a call waits, the suggestion would take the place of the call on the tablet and the phone."""

from __future__ import annotations

from tests.fakes import FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay
from tests.relay.test_escalation import FAST_QUEUE


async def test_no_interpreter_is_suggested_while_one_is_called(make_relay: MakeRelay) -> None:
    """An engine fails on the resident's words while the clerk's call waits (nobody at work for English):
    the counter keeps its queued call (and its cancel button); it is not offered to call one again."""
    relay = await make_relay(fake_engines(translator=FakeTranslator(fail=True)), **FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="escalate")
    await counter.expect("escalation", state="queued")
    await counter.send(type="text", speaker="resident", text="How much is it?", lang="en")
    assert (await counter.expect("error"))["code"] == "engine_failed"
    await counter.send(type="text", speaker="clerk", text="はい")  # the next event, after any suggestion
    await counter.expect("transcript", text="はい")
    assert not [m for m in counter.seen if m["type"] == "escalation" and m["state"] == "offered"]


async def test_the_suggestion_comes_again_once_the_call_is_withdrawn(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(translator=FakeTranslator(fail=True)), **FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="escalate")
    await counter.expect("escalation", state="queued")
    await counter.send(type="escalation.cancel")
    await counter.expect("escalation", state="cancelled")
    await counter.send(type="text", speaker="resident", text="How much is it?", lang="en")
    assert (await counter.expect("escalation", state="offered"))["reason"] == "engine_failed"
