"""What the real Whisper base makes of a sentence said over and over, as Chromium's fake microphone does
with a looping file (``--use-file-for-fake-audio-capture``): a new user saw partials appear, then vanish,
and no final ever came.

Where it goes: with a pause after each sentence, the endpointer ends each one and each has its final. With
no pause the utterance never reaches an endpoint; it ends at audio.stop (or ``max_utterance_s``), and
Whisper base, given the same sentence several times over, loops on the whole ("新潮 東門町 全面知 新潮 東門町 …",
compression ratio 5.5) or gives up after the first sentence with no_speech_prob 0.85 — which the
hallucination guard rightly does not pass on. What the stream must never do is drop it silently once a
partial was shown: it ends that utterance with an empty final that says why (``details["dropped"]``), so
the relay can tell the speaker (notice ``speech_not_understood``).
"""

from __future__ import annotations

import numpy as np
import pytest

from pipelines.asr.quality import GUARD_CODES
from pipelines.asr.recognizer import WhisperRecognizer

from .conftest import espeak, real_recognizer
from .fakes import silence, stream_in_chunks

pytestmark = pytest.mark.engine
SAID = "Xin chào, tôi muốn đăng ký địa chỉ."  # espeak-ng's Vietnamese voice, as the tester's file


@pytest.fixture(scope="module")
def recognizer() -> WhisperRecognizer:
    return real_recognizer()


def sentence() -> np.ndarray:
    import soxr

    pcm, rate = espeak(SAID, "vi")
    audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    return np.asarray(soxr.resample(audio, rate, 16000), dtype=np.float32)


def looped(times: int, pause_s: float) -> np.ndarray:
    clip = np.concatenate([sentence(), silence(pause_s)])
    return np.concatenate([clip] * times)


def test_a_sentence_looped_with_a_pause_gets_a_final_each_time(recognizer: WhisperRecognizer) -> None:
    events = [e for _, e in stream_in_chunks(recognizer.new_stream(("ja", "vi"), 16000), looped(3, 1.5))]
    finals = [e for e in events if e.kind == "final"]
    assert len(finals) == 3, [(e.text, e.details) for e in finals]
    assert all(e.text and e.lang == "vi" and "dropped" not in e.details for e in finals), [e.text for e in finals]


def test_a_sentence_looped_without_a_pause_is_never_dropped_silently(recognizer: WhisperRecognizer) -> None:
    # five times over: Whisper base gave up after the first sentence (no_speech_prob 0.85, dropped); four
    # times over it wrote the first sentence only, a final all the same
    events = [e for _, e in stream_in_chunks(recognizer.new_stream(("ja", "vi"), 16000), looped(5, 0.0))]
    assert any(e.kind == "partial" for e in events), "the speaker saw partials"
    finals = [e for e in events if e.kind == "final"]
    assert finals and events[-1].kind == "final", "the utterance the partials showed ends with a final"
    for final in finals:  # what was said, or an empty final saying why the guard dropped it
        assert final.text or final.details.get("dropped") in GUARD_CODES.values(), final
