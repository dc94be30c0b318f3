"""Decodes of several sessions batched together on the real Whisper base: every session still hears
exactly what it would have heard alone."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from pipelines.asr.batching import BatchingDecoder
from pipelines.asr.decoder import DecodeRequest, WhisperDecoder

from .conftest import kokoro_speech, piper_speech, real_whisper_model
from .fakes import silence

pytestmark = pytest.mark.engine

JAPANESE = "転入届を出すときは、在留カードを持ってきてください。"
ENGLISH = "Hello, I would like to register my new address. Where do I pay the health insurance?"


@pytest.fixture(scope="module")
def utterances() -> list[np.ndarray]:
    return [np.concatenate([silence(0.2), kokoro_speech(JAPANESE), silence(0.2)]),
            np.concatenate([silence(0.2), piper_speech(ENGLISH), silence(0.2)])]


def test_two_utterances_decoded_in_one_batch_give_the_text_each_gives_alone(utterances: list[np.ndarray]) -> None:
    decoder = WhisperDecoder(real_whisper_model(), 0.0)
    requests = [DecodeRequest(audio, ("ja", "en"), "", 1, 100) for audio in utterances]
    alone = [decoder.decode_batch([r])[0] for r in requests]
    together = decoder.decode_batch(requests)
    assert [h.lang for h in alone] == ["ja", "en"]
    assert [h.text for h in together] == [h.text for h in alone]
    assert [h.lang for h in together] == [h.lang for h in alone]
    assert "insurance" in together[1].text


def test_sessions_decoding_at_once_share_a_batch_and_each_gets_its_own_text(utterances: list[np.ndarray]) -> None:
    whisper = WhisperDecoder(real_whisper_model(), 0.0)
    expected = [whisper.decode(audio, ("ja", "en"), "", 1, 100).text for audio in utterances]
    batching = BatchingDecoder(whisper, batch_size=4, window_s=2.0)
    heard: dict[int, str] = {}

    def session(index: int) -> None:
        heard[index] = batching.decode(utterances[index], ("ja", "en"), "", 1, 100).text

    threads = [threading.Thread(target=session, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert heard == {0: expected[0], 1: expected[1]}
    assert batching.gatherer.batch_sizes == [2]
