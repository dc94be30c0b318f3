"""One decode of an utterance's audio: language identification among the allowed languages, then text.

``Decoder`` is the seam between the streaming state machine and Whisper: unit tests script it with a
fake, production uses ``WhisperDecoder`` on faster-whisper. The real decoder encodes the audio once and
uses the same encoder output for both language identification and generation, so a partial costs one
encoder pass.
"""

from __future__ import annotations

import math
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

# 2 s of padding after the utterance (100 mel frames per second): measured on jfk.flac and Kokoro
# speech, 0.5 s made a fifth of short decodes loop, 1.5 s and more none
TRAILING_SILENCE_FRAMES = 200


MAX_CONTEXT_TOKENS = 223 // 2  # Whisper allows 223 tokens of previous text; half keeps decodes cheap


@dataclass(frozen=True)
class Hypothesis:
    """The whole text of an utterance so far (``prefix`` included) and the decoder's raw figures."""

    text: str
    lang: str
    language_probability: float
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float
    decode_ms: float = 0.0
    tokens: int = 0


Context = Callable[[str], str]  # language → text Whisper is told came before (its prompt)


@dataclass(frozen=True)
class DecodeRequest:
    """The arguments of one ``Decoder.decode``, so that several can travel in one batch."""

    audio: np.ndarray
    languages: tuple[str, ...]
    prefix: str
    beam_size: int
    max_new_tokens: int
    context: Context | None = None


class Decoder(Protocol):
    def decode(
        self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int, max_new_tokens: int,
        context: Context | None = None,
    ) -> Hypothesis:
        """Decode 16 kHz float32 ``audio`` (≤ 30 s); ``prefix`` is text already committed, which the
        decoder continues rather than re-decides. The language is chosen among ``languages`` only;
        ``context(lang)``, when given, is the text to prompt Whisper with in that language."""
        ...


def compression_ratio(text: str) -> float:
    """Whisper's loop detector: highly repetitive text compresses well."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


def restrict_languages(probabilities: list[tuple[str, float]], allowed: Sequence[str]) -> tuple[str, float]:
    """The most probable allowed language, with its probability renormalised over the allowed set."""
    scores = {lang: prob for lang, prob in probabilities if lang in allowed}
    total = sum(scores.values())
    if not scores or total <= 0:
        return allowed[0], 1.0 / len(allowed)
    best = max(scores, key=lambda lang: scores[lang])
    return best, scores[best] / total


class WhisperDecoder:
    """``Decoder`` on a loaded ``faster_whisper.WhisperModel`` (thread-safe: one per recogniser).

    ``solo_model``, when given, is a second copy of the same model that uses every core: a decode that
    starts while no other runs takes it (as fast as a lone decode can be: one counter waits no longer);
    decodes that overlap take ``model``, whose workers have one share of the cores each, so that they
    never compete for the same cores (``pipelines.asr.recognizer.decode_threads``)."""

    def __init__(self, model: Any, encoder_window_s: float = 30.0, solo_model: Any = None) -> None:
        from faster_whisper.tokenizer import Tokenizer

        self._model = model
        self._solo = solo_model
        self._lock = threading.Lock()
        self._running = 0  # decodes in progress, on either model
        self._min_frames = int(encoder_window_s * 100)  # 100 mel frames per second
        self._tokenizer = Tokenizer(model.hf_tokenizer, multilingual=True, task="transcribe", language="ja")
        self.supported_languages: tuple[str, ...] = tuple(model.supported_languages)

    def decode(
        self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int, max_new_tokens: int,
        context: Context | None = None,
    ) -> Hypothesis:
        return self.decode_batch([DecodeRequest(audio, tuple(languages), prefix, beam_size, max_new_tokens, context)])[0]

    def decode_batch(self, requests: Sequence[DecodeRequest]) -> list[Hypothesis]:
        """Decode several utterances in one encoder pass and one generation (CTranslate2 batches).

        Every request's features are padded with silence to the longest in the batch, which Whisper
        (trained on 30 s windows padded the same way) reads as the silence it is. The batch shares one
        beam size and one ``suppress_blank`` (``BatchingDecoder`` only batches requests that agree);
        each request keeps its own prompt, forced prefix, languages and token cap.
        """
        if len({(r.beam_size, not r.prefix) for r in requests}) > 1:
            raise ValueError("a batch must share its beam size and whether it has a prefix")
        with self._lock:
            model = self._solo if self._solo is not None and self._running == 0 else self._model
            self._running += 1
        try:
            return self._decode_on(model, requests)
        finally:
            with self._lock:
                self._running -= 1

    def _decode_on(self, model: Any, requests: Sequence[DecodeRequest]) -> list[Hypothesis]:
        from faster_whisper.audio import pad_or_trim

        started = time.perf_counter()
        features = [model.feature_extractor(r.audio) for r in requests]
        frames = self._encoder_frames(max(f.shape[-1] for f in features))
        encoded = model.encode(np.stack([pad_or_trim(f, frames) for f in features]))
        detected = model.model.detect_language(encoded)
        langs = [restrict_languages([(token[2:-2], prob) for token, prob in d], r.languages)
                 for d, r in zip(detected, requests, strict=True)]
        prompts = [self._prompt(lang, r.prefix, r.context(lang) if r.context else "")
                   for (lang, _), r in zip(langs, requests, strict=True)]
        caps = [min(448, len(prompt) + r.max_new_tokens) for (prompt, _), r in zip(prompts, requests, strict=True)]
        results = model.model.generate(
            encoded, [prompt for prompt, _ in prompts], beam_size=requests[0].beam_size, max_length=max(caps),
            return_scores=True, return_no_speech_prob=True, suppress_blank=not requests[0].prefix,
        )
        decode_ms = (time.perf_counter() - started) * 1000.0
        # alone, a request stops at max_length - len(prompt) - 1 new tokens (forced ones included)
        return [self._hypothesis(result, r.prefix, forced, cap - len(prompt) - 1, lang, lang_prob, decode_ms)
                for result, r, (prompt, forced), cap, (lang, lang_prob)
                in zip(results, requests, prompts, caps, langs, strict=True)]

    def _hypothesis(self, result: Any, prefix: str, forced: int, limit: int, lang: str, lang_prob: float,
                    decode_ms: float) -> Hypothesis:
        # CTranslate2 returns the forced prefix tokens in front of the generated ones. A request in a
        # batch whose cap is higher than its own is cut where it would have stopped alone (its
        # average log-probability then also counts the tokens past the cut: only loops reach a cap)
        generated = result.sequences_ids[0][:limit][forced:]
        tokens = [t for t in generated if t < self._tokenizer.eot]
        text = prefix + whole_characters(self._tokenizer, tokens)
        return Hypothesis(
            text=text, lang=lang, language_probability=lang_prob,
            avg_logprob=_average_logprob(result.scores[0], len(result.sequences_ids[0])),
            no_speech_prob=float(result.no_speech_prob), compression_ratio=compression_ratio(text.strip()),
            decode_ms=decode_ms, tokens=len(tokens),
        )

    def _encoder_frames(self, frames: int) -> int:
        """Whisper was trained on 30 s windows, but encoding cost grows with the window: encoding only
        the utterance (rounded up to a whole second) makes a decode several times cheaper on a CPU. It
        needs ``TRAILING_SILENCE_FRAMES`` of silence after the speech, though: with less, Whisper does
        not see where the speech ends and loops ("And so my fellow Americans and so my fellow …").
        ``encoder_window_s`` = 30 turns the trick off."""
        fitted = -(-(frames + TRAILING_SILENCE_FRAMES) // 100) * 100
        return min(3000, max(fitted, self._min_frames))

    def _prompt(self, lang: str, prefix: str, previous: str) -> tuple[list[int], int]:
        """The decoder prompt and how many of its tokens are the forced ``prefix``."""
        tok = self._tokenizer
        before = [tok.sot_prev, *tok.encode(" " + previous.strip())[-MAX_CONTEXT_TOKENS:]] if previous.strip() else []
        prompt = [*before, tok.sot, tok.tokenizer.token_to_id(f"<|{lang}|>"), tok.transcribe, tok.no_timestamps]
        forced = tok.encode(prefix)[: 448 // 2 - 1] if prefix else []
        return prompt + forced, len(forced)


def whole_characters(tokenizer: Any, tokens: list[int]) -> str:
    """Text of ``tokens`` without a character cut in half at the end.

    Whisper's byte-level tokens may split one character (most kanji and kana are 3 UTF-8 bytes) across
    two tokens; a decode stopped between them would end in U+FFFD. Trailing tokens are dropped until the
    text ends in a whole character; the next decode produces them again, with the rest of the character.
    """
    for end in range(len(tokens), max(-1, len(tokens) - 4), -1):
        text = tokenizer.decode(tokens[:end])
        if not text.endswith("\ufffd"):
            return text
    return tokenizer.decode(tokens).rstrip("\ufffd")


def _average_logprob(score: float, length: int) -> float:
    """CTranslate2's score is the cumulative log-probability divided by the length (length_penalty 1);
    Whisper averages over the generated tokens plus the end-of-text token."""
    if not math.isfinite(score):
        return -10.0
    return float(score) * length / (length + 1) if length else float(score)
