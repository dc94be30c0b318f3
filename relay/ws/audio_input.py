"""Checks on incoming audio: format, frame shape and the real-time rate limit."""

from __future__ import annotations

import time
from collections.abc import Callable

from relay.wire.protocol import AudioStart, ErrorCode, ProtocolError

MIN_SAMPLE_RATE = 8000
MAX_SAMPLE_RATE = 48000


def check_audio_start(message: AudioStart) -> None:
    if message.encoding != "pcm_s16le":
        raise ProtocolError(ErrorCode.UNSUPPORTED_ENCODING, "only pcm_s16le audio is accepted")
    if not MIN_SAMPLE_RATE <= message.sample_rate <= MAX_SAMPLE_RATE:
        raise ProtocolError(
            ErrorCode.UNSUPPORTED_SAMPLE_RATE,
            f"sample_rate must be between {MIN_SAMPLE_RATE} and {MAX_SAMPLE_RATE} Hz, got {message.sample_rate}",
        )


def check_frame(frame: bytes) -> None:
    if len(frame) % 2:
        raise ProtocolError(ErrorCode.ODD_LENGTH_PCM, "PCM s16le frames must hold whole 2-byte samples")


class AudioRateLimiter:
    """A token bucket: audio may arrive in bursts (a reconnecting tablet sends what it buffered), but
    sustained audio faster than ``max_rate`` × real time is refused frame by frame."""

    def __init__(self, sample_rate: int, max_rate: float, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._bytes_per_s = sample_rate * 2 * max_rate
        self._capacity = self._bytes_per_s * window_s
        self._tokens = self._capacity
        self._clock = clock
        self._last = clock()

    def admit(self, size: int) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._bytes_per_s)
        self._last = now
        if size > self._tokens:
            raise ProtocolError(ErrorCode.AUDIO_TOO_FAST,
                                "audio is arriving faster than real time allows; frame dropped")
        self._tokens -= size
