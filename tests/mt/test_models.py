"""`madoguchi models` for Argos packages: offline install with validation, list, remove, fetch offline."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from pipelines.base import EngineUnavailable
from pipelines.download import ModelSources
from pipelines.models import model_managers
from pipelines.mt.models import ArgosModels

JA_EN = ("ja", "en")


def _rewrite(archive: Path, out: Path, rename: dict[str, str] | None = None,
             extra: dict[str, bytes] | None = None, drop: str = "", metadata: dict | None = None) -> Path:
    """A copy of ``archive`` with entries renamed, added, dropped or metadata replaced."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            name = info.filename
            if drop and name.endswith(drop):
                continue
            data = src.read(info)
            if metadata is not None and name.endswith("/metadata.json"):
                data = json.dumps(metadata).encode()
            for old, new in (rename or {}).items():
                name = name.replace(old, new, 1)
            dst.writestr(name, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out


def test_registry_offers_the_argos_manager() -> None:
    assert isinstance(model_managers()["argos"], ArgosModels)


def test_install_list_and_remove(tmp_path: Path, argos_archives: dict[tuple[str, str], Path]) -> None:
    manager = ArgosModels()
    installed = manager.install(tmp_path, argos_archives[JA_EN])
    assert installed.name == "translate-ja_en" and installed.languages == JA_EN
    assert installed.size_bytes > 100_000 and len(installed.sha256) == 64
    assert [m.name for m in manager.list_installed(tmp_path)] == ["translate-ja_en"]
    manager.remove(tmp_path, "ja-en")
    assert manager.list_installed(tmp_path) == []
    with pytest.raises(ValueError, match="no Argos package"):
        manager.remove(tmp_path, "ja-en")


def test_reinstall_replaces_the_package(tmp_path: Path, argos_archives: dict[tuple[str, str], Path]) -> None:
    manager = ArgosModels()
    manager.install(tmp_path, argos_archives[JA_EN])
    manager.install(tmp_path, argos_archives[JA_EN])
    assert len(manager.list_installed(tmp_path)) == 1
    assert not [p for p in (tmp_path / "argos").iterdir() if p.name.startswith(".")]


def test_install_from_an_unpacked_folder(tmp_path: Path, argos_archives: dict[tuple[str, str], Path]) -> None:
    with zipfile.ZipFile(argos_archives[JA_EN]) as archive:
        archive.extractall(tmp_path / "unpacked")
    folder = next((tmp_path / "unpacked").iterdir())
    installed = ArgosModels().install(tmp_path / "models", folder)
    assert installed.languages == JA_EN


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"extra": {"../evil.txt": b"x"}}, "unsafe path"),
        ({"extra": {"/etc/evil": b"x"}}, "unsafe path"),
        ({"extra": {"second-top/readme": b"x"}}, "one top folder"),
        ({"drop": "metadata.json"}, "metadata.json is missing"),
        ({"drop": "model.bin"}, "model.bin is missing"),
        ({"drop": "sentencepiece.model"}, "no tokenizer"),
        ({"metadata": {"from_code": "../../x", "to_code": "en"}}, "language code"),
    ],
)
def test_install_rejects_bad_archives(tmp_path: Path, argos_archives: dict[tuple[str, str], Path],
                                      change: dict, message: str) -> None:
    bad = _rewrite(argos_archives[JA_EN], tmp_path / "bad.argosmodel", **change)
    with pytest.raises(ValueError, match=message):
        ArgosModels().install(tmp_path / "models", bad)
    assert ArgosModels().list_installed(tmp_path / "models") == []
    assert not (tmp_path / "evil.txt").exists()


def test_install_rejects_links(tmp_path: Path, argos_archives: dict[tuple[str, str], Path]) -> None:
    bad = _rewrite(argos_archives[JA_EN], tmp_path / "bad.argosmodel")
    with zipfile.ZipFile(bad, "a") as archive:
        link = zipfile.ZipInfo("translate-ja_en-1_0/passwd")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ValueError, match="links"):
        ArgosModels().install(tmp_path / "models", bad)


def test_install_rejects_a_non_zip_and_a_wrong_checksum(tmp_path: Path,
                                                         argos_archives: dict[tuple[str, str], Path]) -> None:
    text = tmp_path / "notes.argosmodel"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not an Argos package"):
        ArgosModels().install(tmp_path / "models", text)
    copy = tmp_path / "ja_en.argosmodel"
    copy.write_bytes(argos_archives[JA_EN].read_bytes())
    (tmp_path / "ja_en.argosmodel.sha256").write_text("0" * 64 + "  ja_en.argosmodel\n")
    with pytest.raises(ValueError, match="SHA-256"):
        ArgosModels().install(tmp_path / "models", copy)


def test_fetch_without_network_says_how_to_install_offline(tmp_path: Path) -> None:
    os.environ.pop("ARGOS_PACKAGE_INDEX_URL", None)
    unreachable = ModelSources(argos_index_url="http://127.0.0.1:9/index.json", retries=0)  # discard port
    with pytest.raises(EngineUnavailable, match="madoguchi models install"):
        ArgosModels(unreachable).fetch(tmp_path, "ja-en")
    with pytest.raises(ValueError, match="language pair"):
        ArgosModels().fetch(tmp_path, "japanese")
