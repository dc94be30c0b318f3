"""Test doubles for the streaming logic: a scripted decoder and an energy-based stand-in for Silero."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines.asr.agreement import common_prefix_length
from pipelines.asr.decoder import Hypothesis, compression_ratio

RATE = 16000


class EnergyVadSession:
    """Quacks like Silero's ONNX session: a window is speech when its RMS is above 0.02."""

    def run(self, _outputs: Any, feeds: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        windows = feeds["input"][:, 64:]
        rms = np.sqrt(np.mean(windows**2, axis=1))
        probs = np.where(rms > 0.02, 0.95, 0.02).astype(np.float32)[:, None]
        return probs, feeds["h"], feeds["c"]


@dataclass
class DecodeCall:
    seconds: float
    languages: tuple[str, ...]
    prefix: str
    beam_size: int
    max_new_tokens: int
    context: str = ""  # the prompt Whisper would have been given in the decoded language


Script = Callable[[np.ndarray, int], tuple[str, str]]  # (16 kHz audio, call index) -> (lang, text)


@dataclass
class FakeDecoder:
    script: Script
    figures: dict[str, float] = field(default_factory=dict)
    calls: list[DecodeCall] = field(default_factory=list)

    def decode(self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int,
               max_new_tokens: int, context: Callable[[str], str] | None = None) -> Hypothesis:
        seconds = len(audio) / RATE
        lang, text = self.script(audio, len(self.calls))
        self.calls.append(DecodeCall(seconds, tuple(languages), prefix, beam_size, max_new_tokens,
                                     context(lang) if context else ""))
        assert lang in languages, f"scripted language {lang} outside {languages}"
        if not text.startswith(prefix):  # like Whisper, the decoder continues a forced prefix
            text = prefix + text[common_prefix_length(prefix, text):]
        values = {"language_probability": 0.9, "avg_logprob": -0.2, "no_speech_prob": 0.05,
                  "compression_ratio": compression_ratio(text)} | self.figures
        return Hypothesis(text=text, lang=lang, decode_ms=1.0, tokens=len(text),
                          language_probability=values["language_probability"], avg_logprob=values["avg_logprob"],
                          no_speech_prob=values["no_speech_prob"], compression_ratio=values["compression_ratio"])


def words_heard(words: str, lang: str = "en", per_word_s: float = 0.4, start_s: float = 0.2) -> Script:
    """A speaker saying ``words`` at a steady pace: the decoder hears the words spoken so far."""
    units = words.split() if lang != "ja" else list(words)

    def script(audio: np.ndarray, _index: int) -> tuple[str, str]:
        seconds = len(audio) / RATE
        count = max(0, min(len(units), int((seconds - start_s) / per_word_s)))
        joiner = " " if lang != "ja" else ""
        return lang, joiner.join(units[:count])

    return script


def by_voice(voices: dict[float, tuple[str, str]]) -> Script:
    """Several speakers told apart by loudness (a tone's amplitude): the decoder transcribes the one
    heard longest in the audio it is given, as Whisper follows the dominant voice."""

    def script(audio: np.ndarray, _index: int) -> tuple[str, str]:
        windows = audio[: len(audio) // 512 * 512].reshape(-1, 512)
        peaks = np.abs(windows).max(axis=1)
        heard = {amp: int(np.sum(np.abs(peaks - amp) < 0.05)) for amp in voices}
        return voices[max(heard, key=lambda amp: heard[amp])]

    return script


def tone(seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def to_pcm(audio: np.ndarray) -> bytes:
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def stream_in_chunks(stream: Any, audio: np.ndarray, chunk_s: float = 0.25) -> list[tuple[float, Any]]:
    """Feed audio like the relay does (process after each chunk); events with the time they came out."""
    events: list[tuple[float, Any]] = []
    step = int(chunk_s * RATE)
    for offset in range(0, len(audio), step):
        stream.insert_audio(to_pcm(audio[offset:offset + step]))
        now = min(len(audio), offset + step) / RATE
        events += [(now, e) for e in stream.process()]
    events += [(len(audio) / RATE, e) for e in stream.finish()]
    return events
