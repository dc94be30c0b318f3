"""Speech output through a real wyoming-piper server (the Piper joe voice) on loopback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipelines.base import EngineError, EngineUnavailable
from pipelines.remote.config import RemoteConfig
from pipelines.remote.wyoming_tts import WyomingSynthesizer, load_wyoming_synthesizer, parse_voice_choices
from pipelines.tts.config import TtsConfig
from tests.remote.servers import TTS_VOICES, WyomingServer, free_port

pytestmark = pytest.mark.engine


def synthesizer(servers: list[str], **remote: object) -> WyomingSynthesizer:
    settings: dict[str, object] = {"request_timeout_s": 60.0, "retry_backoff_s": 0.05, "tts_voices": TTS_VOICES,
                                   **remote}
    return load_wyoming_synthesizer(TtsConfig(), RemoteConfig(tts_servers=servers, **settings), Path("models"))  # type: ignore[arg-type]


def loud_seconds(pcm: bytes, rate: int) -> float:
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    return float(np.count_nonzero(samples > 1000)) / rate


def test_one_chunk_of_speech_per_sentence(piper_server: WyomingServer) -> None:
    tts = synthesizer([piper_server.uri])
    assert tts.voices == {"en": "en_US-joe-medium"}, "only the voice the city installed, not the catalogue"
    assert tts.has_voice("en") and tts.status().ready
    chunks = list(tts.synthesize("Your card is ready. Please sign here.", "en"))
    assert len(chunks) == 2, "playback can start after the first sentence"
    assert {c.sample_rate for c in chunks} == {22050} == {tts.sample_rate("en")}
    assert all(loud_seconds(c.pcm, c.sample_rate) > 0.2 for c in chunks), "each chunk is speech, not silence"


def test_a_dead_server_is_skipped_for_a_live_one(piper_server: WyomingServer) -> None:
    dead = f"tcp://127.0.0.1:{free_port()}"
    tts = synthesizer([dead, piper_server.uri])
    assert f"{dead} down" in tts.status().detail and tts.status().ready
    chunks = list(tts.synthesize("Thank you.", "en"))
    assert chunks and loud_seconds(chunks[0].pcm, chunks[0].sample_rate) > 0.1


def test_no_server_at_all_is_an_engine_failure_not_a_crash() -> None:
    tts = synthesizer([f"tcp://127.0.0.1:{free_port()}"], tts_voices=["en=en_US-joe-medium"], retries=1)
    assert not tts.status().ready
    with pytest.raises(EngineError, match="tts servers failed"):
        list(tts.synthesize("Thank you.", "en"))


def test_a_language_without_a_voice_is_unavailable(piper_server: WyomingServer) -> None:
    tts = synthesizer([piper_server.uri])
    with pytest.raises(EngineUnavailable, match="no voice for xx"):
        tts.synthesize("hello", "xx")
    with pytest.raises(ValueError, match="lang=voice"):
        parse_voice_choices(["en_US-joe-medium"])
