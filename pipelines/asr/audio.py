"""PCM s16le input at 8–48 kHz, turned into float32 mono at Whisper's 16 kHz."""

from __future__ import annotations

import numpy as np
import soxr

WHISPER_RATE = 16000
MIN_RATE = 8000
MAX_RATE = 48000


def check_sample_rate(sample_rate: int) -> None:
    if not isinstance(sample_rate, int) or not MIN_RATE <= sample_rate <= MAX_RATE:
        raise ValueError(
            f"unsupported sample rate {sample_rate!r}: send PCM s16le mono at {MIN_RATE}–{MAX_RATE} Hz"
        )


class PcmResampler:
    """Streaming s16le → float32 at 16 kHz; keeps a split sample and the resampler's state between calls."""

    def __init__(self, sample_rate: int) -> None:
        check_sample_rate(sample_rate)
        self.sample_rate = sample_rate
        self._odd_byte = b""
        self._stream = (
            None if sample_rate == WHISPER_RATE
            else soxr.ResampleStream(sample_rate, WHISPER_RATE, 1, dtype="float32", quality="HQ")
        )

    def push(self, pcm: bytes) -> np.ndarray:
        if not isinstance(pcm, (bytes, bytearray, memoryview)):
            raise TypeError(f"audio must be PCM s16le bytes, not {type(pcm).__name__}")
        data = self._odd_byte + bytes(pcm)
        usable = len(data) - len(data) % 2
        self._odd_byte = data[usable:]  # a frame may split a sample; keep the half for next time
        samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.float32) / 32768.0
        if self._stream is None:
            return samples
        return np.asarray(self._stream.resample_chunk(samples), dtype=np.float32)

    def flush(self) -> np.ndarray:
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        return np.asarray(self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True), dtype=np.float32)
