"""``madoguchi models`` for Whisper: install offline, checksums, list, remove, fetch without a network."""

from __future__ import annotations

import hashlib
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from pipelines.asr.models import WhisperModels
from pipelines.base import EngineUnavailable
from pipelines.models import model_managers


@pytest.fixture
def small_model(tmp_path: Path) -> Path:
    """A folder shaped like a faster-whisper model (the loader is tested in test_engine)."""
    folder = tmp_path / "src" / "faster-whisper-tiny"
    folder.mkdir(parents=True)
    (folder / "model.bin").write_bytes(b"\x00weights" * 100)
    (folder / "config.json").write_text('{"lang_ids": [3, 4]}', encoding="utf-8")
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    (folder / "vocabulary.json").write_text('["a", "b", "c", "<|ja|>", "<|vi|>"]', encoding="utf-8")
    return folder


def test_registered_under_whisper() -> None:
    assert isinstance(model_managers()["whisper"], WhisperModels)


def test_install_from_a_folder_lists_it_with_languages_and_checksums(small_model: Path, tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    installed = WhisperModels().install(models_dir, small_model)
    assert installed.name == "tiny" and installed.path == models_dir / "whisper" / "tiny"
    assert installed.languages == ("ja", "vi")
    assert installed.sha256 == hashlib.sha256((small_model / "model.bin").read_bytes()).hexdigest()
    assert "model.bin" in (installed.path / "SHA256SUMS").read_text()
    assert [m.name for m in WhisperModels().list_installed(models_dir)] == ["tiny"]


@pytest.mark.parametrize("archive", ["tar.gz", "zip"])
def test_install_from_an_archive(small_model: Path, tmp_path: Path, archive: str) -> None:
    path = tmp_path / f"base.{archive}"
    if archive == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            for f in small_model.iterdir():
                zf.write(f, f"faster-whisper-base/{f.name}")
    else:
        with tarfile.open(path, "w:gz") as tf:
            tf.add(small_model, arcname="faster-whisper-base")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    installed = WhisperModels().install(tmp_path / "models", path, expected_sha256=digest)
    assert installed.name == "base" and (installed.path / "model.bin").is_file()


def test_wrong_expected_checksum_is_refused_and_nothing_is_left(small_model: Path, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="sha256 does not match"):
        WhisperModels().install(tmp_path / "models", small_model, expected_sha256="0" * 64)
    assert list((tmp_path / "models" / "whisper").iterdir()) == []


def test_damaged_model_with_shipped_checksums_is_refused(small_model: Path, tmp_path: Path) -> None:
    from pipelines.asr.models import write_checksums

    write_checksums(small_model)
    (small_model / "model.bin").write_bytes(b"tampered")
    with pytest.raises(ValueError, match=r"checksum mismatch for model\.bin"):
        WhisperModels().install(tmp_path / "models", small_model)


def test_something_that_is_not_a_model_is_refused_clearly(small_model: Path, tmp_path: Path) -> None:
    (small_model / "tokenizer.json").unlink()
    with pytest.raises(ValueError, match=r"missing tokenizer\.json"):
        WhisperModels().install(tmp_path / "models", small_model)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a model folder"):
        WhisperModels().install(tmp_path / "models", text)


def test_install_twice_and_remove(small_model: Path, tmp_path: Path) -> None:
    manager, models_dir = WhisperModels(), tmp_path / "models"
    manager.install(models_dir, small_model)
    with pytest.raises(ValueError, match="already installed"):
        manager.install(models_dir, small_model)
    manager.remove(models_dir, "tiny")
    assert manager.list_installed(models_dir) == []
    with pytest.raises(ValueError, match="no whisper model 'tiny'"):
        manager.remove(models_dir, "tiny")


def test_fetch_without_network_says_how_to_install_offline(tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="madoguchi models install whisper PATH"):
        WhisperModels().fetch(tmp_path / "models", "base", progress=lambda done, total: None)
    assert [p for p in (tmp_path / "models" / "whisper").iterdir() if not p.name.startswith(".")] == []
    with pytest.raises(ValueError, match="unknown Whisper size"):
        WhisperModels().fetch(tmp_path / "models", "gigantic")
    shutil.rmtree(tmp_path / "models")
