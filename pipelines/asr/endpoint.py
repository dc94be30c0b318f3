"""Voice activity (Silero VAD, as shipped inside faster-whisper) and the utterance endpointer.

The VAD turns audio into one speech probability per 32 ms window; the endpointer is a pure state machine
over those probabilities, so its timing rules are unit-tested without any model:
an utterance opens on speech, closes after ``endpoint_silence_s`` of silence when what was said sounds
finished (the stream asks its ``sounds_finished`` callback, which looks at the decoded text), otherwise
after ``unfinished_silence_s`` — so a breath after 「手続きは、」 does not cut the sentence in two — and is
cut when it reaches ``max_utterance_s`` — at the latest pause in its second half, so words are not split when avoidable.
Bursts with less than ``min_speech_s`` of speech are discarded as noise, never decoded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

WINDOW = 512  # samples at 16 kHz per Silero window (32 ms)
CONTEXT = 64  # samples of the previous window Silero v5+ expects in front of each window
MIN_PAUSE_WINDOWS = 3  # ~100 ms of silence is a pause where an over-long utterance may be cut


class StreamingVad:
    """Silero VAD run incrementally; the recurrent state is carried from call to call."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self._state_h = np.zeros((1, 1, 128), dtype=np.float32)
        self._state_c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def push(self, audio: np.ndarray) -> np.ndarray:
        """Speech probability of every window completed by ``audio``."""
        data = np.concatenate([self._pending, audio])
        count = len(data) // WINDOW
        self._pending = data[count * WINDOW:]
        if count == 0:
            return np.zeros(0, dtype=np.float32)
        windows = data[: count * WINDOW].reshape(count, WINDOW)
        contexts = np.vstack([self._context[None, :], windows[:-1, -CONTEXT:]])
        self._context = windows[-1, -CONTEXT:].copy()
        batch = np.concatenate([contexts, windows], axis=1).astype(np.float32)
        probs, self._state_h, self._state_c = self._session.run(
            None, {"input": batch, "h": self._state_h, "c": self._state_c}
        )
        return np.asarray(probs, dtype=np.float32).reshape(-1)


def load_vad_session() -> Any:
    from faster_whisper.vad import get_vad_model

    return get_vad_model().session  # cached: one ONNX session shared by every stream


@dataclass(frozen=True)
class Boundary:
    """``end``: the utterance [start, end) is complete; ``discard``: it was noise."""

    kind: Literal["end", "discard"]
    start: int
    end: int
    reason: Literal["silence", "max_length", "finish", "noise"]
    speech_s: float
    mean_speech_prob: float


@dataclass
class _Utterance:
    start: int
    first_window: int
    speech: list[bool] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)


class Endpointer:
    def __init__(self, threshold: float, endpoint_silence_s: float, max_utterance_s: float,
                 min_speech_s: float, pad_s: float, rate: int = 16000, unfinished_silence_s: float = 0.0,
                 sounds_finished: Callable[[], bool] | None = None) -> None:
        self.threshold = threshold
        self.neg_threshold = max(threshold - 0.15, 0.01)
        self.silence_windows = max(1, round(endpoint_silence_s * rate / WINDOW))
        self.unfinished_windows = max(self.silence_windows, round(unfinished_silence_s * rate / WINDOW))
        self.sounds_finished = sounds_finished or (lambda: True)
        self.silent_run = 0  # windows of silence at the end of the open utterance
        self.max_windows = max(8, int(min(max_utterance_s, 30.0) * rate / WINDOW))
        self.min_speech_windows = max(1, round(min_speech_s * rate / WINDOW))
        self.pad = int(pad_s * rate)
        self.rate = rate
        self.window_index = 0
        self.current: _Utterance | None = None

    @property
    def speech_s(self) -> float:
        return sum(self.current.speech) * WINDOW / self.rate if self.current else 0.0

    @property
    def mean_speech_prob(self) -> float:
        utt = self.current
        probs = [p for p, s in zip(utt.probs, utt.speech, strict=False) if s] if utt else []
        return float(np.mean(probs)) if probs else 0.0

    @property
    def last_speech_end(self) -> int:
        """Sample just after the last speech window of the open utterance (0 when none)."""
        if not self.current or True not in self.current.speech:
            return 0
        last = len(self.current.speech) - 1 - self.current.speech[::-1].index(True)
        return (self.current.first_window + last + 1) * WINDOW

    def in_pause(self) -> bool:
        return bool(self.current and self.current.speech and not self.current.speech[-1])

    def step(self, prob: float) -> list[Boundary]:
        window = self.window_index
        self.window_index += 1
        utt = self.current
        if utt is None:
            if prob >= self.threshold:
                self.current = _Utterance(max(0, window * WINDOW - self.pad), window, [True], [prob])
                self.silent_run = 0
            return []
        was_speech = utt.speech[-1] if utt.speech else True  # an utterance cut mid-speech goes on
        utt.speech.append(prob >= self.threshold or (was_speech and prob >= self.neg_threshold))
        utt.probs.append(prob)
        self.silent_run = 0 if utt.speech[-1] else self.silent_run + 1
        if self._silence_ends_utterance():
            return [self._close(len(utt.speech) - self.silent_run, "silence")]
        if len(utt.speech) >= self.max_windows:
            return self._cut_long()
        return []

    def _silence_ends_utterance(self) -> bool:
        if self.silent_run >= self.unfinished_windows:
            return True
        # asked once per pause, as soon as the pause is long enough to end a finished sentence
        return self.silent_run == self.silence_windows and self.sounds_finished()

    def finish(self) -> list[Boundary]:
        if self.current is None or True not in self.current.speech:
            self.current = None
            return []
        speech = self.current.speech
        last = len(speech) - 1 - speech[::-1].index(True)
        return [self._close(last + 1, "finish")]

    def _close(self, end_offset: int, reason: Literal["silence", "max_length", "finish"]) -> Boundary:
        """Close the utterance after ``end_offset`` windows of it (padding added, noise discarded)."""
        utt = self.current
        assert utt is not None
        self.current = None
        speech = utt.speech[:end_offset]
        speech_windows = sum(speech)
        end = (utt.first_window + end_offset) * WINDOW + (self.pad if reason != "max_length" else 0)
        end = min(end, self.window_index * WINDOW)
        probs = [p for p, s in zip(utt.probs, speech, strict=False) if s]
        mean_prob = float(np.mean(probs)) if probs else 0.0
        kind: Literal["end", "discard"] = "end" if speech_windows >= self.min_speech_windows else "discard"
        return Boundary(kind, utt.start, end, reason if kind == "end" else "noise",
                        speech_windows * WINDOW / self.rate, mean_prob)

    def _cut_long(self) -> list[Boundary]:
        utt = self.current
        assert utt is not None
        cut = _latest_pause_middle(utt.speech, len(utt.speech) // 2) or len(utt.speech)
        tail_speech, tail_probs = utt.speech[cut:], utt.probs[cut:]
        boundary = self._close(cut, "max_length")
        if any(tail_speech) or utt.speech[-1]:  # the speaker goes on: the next utterance opens at the cut
            self.current = _Utterance((utt.first_window + cut) * WINDOW, utt.first_window + cut,
                                      tail_speech, tail_probs)
            self.silent_run = _trailing_silence(tail_speech)
        return [boundary]


def _trailing_silence(speech: list[bool]) -> int:
    return speech[::-1].index(True) if True in speech else len(speech)


def _latest_pause_middle(speech: list[bool], not_before: int) -> int | None:
    """Window index in the middle of the latest silence run of ≥ MIN_PAUSE_WINDOWS after ``not_before``."""
    run_end = None
    for index in range(len(speech) - 1, not_before - 1, -1):
        if not speech[index]:
            run_end = index if run_end is None else run_end
            continue
        if run_end is not None and run_end - index >= MIN_PAUSE_WINDOWS:
            return (index + 1 + run_end + 1) // 2
        run_end = None
    return None
