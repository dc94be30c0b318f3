"""The Piper synthesiser: one voice per language, one PCM chunk per sentence, cached by sentence.

Thread safety: the relay pulls chunks through worker threads, so a stream's ``next()`` may run on a
different thread each time and several sessions may synthesise at once. ``onnxruntime`` sessions allow
concurrent ``run`` calls, piper guards its espeak-ng bridge with its own lock and pyopenjtalk-plus guards
its OpenJTalk instance; what is ours to guard is lazy voice loading and the cache.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator

import numpy as np
import onnxruntime
from piper import PiperConfig, PiperVoice, SynthesisConfig

from pipelines.base import AudioChunk, EngineError, EngineStatus, EngineUnavailable, SynthesizerCapabilities
from pipelines.lru import CacheStats, LruCache
from pipelines.priority import made_lowered
from pipelines.tts.config import TtsConfig
from pipelines.tts.phonemize import Phonemizer, phonemizer_for
from pipelines.tts.sentences import split_sentences
from pipelines.tts.voices import VoiceInfo

log = logging.getLogger(__name__)

_INT16_MAX = 32767
MIN_RATE = 0.25
MAX_RATE = 4.0


def session_options(threads: int) -> onnxruntime.SessionOptions:
    """ONNX options for a voice: ``threads`` intra-op threads (0 = onnxruntime's default), and no spinning.

    onnxruntime's intra-op threads spin on a core while they wait for the next piece of work; on a relay
    node the cores they spin on are the ones Whisper and the translator need. Not spinning cost Kokoro
    no speed and saved a fifth of its CPU while Whisper ran beside it (docs/speech_output.md)."""
    options = onnxruntime.SessionOptions()
    if threads > 0:
        options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


class LoadedVoice:
    """A voice whose ONNX session is created on first use (or by ``load``), once, under a lock."""

    def __init__(self, info: VoiceInfo, onnx_threads: int, nice: int = 0) -> None:
        self.info = info
        self._onnx_threads = onnx_threads
        self._nice = nice  # of the session's intra-op threads (pipelines.priority)
        self._lock = threading.Lock()
        self._voice: PiperVoice | None = None
        self._phonemize: Phonemizer | None = None

    def load(self) -> tuple[PiperVoice, Phonemizer]:
        with self._lock:
            if self._voice is None or self._phonemize is None:
                # the session's and the phonemiser's threads are created by this: lowered from birth
                self._voice, self._phonemize = made_lowered(self._nice, self._open)
            return self._voice, self._phonemize

    def _open(self) -> tuple[PiperVoice, Phonemizer]:
        # Built by hand rather than with PiperVoice.load so the thread count is ours to set.
        options = session_options(self._onnx_threads)
        config = json.loads(self.info.config_path.read_text(encoding="utf-8"))
        session = onnxruntime.InferenceSession(
            str(self.info.onnx_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        # download_dir: a pinyin voice looks for its g2pW model here, inside its own folder.
        voice = PiperVoice(session=session, config=PiperConfig.from_dict(config),
                           download_dir=self.info.onnx_path.parent)
        return voice, phonemizer_for(voice, self.info.lang)


class PiperSynthesizer:
    """``pipelines.base.Synthesizer`` on piper-tts voices."""

    capabilities = SynthesizerCapabilities(presynthesize=True)

    def __init__(self, voices: dict[str, VoiceInfo], config: TtsConfig, warnings: Iterable[str] = ()) -> None:
        self._config = config
        self._voices = {lang: LoadedVoice(info, config.onnx_threads, config.nice) for lang, info in voices.items()}
        self._warnings = list(warnings)
        self._cache = sentence_audio_cache(config)

    # ------------------------------------------------------------ Synthesizer protocol

    def status(self) -> EngineStatus:
        described = ", ".join(
            f"{lang}={v.info.name} ({v.info.sample_rate} Hz)" for lang, v in sorted(self._voices.items())
        )
        detail = f"piper voices: {described}" if self._voices else "no piper voice loaded"
        if self._warnings:
            detail += "; " + "; ".join(self._warnings)
        return EngineStatus(
            name="tts", ready=bool(self._voices), detail=detail,
            models=tuple(v.info.name for _, v in sorted(self._voices.items())),
            languages=tuple(sorted(self._voices)),
        )

    def has_voice(self, lang: str) -> bool:
        return lang in self._voices

    def sample_rate(self, lang: str) -> int:
        return self._voice(lang).info.sample_rate

    def load_voice(self, lang: str) -> None:
        voice = self._voice(lang)
        try:
            voice.load()
        except Exception as err:  # a corrupt model found at first use: this utterance is not spoken
            raise EngineError(f"voice {voice.info.name} failed to load: {err}") from err

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        """One chunk per sentence, synthesised only when pulled. Raises ``EngineUnavailable`` at once
        (not on the first ``next()``) when ``lang`` has no voice, ``ValueError`` for a rate outside 0.25–4."""
        voice = self._voice(lang)
        check_rate(rate)
        return self._stream(voice, split_sentences(text, self._config.max_sentence_chars), rate)

    # ------------------------------------------------------------ extras

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        """Warm the cache with ``texts`` (e.g. the phrasebook); returns how many sentences were
        synthesised (those already cached are not counted). Stops early when the cache is full."""
        voice = self._voice(lang)
        check_rate(rate)
        synthesised = 0
        for text in texts:
            for sentence in split_sentences(text, self._config.max_sentence_chars):
                key = _cache_key(voice, sentence, rate)
                if key in self._cache:
                    continue
                self._render(voice, sentence, rate)
                if key not in self._cache:
                    return synthesised  # full (or disabled): warming more would only evict
                synthesised += 1
        return synthesised

    def phonemize(self, text: str, lang: str) -> list[list[str]]:
        """The phonemes each sentence is spoken with, for ``madoguchi check`` and debugging."""
        _, phonemize = self._voice(lang).load()
        return [phonemize(sentence) for sentence in split_sentences(text, self._config.max_sentence_chars)]

    def add_warnings(self, warnings: Iterable[str]) -> None:
        """Problems found while loading the other engines, shown in ``status().detail``."""
        self._warnings.extend(warnings)

    def has_any_voice(self) -> bool:
        return bool(self._voices)

    def cache_stats(self) -> CacheStats:
        return self._cache.stats()

    def preload(self) -> None:
        """Load every voice now; a voice that fails to load is dropped with a warning in ``status()``."""
        for lang, voice in list(self._voices.items()):
            try:
                voice.load()
            except Exception as err:  # a corrupt model must not take the other languages down
                log.warning("cannot load piper voice %s: %s", voice.info.name, err)
                self._warnings.append(f"voice {voice.info.name} failed to load: {err}")
                del self._voices[lang]

    # ------------------------------------------------------------ internals

    def _voice(self, lang: str) -> LoadedVoice:
        voice = self._voices.get(lang)
        if voice is None:
            raise EngineUnavailable(f"no piper voice installed for {lang!r}; the text is still shown")
        return voice

    def _stream(self, voice: LoadedVoice, sentences: list[str], rate: float) -> Iterator[AudioChunk]:
        for sentence in sentences:
            pcm = self._render(voice, sentence, rate)
            if pcm:
                yield AudioChunk(pcm=pcm, sample_rate=voice.info.sample_rate)

    def _render(self, voice: LoadedVoice, sentence: str, rate: float) -> bytes:
        key = _cache_key(voice, sentence, rate)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        piper, phonemize = voice.load()
        phonemes = phonemize(sentence)
        if not phonemes:
            return b""
        audio = self._run_model(voice, piper, phonemes, rate)
        silence = int(self._config.sentence_silence_s * voice.info.sample_rate)
        pcm = to_pcm16(audio, self._config.volume, silence)
        self._cache.put(key, pcm)
        return pcm

    @staticmethod
    def _run_model(voice: LoadedVoice, piper: PiperVoice, phonemes: list[str], rate: float) -> np.ndarray:
        syn_config = SynthesisConfig(length_scale=piper.config.length_scale / rate)
        try:
            result = piper.phoneme_ids_to_audio(piper.phonemes_to_ids(phonemes), syn_config)
        except Exception as err:  # onnxruntime raises its own exception types
            raise EngineError(f"piper voice {voice.info.name} failed: {err}") from err
        audio = result[0] if isinstance(result, tuple) else result
        return np.asarray(audio, dtype=np.float32).reshape(-1)


def to_pcm16(audio: np.ndarray, volume: float, silence_samples: int) -> bytes:
    """Peak-normalise (as piper does), apply ``volume``, append silence; s16le bytes."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    scaled = audio / peak if peak > 1e-8 else np.zeros_like(audio)
    samples = np.clip(scaled * volume * _INT16_MAX, -_INT16_MAX, _INT16_MAX).astype("<i2")
    return samples.tobytes() + bytes(2 * max(0, silence_samples))


SentenceKey = tuple[str, str, float]  # (voice name, sentence, rate)


def sentence_audio_cache(config: TtsConfig) -> LruCache[SentenceKey, bytes]:
    """Synthesised sentences by voice, text and rate, bounded in bytes: phrasebook sentences
    ("番号札をお取りください。") repeat all day, and from memory they start at once."""
    return LruCache(int(config.cache_max_mb * 1024 * 1024), weigh=len)


def _cache_key(voice: LoadedVoice, sentence: str, rate: float) -> SentenceKey:
    return (voice.info.name, sentence, round(rate, 3))


def check_rate(rate: float) -> None:
    # Outside this range speech is unintelligible, and a tiny rate would make piper render minutes of audio.
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"speaking rate must be between {MIN_RATE} and {MAX_RATE}, got {rate}")
