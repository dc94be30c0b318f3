"""Piper voices in the real format (random weights), built once per machine and cached.

The voices are built by ``tests/fixtures/build_piper.py`` under ``.cache/test-models/piper/``; each test
gets its own ``models_dir`` with copies of the voices it asks for, so installs and removals stay local.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipelines.tts import PiperSynthesizer, TtsConfig, load_synthesizer
from tests.tts.tts_voices import VOICES, build_all


@pytest.fixture(scope="session")
def voice_folders() -> dict[str, Path]:
    """Key → cached folder holding ``<name>.onnx`` + ``<name>.onnx.json``."""
    return build_all()


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    path = tmp_path / "models"
    path.mkdir()
    return path


@pytest.fixture
def add_voice(models_dir: Path, voice_folders: dict[str, Path]) -> Callable[[str], Path]:
    """Put a copy of a built voice where ``load_synthesizer`` looks: ``<models>/piper/<name>/``."""

    def add(key: str) -> Path:
        name = VOICES[key].name
        target = models_dir / "piper" / name
        target.mkdir(parents=True)
        for suffix in (".onnx", ".onnx.json"):
            shutil.copyfile(voice_folders[key] / f"{name}{suffix}", target / f"{name}{suffix}")
        return target

    return add


@pytest.fixture
def make_synth(models_dir: Path, add_voice: Callable[[str], Path]) -> Callable[..., PiperSynthesizer]:
    """``make_synth("ja", "en", cache_max_mb=1)``: install those voices, load with that config."""

    def make(*keys: str, **config: object) -> PiperSynthesizer:
        for key in keys:
            add_voice(key)
        return load_synthesizer(TtsConfig(**config), models_dir)  # type: ignore[arg-type]

    return make
