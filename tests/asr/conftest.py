from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pipelines.asr import AsrConfig
from pipelines.asr.recognizer import WhisperRecognizer
from pipelines.asr.stream import WhisperStream

from .fakes import EnergyVadSession, FakeDecoder, Script

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-models"


@pytest.fixture
def make_stream() -> Callable[..., tuple[WhisperStream, FakeDecoder]]:
    def make(script: Script, languages: tuple[str, ...] = ("ja", "en"), sample_rate: int = 16000,
             figures: dict[str, float] | None = None, **config: object) -> tuple[WhisperStream, FakeDecoder]:
        decoder = FakeDecoder(script, figures or {})
        recognizer = WhisperRecognizer(decoder, AsrConfig(**config), vad_session=EnergyVadSession())  # type: ignore[arg-type]
        return recognizer.new_stream(languages, sample_rate), decoder

    return make


@pytest.fixture(scope="session")
def whisper_test_model() -> Path:
    """A tiny random-weight Whisper in the real CTranslate2 format, built once and cached."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from build_whisper import ensure_model

    return ensure_model("test", CACHE)


def espeak(text: str, voice: str) -> tuple[bytes, int]:
    """PCM s16le mono speech from espeak-ng, at espeak's own rate (22050 Hz)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed: no synthetic speech for endpointing tests")
    wav = subprocess.run(["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True).stdout
    import io
    import wave

    with wave.open(io.BytesIO(wav)) as reader:
        return reader.readframes(reader.getnframes()), reader.getframerate()


def speech_extent(pcm: bytes, threshold: int = 300) -> tuple[float, float]:
    samples = np.abs(np.frombuffer(pcm, dtype="<i2"))
    loud = np.nonzero(samples > threshold)[0]
    return float(loud[0]), float(loud[-1] + 1)
