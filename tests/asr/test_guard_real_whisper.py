"""The hallucination guard through the real Whisper base, on real speech: it must see events to judge.

A random-weight Whisper gives the guard nothing real to look at (with the guard on it showed zero
events, so a test looping over them never ran its checks). Here the real model hears real speech, so
the guard must let partials and finals through; and a decoder that starts looping half-way — the real
decode with its real figures, only the text replaced by a repetition — must be caught by the
compression-ratio half of the guard (a 13-word loop: too long for the n-gram check).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from pipelines.asr import AsrConfig
from pipelines.asr.decoder import Decoder, Hypothesis, compression_ratio
from pipelines.asr.quality import GUARD_CODES, has_ngram_loop
from pipelines.asr.recognizer import WhisperRecognizer

from .conftest import piper_speech, real_recognizer
from .fakes import silence, stream_in_chunks

pytestmark = pytest.mark.engine
SAID = "Hello, I would like to register my new address."
LOOP = "I would like to register my new address at the city office today please "  # 14 words


@pytest.fixture(scope="module")
def guarded() -> WhisperRecognizer:
    recognizer = real_recognizer()
    assert recognizer._config.hallucination_guard, "the guard is on by default"
    return recognizer


def events_for(recognizer: WhisperRecognizer, audio: np.ndarray) -> list[Any]:
    stream = recognizer.new_stream(("ja", "en"), 16000)
    return [e for _, e in stream_in_chunks(stream, np.concatenate([silence(0.5), audio, silence(1.5)]))]


def test_the_guard_lets_real_speech_through(guarded: WhisperRecognizer) -> None:
    events = events_for(guarded, piper_speech(SAID))
    partials = [e for e in events if e.kind == "partial"]
    finals = [e for e in events if e.kind == "final"]
    assert partials, "partials while the resident speaks"
    assert len(finals) == 1 and "register" in finals[0].text.lower() and "address" in finals[0].text.lower()
    details = finals[0].details
    assert "dropped" not in details
    assert 0 < details["compression_ratio"] <= guarded._config.compression_ratio_threshold
    assert details["no_speech_prob"] < guarded._config.no_speech_threshold
    assert finals[0].confidence > 0.3


class LoopsHalfWay:
    """The real decoder; from the ``after``-th decode on, Whisper "starts looping": the text becomes a
    repetition while every figure but the compression ratio stays what the real model said."""

    def __init__(self, inner: Decoder, after: int) -> None:
        self.inner, self.after, self.calls = inner, after, 0

    def decode(self, audio: np.ndarray, languages: Any, prefix: str, beam_size: int,
               max_new_tokens: int) -> Hypothesis:
        hyp = self.inner.decode(audio, languages, prefix, beam_size, max_new_tokens)
        self.calls += 1
        if self.calls <= self.after:
            return hyp
        text = LOOP * 5
        return replace(hyp, text=text, compression_ratio=compression_ratio(text))


def test_a_loop_that_starts_half_way_is_never_shown(guarded: WhisperRecognizer) -> None:
    assert not has_ngram_loop(LOOP * 5, "en"), "only the compression ratio can catch this loop"
    config = AsrConfig(model="base")
    looping = WhisperRecognizer(LoopsHalfWay(guarded._decoder, after=2), config, vad_session=guarded._vad_session)
    events = events_for(looping, piper_speech(SAID))
    shown = [e.text for e in events if e.kind == "partial"]
    assert shown and all("city office" not in text for text in shown), shown
    [final] = [e for e in events if e.kind == "final"]
    assert final.text == "", "the partials already shown are cleared"
    assert final.details["dropped"] == GUARD_CODES["loop"]
    assert final.details["compression_ratio"] > config.compression_ratio_threshold
