"""Translation started at the speaker's pause: used when the pause was the end of the utterance, never
seen when the speaker goes on. The recogniser is scripted: each decode step gives the next events."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence

from pipelines.base import AudioChunk, EngineStatus, RecognitionEvent, Translation
from relay.wire.protocol import parse_audio_frame
from tests.fakes import FakeSynthesizer, FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay, WsClient, pcm_silence

Step = Callable[[], list[RecognitionEvent]]


def partial(text: str, final_text: str | None = None) -> Step:
    return lambda: [RecognitionEvent("partial", text, "ja", 0.9, final_text=final_text)]


def final(text: str, wait_for: Callable[[], bool] = lambda: True, wait_s: float = 5.0) -> Step:
    def step() -> list[RecognitionEvent]:
        deadline = time.monotonic() + wait_s  # the endpointer's silence, during which the early work runs
        while not wait_for() and time.monotonic() < deadline:
            time.sleep(0.01)
        return [RecognitionEvent("final", text, "ja", 0.9)]
    return step


class ScriptedStream:
    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = list(steps)

    def insert_audio(self, pcm: bytes) -> None:
        pass

    def process(self, partials: bool = True) -> list[RecognitionEvent]:
        return self.steps.pop(0)() if self.steps else []

    def finish(self) -> list[RecognitionEvent]:
        return [event for step in self.steps for event in step()]


class ScriptedRecognizer:
    def __init__(self, steps: Sequence[Step]) -> None:
        self.steps = steps

    def status(self) -> EngineStatus:
        return EngineStatus("asr", True, "scripted")

    def new_stream(self, languages: Sequence[str], sample_rate: int) -> ScriptedStream:
        return ScriptedStream(self.steps)


class CountingTranslator(FakeTranslator):
    """Numbers its translations, so the screen shows which call made the one it got."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()

    def translate(self, text: str, source: str, target: str) -> Translation:
        t = super().translate(text, source, target)
        self.started.set()
        return Translation(f"{t.text} #{len(self.calls)}", source, target, t.kind, t.confidence)


def to_resident(translator: CountingTranslator) -> list[str]:
    return [text for text, _source, target in translator.calls if target == "vi"]


async def speak(counter: WsClient, chunks: int) -> None:
    """One decode step per chunk: each chunk waits for the previous step's partial, so that the relay
    sees the events step by step as it would live; audio.stop gives the rest (the final)."""
    await counter.send(type="audio.start", speaker="clerk", sample_rate=16000)
    for _ in range(chunks):
        await counter.send_raw(pcm_silence(0.5))
        await counter.expect("partial")
    await counter.send(type="audio.stop")


async def test_the_translation_started_at_the_pause_is_the_one_shown_when_the_pause_was_the_end(
        make_relay: MakeRelay) -> None:
    translator, synth = CountingTranslator(), FakeSynthesizer(voices=("vi",), sentences=2)
    said = "転入届を出してください。"
    steps = [partial("転入届を"), partial("転入届を出してください", final_text=said),
             final(said, wait_for=lambda: bool(synth.requests))]
    relay = await make_relay(fake_engines(recognizer=ScriptedRecognizer(steps), translator=translator,
                                          synthesizer=synth))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await speak(counter, 2)
    shown = await resident.expect("translation", kind="translation")
    assert shown["text"] == f"[vi] {said} #1"  # the pause's translation, not a second one
    assert to_resident(translator) == [said]
    start = await resident.expect("tts.start")
    await resident.expect("tts.end")
    # its first sentence was synthesised before the final came, once, and all of it was spoken
    assert synth.requests == [(shown["text"], "vi", 1.0)]
    spoken = [pcm for stream, pcm in map(parse_audio_frame, resident.binary) if stream == start["stream"]]
    assert len(spoken) == synth.sentences


async def test_a_translation_started_at_a_pause_never_reaches_the_resident_when_the_speaker_goes_on(
        make_relay: MakeRelay) -> None:
    translator = CountingTranslator()
    steps = [partial("転入届を", final_text="転入届を。"),
             lambda: (translator.started.wait(5), partial("転入届を出してください")())[1],
             final("転入届を出してください。")]
    relay = await make_relay(fake_engines(recognizer=ScriptedRecognizer(steps), translator=translator))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await speak(counter, 2)
    shown = await resident.expect("translation", kind="translation")
    assert shown["text"].startswith("[vi] 転入届を出してください。")
    assert "転入届を。" in to_resident(translator)  # it was translated at the pause …
    await counter.expect("translation", kind="back_translation")
    seen = [m["text"] for m in resident.seen + counter.seen if m["type"] == "translation"]
    assert not any("転入届を。" in text for text in seen)  # … and nobody ever saw it


async def test_an_early_translation_is_not_used_for_a_final_with_other_words(make_relay: MakeRelay) -> None:
    translator = CountingTranslator()
    steps = [partial("転入届", final_text="転入届。"), final("転入届を出します。", wait_for=translator.started.is_set)]
    relay = await make_relay(fake_engines(recognizer=ScriptedRecognizer(steps), translator=translator))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await speak(counter, 1)
    shown = await resident.expect("translation", kind="translation")
    assert shown["text"].startswith("[vi] 転入届を出します。")


async def test_translating_at_the_pause_can_be_turned_off(make_relay: MakeRelay) -> None:
    translator = CountingTranslator()
    said = "転入届を出してください。"
    steps = [partial("転入届を出してください", final_text=said), final(said, translator.started.is_set, wait_s=0.5)]
    relay = await make_relay(fake_engines(recognizer=ScriptedRecognizer(steps), translator=translator),
                             relay={"translate_at_pause": False})
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await speak(counter, 1)
    assert not translator.started.is_set()  # nothing was translated before the final came
    shown = await resident.expect("translation", kind="translation")
    assert shown["text"] == f"[vi] {said} #1"


class HeldSynthesizer(FakeSynthesizer):
    """Its first sentence takes until the test lets it go."""

    def __init__(self) -> None:
        super().__init__(voices=("vi",))
        self.held, self.release = threading.Event(), threading.Event()

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        self.held.set()
        self.release.wait(10)
        yield from super().synthesize(text, lang, rate)


async def test_the_early_translation_is_shown_without_waiting_for_its_speech(make_relay: MakeRelay) -> None:
    translator, synth = CountingTranslator(), HeldSynthesizer()
    said = "在留カードを見せてください。"
    steps = [partial("在留カードを見せてください", final_text=said), final(said, wait_for=synth.held.is_set)]
    relay = await make_relay(fake_engines(recognizer=ScriptedRecognizer(steps), translator=translator,
                                          synthesizer=synth))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await speak(counter, 1)
    shown = await resident.expect("translation", kind="translation", wait_s=5)  # the speech is still held
    assert shown["text"] == f"[vi] {said} #1"
    synth.release.set()
    await resident.expect("tts.end")
    assert len(synth.requests) == 1  # the held first sentence was the one spoken, not a second synthesis
