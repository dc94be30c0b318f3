"""Translation started at the speaker's pause, before the recogniser has decided the utterance ended.

When the speaker pauses, the recogniser decodes the utterance so far exactly as its final would be
decoded, and says what the final's text will be if the pause turns out to be the end
(``RecognitionEvent.final_text``). The relay translates that text at once and synthesises the first
sentence of speech, while the endpointer still waits for enough silence (0.5 s after a finished
sentence, 1.2 s after a breath). If the final comes with the same text, speaker, language and target,
the turn uses the translation and the speech already made; if the speaker goes on, the early work is
discarded: it was never stored or sent, so nobody ever sees it.

An early turn never reports an engine failure: the turn of the final translates again and reports it
as it always does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from pipelines.base import EASY_JAPANESE, AudioChunk, EngineError, Engines, Translation
from relay.turns.bridge import Bridge
from relay.turns.session import Session


class PipelineAtPause(Protocol):
    """What an early turn needs of ``relay.turns.pipeline.TurnPipeline`` (which imports this module)."""

    engines: Engines
    bridge: Bridge
    tts_rates: dict[str, float]
    translate_at_pause: bool

    def target_of(self, session: Session, speaker: str, lang: str, text: str | None = None) -> str | None: ...

    async def translate_quietly(self, text: str, source: str, target: str) -> Translation: ...

log = logging.getLogger("madoguchi.turns")


@dataclass
class PreparedSpeech:
    """The first sentence of speech of a translation, synthesised, and the iterator for the rest."""

    text: str
    lang: str
    rate: float
    first: AudioChunk
    rest: Iterator[AudioChunk]

    def matches(self, text: str, lang: str, rate: float) -> bool:
        return (self.text, self.lang, self.rate) == (text, lang, rate)


@dataclass
class EarlyTurn:
    speaker: str
    lang: str
    text: str
    target: str
    discarded: bool = False
    speech: PreparedSpeech | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    # set as soon as the translation exists (None: it failed), before the first sentence is synthesised
    translated: asyncio.Future[Translation | None] | None = field(default=None, repr=False)

    def matches(self, speaker: str, lang: str, text: str, target: str | None) -> bool:
        return not self.discarded and (self.speaker, self.lang, self.text, self.target) == (speaker, lang, text, target)

    def discard(self) -> None:
        """The speaker went on (or left): the early work is dropped. A model call already running in
        its thread cannot be stopped and finishes there, unused, like a call past the engine timeout."""
        self.discarded = True
        self.speech = None
        if self.task is not None:
            self.task.cancel()

    async def translation(self) -> Translation | None:
        """The early translation (waiting for it if it is still being made); None when it failed."""
        if self.translated is None or self.discarded:
            return None
        return await asyncio.shield(self.translated)

    async def prepared_speech(self) -> PreparedSpeech | None:
        """The first sentence of speech (waiting while it is being synthesised); None when there is none."""
        if self.task is not None and not self.discarded:
            await asyncio.wait([self.task])
        return self.speech


class PauseTranslations:
    """The early turn of one recognition stream: started at a pause, claimed by the final or discarded."""

    def __init__(self, pipeline: PipelineAtPause, session: Session) -> None:
        self._pipeline = pipeline
        self._session = session
        self._current: EarlyTurn | None = None

    def on_partial(self, speaker: str, lang: str, final_text: str | None) -> None:
        """A partial: one decoded at a pause (``final_text``) starts an early turn for that text, or
        keeps the one already started for it; any other means the speaker went on."""
        if not self._pipeline.translate_at_pause:
            return
        target = self._pipeline.target_of(self._session, speaker, lang, final_text)
        current = self._current
        if current is not None and final_text is not None and current.matches(speaker, lang, final_text, target):
            return
        self.discard()
        if target is not None and final_text:
            early = self._current = EarlyTurn(speaker, lang, final_text, target)
            early.translated = asyncio.get_running_loop().create_future()
            early.task = asyncio.create_task(_prepare(self._pipeline, self._session, early), name="early-turn")

    def claim(self, speaker: str, lang: str, text: str) -> EarlyTurn | None:
        """The final: the early turn when it was made for exactly this utterance (else it is discarded)."""
        early, self._current = self._current, None
        target = self._pipeline.target_of(self._session, speaker, lang, text)
        if early is not None and early.matches(speaker, lang, text, target):
            return early
        if early is not None:
            early.discard()
        return None

    def discard(self) -> None:
        if self._current is not None:
            self._current.discard()
        self._current = None


async def _prepare(pipeline: PipelineAtPause, session: Session, early: EarlyTurn) -> None:
    """Translate, hand the translation over at once, then synthesise the first sentence."""
    assert early.translated is not None
    translation = None
    try:
        translation = await pipeline.translate_quietly(early.text, early.lang, early.target)
    except EngineError:
        pass  # the final's turn translates again and reports the failure
    except Exception:  # a bug: logged; the final's turn does the work the usual way and meets it there
        log.exception("early translation failed", extra={"session": session.id})
    finally:  # also when cancelled: a turn waiting for it goes on without it
        if not early.translated.done():
            early.translated.set_result(translation)
    if translation is None or early.discarded:
        return
    try:
        early.speech = await _first_sentence(pipeline, session, translation)
    except EngineError:
        pass  # the turn's speech synthesises it again and reports the failure
    except Exception:
        log.exception("early speech failed", extra={"session": session.id})


async def _first_sentence(pipeline: PipelineAtPause, session: Session, t: Translation) -> PreparedSpeech | None:
    """Synthesise the first sentence now, so speech starts as soon as the final confirms the text."""
    lang = "ja" if t.target_lang == EASY_JAPANESE else t.target_lang
    synth = pipeline.engines.synthesizer
    if not session.record.tts or session.operator_id is not None or not synth.has_voice(lang):
        return None
    rate = pipeline.tts_rates.get(t.kind, 1.0)
    await pipeline.bridge.load("tts", synth.load_voice, lang)  # untimed, as in the turn's own speech
    chunks = await pipeline.bridge.run("tts", synth.synthesize, t.text, lang, rate)
    first = await pipeline.bridge.next_item("tts", chunks)
    return None if first is None else PreparedSpeech(t.text, lang, rate, first, chunks)
