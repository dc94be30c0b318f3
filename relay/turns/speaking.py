"""The speech of a turn: a published translation, synthesised and streamed to those who read it.

The turn pipeline (``relay.turns.pipeline``) hands each published translation to ``TurnSpeech.queue``,
which puts it on the session's speech queue (``relay.turns.speech``: one utterance at a time, in
translation order, with its overflow policy) and returns at once. When its time comes, ``speak``
synthesises it sentence by sentence (starting with the first sentence made at the speaker's pause,
``relay.turns.early``, when it is for this very text) and sends ``tts_start``, the audio frames and
``tts_end`` to the listeners. While a human interpreter is connected, the AI does not speak.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from pipelines.base import AudioChunk, EngineError, Engines, Translation
from relay.runtime.metrics import RelayMetrics
from relay.turns.bridge import Bridge
from relay.turns.early import EarlyTurn, PreparedSpeech
from relay.turns.routing import hears
from relay.turns.session import Participant, Session
from relay.turns.speech import QueuedSpeech
from relay.wire.protocol import Notice, NoticeCode, TranslationMessage, TtsEnd, TtsStart, audio_frame

log = logging.getLogger("madoguchi.turns")

TTS_FRAME_BYTES = 16384


class TurnSpeech:
    """Speaks the translations of one relay's turns (``tts_rates``: the speaking rate per translation kind)."""

    def __init__(self, engines: Engines, bridge: Bridge, metrics: RelayMetrics, tts_rates: dict[str, float]) -> None:
        self.engines = engines
        self.bridge = bridge
        self.metrics = metrics
        self.tts_rates = tts_rates

    def queue(self, session: Session, message: TranslationMessage, t: Translation,
                     early: EarlyTurn | None = None) -> None:
        """Hand the speech of a published translation to the session's speech queue; returns at once."""
        if not self._speaks(session):
            return
        listener = self._listener(session, message)
        if not self.engines.synthesizer.has_voice(message.lang):
            session.send_transient(Notice(
                code=NoticeCode.NO_VOICE, message=f"no voice installed for {message.lang}; text only", lang=message.lang,
            ), listener)
            return

        async def speak() -> None:
            prepared = await early.prepared_speech() if early is not None else None
            await self.speak(session, message, t, prepared)

        def skip() -> None:
            self.metrics.tts_skipped.labels(message.lang).inc()
            session.send_transient(Notice(
                code=NoticeCode.SPEECH_SKIPPED, message="speech fell too far behind the conversation; the text stands",
                lang=message.lang, utterance_id=message.utterance_id,
            ), listener)

        session.speech.put(QueuedSpeech(message.utterance_id, speak, skip))

    @staticmethod
    def _speaks(session: Session) -> bool:
        # while a human interpreter is connected, the AI does not speak over them
        return session.record.tts and session.operator_id is None

    @staticmethod
    def _listener(session: Session, message: TranslationMessage) -> Callable[[Participant], bool]:
        return lambda p: hears(p.role, message, session.resident_lang)

    async def speak(self, session: Session, message: TranslationMessage, t: Translation,
                    prepared: PreparedSpeech | None = None) -> None:
        """Stream speech sentence by sentence to the participants who read this translation (starting
        with ``prepared``, its first sentence synthesised at the speaker's pause, when it is for it).
        Called by the session's speech queue, one utterance at a time."""
        listener = self._listener(session, message)
        if not self._speaks(session) or not any(listener(p) for p in session.participants):
            return  # an interpreter connected meanwhile, or nobody is left to hear it: no synthesis
        rate = self.tts_rates.get(t.kind, 1.0)
        if prepared is not None and not prepared.matches(message.text, message.lang, rate):
            prepared = None
        await self._synthesize(session, message, rate, listener, prepared)

    async def _synthesize(self, session: Session, message: TranslationMessage, rate: float,
                          listener: Callable[[Participant], bool], prepared: PreparedSpeech | None) -> None:
        synth = self.engines.synthesizer
        started = time.perf_counter()
        stream: int | None = None
        try:
            chunk: AudioChunk | None
            if prepared is not None:
                chunks, chunk = prepared.rest, prepared.first
            else:
                # a voice not preloaded loads now, outside engine_timeout_s (a no-op once loaded)
                await self.bridge.load("tts", synth.load_voice, message.lang)
                chunks = await self.bridge.run("tts", synth.synthesize, message.text, message.lang, rate)
                chunk = await self.bridge.next_item("tts", chunks)
            while chunk is not None:
                if session.operator_id is not None:
                    break  # an interpreter connected while the AI was speaking: it stops mid-speech
                if stream is None:
                    self.metrics.observe_stage("tts_first_audio", (time.perf_counter() - started) * 1000)
                    stream = session.new_stream_id()
                    session.send_transient(TtsStart(
                        utterance_id=message.utterance_id, lang=message.lang, sample_rate=chunk.sample_rate,
                        stream=stream,
                    ), listener)
                self._send_audio(session, stream, chunk.pcm, listener)
                self.metrics.tts_audio_seconds.labels(message.lang).inc(len(chunk.pcm) / 2 / chunk.sample_rate)
                chunk = await self.bridge.next_item("tts", chunks)
        except EngineError as exc:
            log.warning("speech synthesis failed", extra={"session": session.id, "error": str(exc)})
            self.metrics.tts_failed.labels(message.lang).inc()  # a notice, not an error sent: not in errors_total
            session.send_transient(Notice(code=NoticeCode.TTS_FAILED, message=str(exc), lang=message.lang), listener)
        if stream is not None:  # also after a failure mid-way: the client plays what came and moves on
            session.send_transient(TtsEnd(utterance_id=message.utterance_id, stream=stream), listener)

    @staticmethod
    def _send_audio(session: Session, stream: int, pcm: bytes, accept: Callable[[Participant], bool]) -> None:
        targets = [p for p in session.participants if accept(p)]
        for offset in range(0, len(pcm), TTS_FRAME_BYTES):
            frame = audio_frame(stream, pcm[offset:offset + TTS_FRAME_BYTES])
            for participant in targets:
                participant.deliver_binary(frame)
