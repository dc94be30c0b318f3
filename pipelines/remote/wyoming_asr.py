"""Speech recognition on Wyoming servers (``wyoming-faster-whisper``), endpointing and partials on the relay.

The relay's own streaming state machine (``pipelines.asr.stream.WhisperStream``: local VAD, endpointer,
partial cadence, agreement, glossary correction) runs unchanged; only its ``Decoder`` is remote. Each
decode sends the utterance so far as one Wyoming transcription (``transcribe``, ``audio-start``,
``audio-chunk``…, ``audio-stop``) and reads the ``transcript``: a partial re-sends the utterance so far at
the ``[remote] asr_partial_interval_s`` cadence (longer than the in-process one by default: the server
decodes a whole 30 s window for each), a final the whole utterance.

What the Wyoming protocol cannot carry, and how we cope:
- the committed prefix that the in-process decoder forces: the server decodes the whole utterance again,
  so its text replaces the partial (the agreement still steadies what the clerk sees);
- the language probabilities: with one allowed language it is sent as the ``language``; with several the
  server identifies it, and the transcript's script tells Japanese from the resident's language;
- decoder scores: the transcript has none, so confidence and the hallucination guards work from the text
  alone (``avg_logprob`` reported as 0, compression ratio computed here).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event
from wyoming.info import Describe, Info

from pipelines.asr.config import AsrConfig
from pipelines.asr.decoder import Context, Hypothesis, compression_ratio
from pipelines.asr.recognizer import WhisperRecognizer, glossary_hints
from pipelines.base import EngineStatus
from pipelines.languages import JAPANESE
from pipelines.remote.config import RemoteConfig
from pipelines.remote.servers import RemoteFailure, ServerPool
from pipelines.remote.wyoming_link import connect, exchange, parse_tcp
from pipelines.remote.wyoming_stream import RemoteWhisperStream

RATE = 16000
CHUNK_SAMPLES = 4096  # ~0.26 s per audio-chunk event, as Home Assistant satellites send


def looks_japanese(text: str) -> bool:
    """Kana or kanji anywhere: Whisper writes Japanese in them and no resident language uses them."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def pcm16(audio: np.ndarray) -> bytes:
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


class WyomingDecoder:
    """``pipelines.asr.decoder.Decoder`` over a pool of Wyoming ASR servers; thread-safe."""

    def __init__(self, pool: ServerPool) -> None:
        self.pool = pool

    def decode(self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int,
               max_new_tokens: int, context: Context | None = None) -> Hypothesis:
        started = time.perf_counter()
        asked = languages[0] if len(languages) == 1 else None
        text = self.pool.call(lambda address: self._transcribe(address, pcm16(audio), asked)).strip()
        lang = asked or self._language_of(text, languages)
        return Hypothesis(text=text, lang=lang, language_probability=1.0 if asked else 0.9, avg_logprob=0.0,
                          no_speech_prob=0.0, compression_ratio=compression_ratio(text),
                          decode_ms=(time.perf_counter() - started) * 1000.0, tokens=len(text.split()))

    def _transcribe(self, address: str, pcm: bytes, language: str | None) -> str:
        c = self.pool.config
        events: list[Event] = [Transcribe(language=language).event(),
                               AudioStart(rate=RATE, width=2, channels=1).event()]
        step = CHUNK_SAMPLES * 2
        events += [AudioChunk(rate=RATE, width=2, channels=1, audio=pcm[i:i + step]).event()
                   for i in range(0, len(pcm), step)]
        events.append(AudioStop().event())
        with connect(address, c.connect_timeout_s, c.request_timeout_s) as stream:
            answer = exchange(stream, events, lambda e: Transcript.is_type(e.type), c.request_timeout_s)
        return Transcript.from_event(answer[-1]).text or ""

    @staticmethod
    def _language_of(text: str, languages: Sequence[str]) -> str:
        others = [lang for lang in languages if lang != JAPANESE]
        if JAPANESE in languages and (looks_japanese(text) or not others):
            return JAPANESE
        return others[0] if others else languages[0]


def describe(address: str, config: RemoteConfig) -> Info:
    """The server's ``info`` (its programs, models, voices): the health probe of both Wyoming engines."""
    with connect(address, config.connect_timeout_s, config.request_timeout_s) as stream:
        answer = exchange(stream, [Describe().event()], lambda e: Info.is_type(e.type), config.request_timeout_s)
    return Info.from_event(answer[-1])


def asr_languages(info: Info) -> set[str]:
    languages = {lang.split("_")[0] for program in info.asr for model in program.models for lang in model.languages}
    if not languages:
        raise RemoteFailure("not a speech-recognition server (its info lists no ASR model)")
    return languages


class WyomingRecognizer(WhisperRecognizer):
    """The relay's streaming recogniser whose decodes run on Wyoming servers."""

    stream_class = RemoteWhisperStream  # partials never hold up the pause (pipelines.remote.wyoming_stream)

    def __init__(self, pool: ServerPool, config: AsrConfig, languages: Sequence[str]) -> None:
        self.pool_decoder = WyomingDecoder(pool)
        super().__init__(self.pool_decoder, config, languages=languages, hints=glossary_hints(config))
        self.pool = pool

    def status(self) -> EngineStatus:
        ready, detail = self.pool.health()
        return EngineStatus(name="asr", ready=ready, detail=f"Wyoming ASR: {detail}",
                            models=tuple(s.address for s in self.pool.servers), languages=self._languages)


def load_wyoming_recognizer(asr: AsrConfig, remote: RemoteConfig, models_dir: Path) -> WyomingRecognizer:
    """Never fails for a server that is down at start-up: it is reported in ``status`` and retried."""
    for address in remote.asr_servers:
        parse_tcp(address)  # a typo in the address is a configuration error, said at once
    pool = ServerPool("asr", list(remote.asr_servers), remote)
    # a re-sent utterance costs the server a whole window: the remote cadence, not the in-process one
    asr = replace(asr, partial_interval_s=remote.asr_partial_interval_s or math.inf)
    languages: set[str] = set()
    pool.probe(lambda address: languages.update(asr_languages(describe(address, remote))))
    from pipelines.languages import DEFAULT_RESIDENT_LANGUAGES

    known = sorted(languages) or sorted({JAPANESE, *DEFAULT_RESIDENT_LANGUAGES})
    return WyomingRecognizer(pool, asr, known)
