"""Helpers for the real-model tests: resampling and recognition with the real Whisper base."""

from __future__ import annotations

from typing import Any

import numpy as np


def to_16k(pcm: bytes, rate: int) -> np.ndarray:
    import soxr

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    return np.asarray(soxr.resample(samples, rate, 16000), dtype=np.float32)


def recognise(model: Any, pcm: bytes, rate: int, lang: str) -> str:
    """What Whisper base hears in ``pcm`` (greedy, whole utterance)."""
    segments, _ = model.transcribe(to_16k(pcm, rate), language=lang, beam_size=1, vad_filter=False,
                                   condition_on_previous_text=False)
    return "".join(segment.text for segment in segments).strip()
