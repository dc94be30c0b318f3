"""``madoguchi models … piper``: offline install, validation, listing, removal, and fetch without network."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest

from pipelines.base import EngineUnavailable
from pipelines.models import model_managers
from pipelines.tts import TtsConfig, load_synthesizer
from pipelines.tts.models import PiperModels
from tests.tts.tts_voices import VOICES

pytestmark = pytest.mark.engine

JA = VOICES["ja"].name
EN = VOICES["en"].name


def copy_voice(voice_folders: dict[str, Path], key: str, target: Path) -> Path:
    """A fresh download-like folder holding one voice pair; returns its .onnx."""
    target.mkdir(parents=True, exist_ok=True)
    name = VOICES[key].name
    for suffix in (".onnx", ".onnx.json"):
        shutil.copyfile(voice_folders[key] / f"{name}{suffix}", target / f"{name}{suffix}")
    return target / f"{name}.onnx"


def test_installed_voice_is_listed_and_spoken(voice_folders: dict[str, Path], models_dir: Path,
                                               tmp_path: Path) -> None:
    manager = PiperModels()
    source = copy_voice(voice_folders, "ja", tmp_path / "download").parent
    installed = manager.install(models_dir, source)
    assert (installed.kind, installed.name, installed.languages) == ("piper", JA, ("ja",))
    assert installed.sha256 == hashlib.sha256((source / f"{JA}.onnx").read_bytes()).hexdigest()
    [listed] = manager.list_installed(models_dir)
    assert listed.name == JA and listed.size_bytes > (source / f"{JA}.onnx").stat().st_size
    assert listed.sha256 == installed.sha256
    [voice] = manager.list_voices(models_dir)
    assert (voice.lang, voice.sample_rate, voice.quality) == ("ja", 16000, "x_low")
    synth = load_synthesizer(TtsConfig(), models_dir)
    assert len(list(synth.synthesize("こんにちは。", "ja"))) == 1


def test_install_from_archives_and_from_one_file_of_a_flat_folder(voice_folders: dict[str, Path],
                                                                   models_dir: Path, tmp_path: Path) -> None:
    manager = PiperModels()
    flat = tmp_path / "flat"
    copy_voice(voice_folders, "ja", flat)
    en_onnx = copy_voice(voice_folders, "en", flat)
    assert manager.install(models_dir, en_onnx).name == EN

    tgz = tmp_path / "ja.tar.gz"
    with tarfile.open(tgz, "w:gz") as archive:
        archive.add(voice_folders["ja"], arcname=JA)
    assert manager.install(models_dir, tgz).name == JA

    zipped = tmp_path / "ja.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for suffix in (".onnx", ".onnx.json"):
            archive.write(voice_folders["ja"] / f"{JA}{suffix}", f"{JA}{suffix}")
    assert manager.install(models_dir, zipped).name == JA  # reinstall replaces
    assert sorted(m.name for m in manager.list_installed(models_dir)) == [EN, JA]


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda onnx: onnx.with_name(onnx.name + ".json").unlink(), r"\.onnx\.json"),
        (lambda onnx: onnx.write_bytes(b"not a model"), "not a loadable ONNX model"),
        (lambda onnx: _edit_config(onnx, language={"code": "xx_XX", "family": "xx"}, espeak={"voice": "xx"},
                                   _rename="xx_XX-odd-medium"), "no language"),
        (lambda onnx: _edit_config(onnx, phoneme_type="klingon"), "phoneme_type"),
        (lambda onnx: _edit_config(onnx, num_speakers=4), "speaker"),
        (lambda onnx: (onnx.parent / "SHA256SUMS").write_text(f"{'0' * 64}  {onnx.name}\n"), "sha256"),
    ],
)
def test_install_refuses_what_is_not_a_usable_voice(voice_folders: dict[str, Path], models_dir: Path,
                                                     tmp_path: Path, break_it: object, message: str) -> None:
    onnx = copy_voice(voice_folders, "ja", tmp_path / "bad")
    break_it(onnx)  # type: ignore[operator]
    source = onnx.parent if onnx.parent.exists() else tmp_path / "bad"
    with pytest.raises(ValueError, match=message):
        PiperModels().install(models_dir, source)
    assert PiperModels().list_installed(models_dir) == []


def _edit_config(onnx: Path, _rename: str = "", **changes: object) -> None:
    config_path = onnx.with_name(onnx.name + ".json")
    config = json.loads(config_path.read_text())
    config.update(changes)
    config_path.write_text(json.dumps(config))
    if _rename:
        onnx.rename(onnx.with_name(f"{_rename}.onnx"))
        config_path.rename(onnx.with_name(f"{_rename}.onnx.json"))


def test_install_refuses_several_voices_at_once_and_unsafe_archives(voice_folders: dict[str, Path],
                                                                    models_dir: Path, tmp_path: Path) -> None:
    both = tmp_path / "both"
    copy_voice(voice_folders, "ja", both)
    copy_voice(voice_folders, "en", both)
    with pytest.raises(ValueError, match=r"one \.onnx file at a time"):
        PiperModels().install(models_dir, both)
    evil = tmp_path / "evil.tar"
    with tarfile.open(evil, "w") as archive:
        data = b"x"
        info = tarfile.TarInfo("../escape.onnx")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(ValueError, match="archive"):
        PiperModels().install(models_dir, evil)
    assert not (tmp_path / "escape.onnx").exists()


def test_remove_uninstalls_and_unknown_names_are_refused(voice_folders: dict[str, Path], models_dir: Path,
                                                         tmp_path: Path) -> None:
    manager = PiperModels()
    manager.install(models_dir, copy_voice(voice_folders, "ja", tmp_path / "dl"))
    manager.remove(models_dir, JA)
    assert manager.list_installed(models_dir) == []
    with pytest.raises(ValueError, match="no piper voice"):
        manager.remove(models_dir, JA)


def test_fetch_without_network_says_how_to_install_offline(models_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EngineUnavailable, match="models install piper"):
        PiperModels().fetch(models_dir, "ja_JP-test-medium")  # HF_HUB_OFFLINE=1 from the test set-up
    monkeypatch.delenv("HF_HUB_OFFLINE")
    unreachable = PiperModels(base_url="http://127.0.0.1:9", timeout_s=2)  # discard port: refused
    with pytest.raises(EngineUnavailable, match="cannot download") as failure:
        unreachable.fetch(models_dir, "en_US-lessac-medium")
    assert isinstance(failure.value, OSError)
    with pytest.raises(ValueError, match="not a Piper voice name"):
        unreachable.fetch(models_dir, "lessac")
    assert not (models_dir / "piper").exists() or not any((models_dir / "piper").iterdir())


def test_piper_joins_the_model_registry() -> None:
    assert isinstance(model_managers()["piper"], PiperModels)
