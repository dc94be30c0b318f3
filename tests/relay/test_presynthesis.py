"""Phrasebook speech made ahead at start-up must not hold up the counter's live speech, nor fail the relay
when the voice is slow (relay/background/presynthesis.py)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.fakes import FakeSynthesizer, fake_engines
from tests.relay.conftest import MakeRelay


async def _until(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_the_clerk_s_speech_waits_for_one_phrase_made_ahead_not_for_a_whole_language(
        make_relay: MakeRelay) -> None:
    synth = FakeSynthesizer(sentence_delay_s=0.02)  # every phrase takes a while, as Kokoro's do on a busy node
    relay = await make_relay(fake_engines(synthesizer=synth), tts={"max_concurrent": 1})
    await _until(lambda: any(kind == "ahead" for kind, _, _ in synth.log))
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="少々お待ちください")
    await resident.expect("tts.start")
    await next(t for t in relay.ctx.background if t.get_name() == "presynthesis")
    live = next(i for i, (kind, _, _) in enumerate(synth.log) if kind == "live")
    warming = synth.log[live - 1][2]
    later = [entry for entry in synth.log[live + 1:] if entry[0] == "ahead"]
    assert any(lang == warming for _, _, lang in later), (
        f"the live sentence waited until every {warming} phrase was made ahead")


async def test_no_phrase_is_made_ahead_between_the_sentences_of_the_clerk_s_speech(make_relay: MakeRelay) -> None:
    """Each sentence of live speech is its own call to the voice: made ahead in the same queue, a phrase
    slipped in before each one (on a loaded 2-core node a live call passed 30 s). Live speech goes first."""
    synth = FakeSynthesizer(sentence_delay_s=0.02, sentences=3)
    relay = await make_relay(fake_engines(synthesizer=synth), tts={"max_concurrent": 1})
    await _until(lambda: any(kind == "ahead" for kind, _, _ in synth.log))
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="少々お待ちください")
    await resident.expect("tts.end")
    live = next(i for i, (kind, _, _) in enumerate(synth.log) if kind == "live")
    spoken = [kind for kind, _, _ in synth.log[live:]][:4]
    assert spoken == ["live", "sentence", "sentence", "sentence"], f"phrases slipped in: {synth.log[live:live + 8]}"
    await next(t for t in relay.ctx.background if t.get_name() == "presynthesis")


async def test_a_voice_too_slow_to_make_phrases_ahead_stops_the_warming_with_a_warning(
        make_relay: MakeRelay, caplog: pytest.LogCaptureFixture) -> None:
    synth = FakeSynthesizer(sentence_delay_s=0.5)
    caplog.set_level(logging.WARNING)
    relay = await make_relay(fake_engines(synthesizer=synth), relay={"engine_timeout_s": 0.1})
    await next(t for t in relay.ctx.background if t.get_name() == "presynthesis")
    assert [r for r in caplog.records if "pre-synthesis stopped" in r.getMessage()], "IT is told why it stopped"
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL], "a slow voice is no failure of the relay"
