"""The random-weight voices the TTS tests use, built by ``tests/fixtures/build_piper.py``."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-models" / "piper"
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from build_piper import VoiceSpec, cached_voice  # noqa: E402

VOICES = {
    "ja": VoiceSpec("ja_JP-random-x_low", "ja", 16000, "japanese"),
    "ja-espeak": VoiceSpec("ja_JP-espeakcfg-x_low", "ja", 16000, "espeak"),
    "en": VoiceSpec("en_US-random-medium", "en", 22050),
    "en-low": VoiceSpec("en_US-other-low", "en", 16000),
    "vi-multi": VoiceSpec("vi_VN-multi-medium", "vi", 22050, num_speakers=3),
}


def build_all() -> dict[str, Path]:
    """Key → cached folder holding ``<name>.onnx`` + ``<name>.onnx.json``."""
    return {key: cached_voice(CACHE, spec) for key, spec in VOICES.items()}
