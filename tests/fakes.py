"""Fake engines with knobs, for unit tests of the relay only (real engines have their own tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence

from pipelines.base import (
    EASY_JAPANESE,
    AudioChunk,
    EngineError,
    Engines,
    EngineStatus,
    EngineUnavailable,
    RecognitionEvent,
    Recognizer,
    RubySpan,
    Synthesizer,
    SynthesizerCapabilities,
    Translation,
    Translator,
)

HOLD_LIMIT_S = 30.0


class FakeRecognizerStream:
    """Each utterance (audio.start … audio.stop, or ``utterance_bytes`` of audio) yields the next scripted
    transcript: a partial once half a second of audio has arrived, the final at its end."""

    def __init__(self, owner: FakeRecognizer, languages: Sequence[str], sample_rate: int) -> None:
        self.owner, self.languages, self.sample_rate = owner, list(languages), sample_rate
        self.buffered = 0
        self.partial_sent = False

    def insert_audio(self, pcm: bytes) -> None:
        self.buffered += len(pcm)
        self.owner.audio_bytes += len(pcm)

    def process(self, partials: bool = True) -> list[RecognitionEvent]:
        self.owner.wait_or_fail()
        events: list[RecognitionEvent] = []
        if not self.partial_sent and self.buffered >= self.sample_rate:  # 0.5 s of s16le
            lang, text = self.owner.peek()
            lang = self.owner.partial_lang or lang  # an early guess at the language, which the final corrects
            events.append(RecognitionEvent("partial", text[: max(1, len(text) // 2)] or "…", self._lang(lang)))
            self.partial_sent = True
        # the endpointer closes an utterance every ``utterance_bytes``; audio beyond it starts the next
        while self.owner.utterance_bytes and self.buffered >= self.owner.utterance_bytes:
            events.append(self._final())
            self.buffered -= self.owner.utterance_bytes
        return events

    def finish(self) -> list[RecognitionEvent]:
        self.owner.wait_or_fail()
        events = [self._final()] if self.buffered and self.owner.final_on_finish else []
        self.buffered = 0
        return events

    def _lang(self, lang: str) -> str:
        return lang if lang in self.languages else self.languages[0]

    def _final(self) -> RecognitionEvent:
        lang, text = self.owner.take()
        self.partial_sent = False
        details = {"avg_logprob": -0.3, "no_speech_prob": 0.01}
        if not text:  # what the recogniser's guard does with what it will not show: why, in its details
            details["dropped"] = self.owner.dropped
        return RecognitionEvent("final", text, self._lang(lang), confidence=self.owner.confidence,
                                details=details, timings={"decode_ms": 1.0})


class FakeRecognizer:
    def __init__(self, transcripts: Sequence[tuple[str, str]] = (("ja", "こんにちは"),), *, delay: float = 0.0,
                 fail: bool = False, confidence: float = 0.9, utterance_bytes: int = 0,
                 dropped: float = 1.0, final_on_finish: bool = True, partial_lang: str | None = None) -> None:
        """An empty transcript is a final the guard dropped, ``dropped`` its reason's code (GUARD_CODES);
        ``final_on_finish=False``: audio.stop ends the stream with no final for what was shown;
        ``partial_lang``: the language every partial is heard in (a wrong early guess), not the final's."""
        self.transcripts = list(transcripts)
        self.partial_lang = partial_lang
        self.dropped, self.final_on_finish = dropped, final_on_finish
        self.delay, self.fail, self.confidence = delay, fail, confidence
        self.utterance_bytes = utterance_bytes
        self.audio_bytes = 0
        self.streams: list[FakeRecognizerStream] = []
        self._lock = threading.Lock()
        self._index = 0

    def status(self) -> EngineStatus:
        return EngineStatus("asr", True, "fake recognizer", languages=())

    def new_stream(self, languages: Sequence[str], sample_rate: int) -> FakeRecognizerStream:
        if not 8000 <= sample_rate <= 48000:
            raise ValueError(f"unsupported sample rate {sample_rate}")
        stream = FakeRecognizerStream(self, languages, sample_rate)
        self.streams.append(stream)
        return stream

    def wait_or_fail(self) -> None:
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            raise EngineError("fake recognizer failure")

    def peek(self) -> tuple[str, str]:
        return self.transcripts[self._index % len(self.transcripts)]

    def take(self) -> tuple[str, str]:
        with self._lock:
            item = self.peek()
            self._index += 1
            return item


class FakeTranslator:
    """Translates by tagging: ``[vi] こんにちは``; a pair in ``missing`` is not installed."""

    def __init__(self, *, delay: float = 0.0, fail: bool = False, confidence: float = 0.8,
                 missing: Sequence[tuple[str, str]] = ()) -> None:
        self.delay, self.fail, self.confidence = delay, fail, confidence
        self.missing = set(missing)
        self.calls: list[tuple[str, str, str]] = []

    def status(self) -> EngineStatus:
        return EngineStatus("mt", True, "fake translator")

    def supports(self, source: str, target: str) -> bool:
        return (source, target) not in self.missing

    def translate(self, text: str, source: str, target: str) -> Translation:
        self.calls.append((text, source, target))
        if self.delay:
            time.sleep(self.delay)
        if not self.supports(source, target):
            raise EngineUnavailable(f"no model {source}→{target}")
        if self.fail:
            raise EngineError("fake translator failure")
        return Translation(f"[{target}] {text}", source, target, "translation", self.confidence)


class PhrasebookOnlyTranslator(FakeTranslator):
    """As the real translator with no model for ``langs`` (the README's default install): the built-in
    phrasebook's fixed phrases translate, anything else raises ``EngineUnavailable``."""

    def __init__(self, langs: Sequence[str]) -> None:
        super().__init__(missing=[pair for lang in langs for pair in (("ja", lang), (lang, "ja"))])
        from pipelines.phrasebook import load_phrasebook
        self.phrasebook = load_phrasebook()

    def translate(self, text: str, source: str, target: str) -> Translation:
        found = self.phrasebook.lookup(text, target, source)
        translated = found.entry.text(target) if found is not None else None
        if translated is None:
            return super().translate(text, source, target)
        return Translation(translated, source, target, "phrasebook", 1.0)


class FakeEasyJapanese:
    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail

    def status(self) -> EngineStatus:
        return EngineStatus("easy_japanese", True, "fake rewriter")

    def supports(self, source: str, target: str) -> bool:
        return (source, target) == ("ja", EASY_JAPANESE)

    def translate(self, text: str, source: str, target: str) -> Translation:
        if self.fail:
            raise EngineError("fake rewriter failure")
        easy = f"やさしい:{text}"
        return Translation(easy, "ja", "ja", "easy_japanese", 0.9, ruby=(RubySpan(0, 1, "や"),))


class FakeSynthesizer:
    def __init__(self, *, voices: Sequence[str] = ("ja", "vi", "en"), sample_rate: int = 22050,
                 sentences: int = 2, fail: bool = False, sentence_delay_s: float = 0.0,
                 presynthesize: bool = True, hold: threading.Event | None = None, load_delay_s: float = 0.0) -> None:
        self.voices, self.rate_hz, self.sentences, self.fail = set(voices), sample_rate, sentences, fail
        # a voice not preloaded: its first use (load_voice, or else the first sentence) takes this long
        self.load_delay_s = load_delay_s
        self.loaded: set[str] = set()
        self._load_lock = threading.Lock()
        # each sentence waits until ``hold`` is set: a synthesizer that stays busy as long as a test needs
        # (HOLD_LIMIT_S at most, so a failing test never leaves a worker thread stuck)
        self.hold = hold
        self.capabilities = SynthesizerCapabilities(presynthesize=presynthesize)
        self.sentence_delay_s = sentence_delay_s  # time per sentence, so that two utterances overlap
        self.requests: list[tuple[str, str, float]] = []
        self.presynthesized: list[tuple[str, str]] = []
        # ("ahead" | "live", text, lang) in the order begun, and ("sentence", "", lang) as each live one is made
        self.log: list[tuple[str, str, str]] = []

    def status(self) -> EngineStatus:
        return EngineStatus("tts", True, "fake synthesizer", languages=tuple(sorted(self.voices)))

    def has_voice(self, lang: str) -> bool:
        return lang in self.voices

    def sample_rate(self, lang: str) -> int:
        return self.rate_hz

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        made = 0
        for text in texts:
            time.sleep(self.sentence_delay_s)
            self.presynthesized.append((text, lang))
            self.log.append(("ahead", text, lang))
            made += 1
        return made

    def load_voice(self, lang: str) -> None:
        if lang not in self.voices:
            raise EngineUnavailable(f"no voice for {lang}")
        with self._load_lock:
            if lang not in self.loaded:
                time.sleep(self.load_delay_s)
                self.loaded.add(lang)

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        if lang not in self.voices:
            raise EngineUnavailable(f"no voice for {lang}")
        self.requests.append((text, lang, rate))
        self.log.append(("live", text, lang))
        return self._sentences(lang)

    def _sentences(self, lang: str) -> Iterator[AudioChunk]:
        self.load_voice(lang)  # as the real voices: loaded by the first sentence when nobody loaded it before
        for _ in range(self.sentences):
            if self.fail:
                raise EngineError("fake synthesizer failure")
            time.sleep(self.sentence_delay_s)
            if self.hold is not None:
                self.hold.wait(HOLD_LIMIT_S)
            self.log.append(("sentence", "", lang))
            yield AudioChunk(b"\x01\x00" * (self.rate_hz // 10), self.rate_hz)


def fake_engines(*, recognizer: Recognizer | None = None, translator: Translator | None = None,
                 synthesizer: Synthesizer | None = None, easy_japanese: Translator | None = None) -> Engines:
    """Fakes in every slot not given. mypy checks this module (``[tool.mypy] files``): each fake must
    satisfy its engine Protocol as it is, with no ``type: ignore``."""
    return Engines(
        recognizer=recognizer or FakeRecognizer(),
        translator=translator or FakeTranslator(),
        synthesizer=synthesizer or FakeSynthesizer(),
        easy_japanese=easy_japanese or FakeEasyJapanese(),
    )
