"""Speech output as IT configures and watches it: the backlog of speech a session may hold
(``[relay] speech_backlog``), the metrics of speech that failed, and a voice loaded at its first use
(``[tts] preload = false``) that must not count its load against ``engine_timeout_s``."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from pipelines.base import AudioChunk, Translation
from pipelines.priority import thread_nice
from tests.fakes import FakeSynthesizer, FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay, Relay
from tests.relay.test_speech_queue import speech_log, spoken_in_order, wait_until


async def metrics_text(relay: Relay, needle: str) -> str:
    text = ""
    for _ in range(100):  # speech ends just after its last frame is sent
        text = await (await relay.client.get("/metrics")).text()
        if needle in text:
            break
        await asyncio.sleep(0.05)
    return text


async def test_the_speech_backlog_is_the_configured_number_of_waiting_utterances(make_relay: MakeRelay) -> None:
    hold = threading.Event()
    synth = FakeSynthesizer(voices=("vi",), sentences=1, hold=hold)
    relay = await make_relay(fake_engines(synthesizer=synth), relay={"speech_backlog": 1})
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    ids = []
    try:
        for text in ("一つ目です", "二つ目です", "三つ目です"):  # one spoken, one may wait: the third pushes out the second
            await counter.send(type="text", speaker="clerk", text=text)
            ids.append((await resident.expect("translation", kind="translation"))["utterance_id"])
            await wait_until(lambda: synth.requests)
        notice = await resident.expect("notice", code="speech_skipped")
        assert notice["utterance_id"] == ids[1]
    finally:
        hold.set()
    log = await speech_log(resident, ends=2)
    assert spoken_in_order(log) == [ids[0], ids[2]]
    text = await metrics_text(relay, "madoguchi_tts_skipped_total{")
    assert 'madoguchi_tts_skipped_total{lang="vi"} 1.0' in text


class BuggySynthesizer(FakeSynthesizer):
    """Its first utterance's speech meets a bug (not an engine failure); the next ones are spoken."""

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        if not self.requests:
            self.requests.append((text, lang, rate))
            raise KeyError("a bug in speech")
        return super().synthesize(text, lang, rate)


async def test_speech_failures_are_counted_once_each_by_kind(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(synthesizer=BuggySynthesizer(voices=("vi",), sentences=1)))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    for text in ("一つ目です", "二つ目です"):
        await counter.send(type="text", speaker="clerk", text=text)
    await speech_log(resident, ends=1)  # the second is spoken after the first one's bug
    text = await metrics_text(relay, 'madoguchi_background_failures_total{task="speech"}')
    assert 'madoguchi_background_failures_total{task="speech"} 1.0' in text

    failing = await make_relay(fake_engines(synthesizer=FakeSynthesizer(voices=("vi",), fail=True)))
    session = await failing.create_session("vi")
    counter, resident = await failing.counter(session), await failing.resident(session)
    for text in ("一つ目です", "二つ目です"):
        await counter.send(type="text", speaker="clerk", text=text)
        await resident.expect("notice", code="tts_failed")
    text = await metrics_text(failing, "madoguchi_tts_failed_total{")
    assert 'madoguchi_tts_failed_total{lang="vi"} 2.0' in text
    # a notice to the listener, not an error sent to a client: errors_total stays for errors
    assert 'madoguchi_errors_total{code="engine_failed"}' not in text


async def test_a_voice_loaded_at_first_use_does_not_time_out_its_first_utterance(make_relay: MakeRelay) -> None:
    # the voice takes three times engine_timeout_s to load; each sentence is quick once it is loaded
    synth = FakeSynthesizer(voices=("vi",), sentences=2, load_delay_s=1.5)
    relay = await make_relay(fake_engines(synthesizer=synth), relay={"engine_timeout_s": 0.5})
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="住所を書いてください")
    translation = await resident.expect("translation", kind="translation")
    log = await speech_log(resident, ends=1)
    assert spoken_in_order(log) == [translation["utterance_id"]]
    assert [kind for kind, _ in log].count("audio") >= 2, "both sentences were spoken"
    assert not any(kind == "notice" for kind, _ in log), "no tts_failed for the first utterance"
    assert synth.loaded == {"vi"}


class PriorityNotingSynthesizer(FakeSynthesizer):
    """Notes the CPU priority (nice) of the thread that synthesises each sentence."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.nice: list[int] = []

    def _sentences(self, lang: str) -> Iterator[AudioChunk]:
        for chunk in super()._sentences(lang):
            self.nice.append(thread_nice())
            yield chunk


class PriorityNotingTranslator(FakeTranslator):
    def __init__(self) -> None:
        super().__init__()
        self.nice: list[int] = []

    def translate(self, text: str, source: str, target: str) -> Translation:
        self.nice.append(thread_nice())
        return super().translate(text, source, target)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="nice is per thread on Linux only")
@pytest.mark.parametrize("nice", [7, 0])
async def test_speech_is_synthesised_at_the_configured_lower_cpu_priority(make_relay: MakeRelay, nice: int) -> None:
    # on a busy node the kernel runs the translation (and the recogniser) before speech: ps shows the
    # synthesis threads at [tts] nice above the relay's own; 0 keeps them level
    synth, translator = PriorityNotingSynthesizer(voices=("vi",), sentences=2), PriorityNotingTranslator()
    relay = await make_relay(fake_engines(synthesizer=synth, translator=translator), tts={"nice": nice})
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="こちらにお名前を書いてください")
    await resident.expect("tts.end")
    own = thread_nice()
    assert translator.nice and set(translator.nice) == {own}
    assert synth.nice and set(synth.nice) == {min(19, own + nice)}
