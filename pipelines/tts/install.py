"""Offline installation of one Piper voice: find the pair, validate it, copy it into place atomically."""

from __future__ import annotations

import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import onnxruntime

from pipelines.download import replace_folder
from pipelines.models import sha256_file
from pipelines.tts.voices import VoiceFormatError, VoiceInfo, read_voice, voices_dir

CHECKSUM_FILE = "SHA256SUMS"
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")
_REQUIRED_INPUTS = {"input", "input_lengths", "scales"}
_EXTRA_FILES = ("MODEL_CARD", "ALIASES")


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(_ARCHIVE_SUFFIXES)


@contextmanager
def unpacked(source: Path) -> Iterator[Path]:
    """``source`` itself, or a temporary folder holding the archive's contents."""
    if not is_archive(source):
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="madoguchi-piper-") as tmp:
        try:
            if source.name.lower().endswith(".zip"):
                _unzip(source, Path(tmp))
            else:
                with tarfile.open(source) as archive:
                    archive.extractall(tmp, filter="data")  # refuses absolute paths and ../
        except (tarfile.TarError, zipfile.BadZipFile, OSError) as err:
            raise VoiceFormatError(f"{source.name} is not a readable archive: {err}") from err
        yield Path(tmp)


def _unzip(source: Path, target: Path) -> None:
    with zipfile.ZipFile(source) as archive:
        for member in archive.namelist():
            resolved = (target / member).resolve()
            if not resolved.is_relative_to(target.resolve()):
                raise VoiceFormatError(f"{source.name} holds a path outside the archive: {member}")
        archive.extractall(target)


def find_model(source: Path) -> Path:
    """The one ``.onnx`` in ``source`` (a file, or a folder searched recursively)."""
    if source.is_file():
        if source.suffix != ".onnx":
            raise VoiceFormatError(f"{source.name}: give a voice folder, a .onnx file or an archive")
        return source
    if not source.is_dir():
        raise VoiceFormatError(f"{source} does not exist")
    models = sorted(source.rglob("*.onnx"))
    if not models:
        raise VoiceFormatError(f"{source} holds no .onnx voice model")
    if len(models) > 1:
        names = ", ".join(p.name for p in models)
        raise VoiceFormatError(f"{source} holds {len(models)} voices ({names}); install one .onnx file at a time")
    return models[0]


def read_checksums(folder: Path) -> dict[str, str]:
    """``sha256sum`` output (``<hex>  <file>``) from ``folder/SHA256SUMS``, if present."""
    listing = folder / CHECKSUM_FILE
    if not listing.is_file():
        return {}
    sums = {}
    for line in listing.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


def verify_checksums(voice: VoiceInfo) -> str:
    """Checks the pair against a ``SHA256SUMS`` shipped with it; returns the model's sha256."""
    expected = read_checksums(voice.onnx_path.parent)
    actual = {}
    for path in (voice.onnx_path, voice.config_path):
        actual[path.name] = sha256_file(path)
        want = expected.get(path.name)
        if want is not None and want != actual[path.name]:
            raise VoiceFormatError(f"{path.name}: sha256 {actual[path.name]} does not match {CHECKSUM_FILE} ({want})")
    return actual[voice.onnx_path.name]


def check_graph(voice: VoiceInfo) -> None:
    """The model must load in onnxruntime with a Piper VITS interface matching its config."""
    try:
        session = onnxruntime.InferenceSession(str(voice.onnx_path), providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own types for corrupt files
        raise VoiceFormatError(f"{voice.onnx_path.name} is not a loadable ONNX model: {err}") from err
    inputs = {i.name for i in session.get_inputs()}
    missing = _REQUIRED_INPUTS - inputs
    if missing:
        raise VoiceFormatError(f"{voice.onnx_path.name} lacks Piper inputs {sorted(missing)} (has {sorted(inputs)})")
    if ("sid" in inputs) != (voice.num_speakers > 1):
        raise VoiceFormatError(
            f"{voice.onnx_path.name}: config says {voice.num_speakers} speaker(s) but the model "
            f"{'takes' if 'sid' in inputs else 'has no'} a speaker id input"
        )


def copy_into_place(models_dir: Path, voice: VoiceInfo, sha256: str) -> Path:
    """Copy the pair to ``<models_dir>/piper/<name>/`` via a temporary folder and a rename, so a relay
    starting meanwhile never sees half a voice. An installed voice of the same name is replaced."""
    root = voices_dir(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    final = root / voice.name
    tmp = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
    try:
        shutil.copyfile(voice.onnx_path, tmp / f"{voice.name}.onnx")
        shutil.copyfile(voice.config_path, tmp / f"{voice.name}.onnx.json")
        for extra in _EXTRA_FILES:
            if (voice.onnx_path.parent / extra).is_file():
                shutil.copyfile(voice.onnx_path.parent / extra, tmp / extra)
        config_sum = sha256_file(tmp / f"{voice.name}.onnx.json")
        (tmp / CHECKSUM_FILE).write_text(f"{sha256}  {voice.name}.onnx\n{config_sum}  {voice.name}.onnx.json\n")
        replace_folder(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def install_voice(models_dir: Path, source: Path) -> tuple[Path, VoiceInfo, str]:
    """Validate the voice in ``source`` and install it; returns (folder, info of the source, sha256)."""
    with unpacked(source) as folder:
        voice = read_voice(find_model(folder))
        sha256 = verify_checksums(voice)
        check_graph(voice)
        return copy_into_place(models_dir, voice, sha256), voice, sha256
