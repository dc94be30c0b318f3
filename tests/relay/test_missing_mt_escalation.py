"""The relay's own call for a language it cannot translate: made at once when an interpreter who covers the
language is at work, never for a language nobody covers (the clerk's own call still waits)."""

from __future__ import annotations

from tests.fakes import FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay
from tests.relay.test_escalation import FAST_QUEUE, _operator


async def test_language_without_mt_escalates_at_once(make_relay: MakeRelay) -> None:
    translator = FakeTranslator(missing=[("ja", "ne"), ("ne", "ja")])
    relay = await make_relay(fake_engines(translator=translator), **FAST_QUEUE)
    operator = await _operator(relay, languages=("ne",))
    await operator.expect("operator.status", state="available")
    session = await relay.create_session("ne")
    counter = await relay.counter(session)
    queued = await counter.expect("escalation", state="queued")
    assert queued["reason"] == "missing_mt"


async def test_no_interpreter_is_called_by_itself_for_a_language_nobody_covers(make_relay: MakeRelay) -> None:
    """A language without MT and no interpreter at work for it: the relay calls nobody by itself (neither at
    the start nor when a sentence fails to translate), but the clerk's own call still waits."""
    translator = FakeTranslator(missing=[("ja", "vi"), ("vi", "ja")])
    relay = await make_relay(fake_engines(translator=translator), **FAST_QUEUE)
    operator = await _operator(relay, languages=("en",))  # at work, but not for Vietnamese
    await operator.expect("operator.status", state="available")
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="住所を変えたいのですね")
    await counter.expect("untranslated")
    await counter.send(type="escalate")
    queued = await counter.expect("escalation", state="queued")
    assert queued["reason"] == "button" and queued["covered"] is False, "the first call is the clerk's own"
    rows = await relay.ctx.store.escalations(session["session_id"])
    assert [row["reason"] for row in rows if row["state"] == "requested"] == ["button"]
