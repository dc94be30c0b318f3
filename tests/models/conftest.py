"""A model mirror on loopback with the test models of every kind, for ``madoguchi models fetch``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-models"
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from build_argos import cached_package  # noqa: E402
from build_piper import VoiceSpec, cached_voice  # noqa: E402
from build_whisper import ensure_model  # noqa: E402
from model_mirror import Mirror, MirrorServer  # noqa: E402

WHISPER_REPO = "Systran/faster-whisper-base"
VOICE = "en_US-random-medium"


@pytest.fixture(scope="session")
def whisper_files() -> Path:
    return ensure_model("test", CACHE)  # a tiny random-weight Whisper in the real CTranslate2 format


@pytest.fixture(scope="session")
def voice_files() -> Path:
    return cached_voice(CACHE / "piper", VoiceSpec(VOICE, "en", 22050))


@pytest.fixture(scope="session")
def argos_archive() -> Path:
    return cached_package("ja", "en")


@pytest.fixture
def mirror(whisper_files: Path, voice_files: Path, argos_archive: Path) -> Iterator[Mirror]:
    with MirrorServer() as served:
        served.add_hub_repo(WHISPER_REPO, whisper_files)
        served.add_piper_voice(VOICE, voice_files)
        served.add_argos_packages({("ja", "en"): argos_archive})
        yield served
