"""``madoguchi models … whisper``: Whisper models in CTranslate2 format under ``<models_dir>/whisper/<name>/``.

Installing copies or unpacks a model into a scratch folder next to its destination, checks it is a
faster-whisper model (``model.bin``, ``config.json``, ``tokenizer.json`` — without the tokenizer
faster-whisper would go to the network), verifies any ``SHA256SUMS`` shipped with it and an expected
checksum when given, writes ``SHA256SUMS`` for every file, then renames the folder into place.
Only ``fetch`` uses the network.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path

from pipelines.base import EngineUnavailable, InstalledModel, ProgressCallback
from pipelines.download import (
    DownloadFailed,
    ModelSources,
    discard_download,
    discard_if_empty,
    download_dir,
    fetch_hub_model,
    matching,
    offline_reason,
)
from pipelines.models import sha256_file

CHECKSUMS = "SHA256SUMS"
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
FETCHABLE_SIZES = ("tiny", "base", "small", "medium", "large-v3")
_FETCH_PATTERNS = ["config.json", "model.bin", "tokenizer.json", "vocabulary.*", "preprocessor_config.json"]


def missing_files(folder: Path) -> list[str]:
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if not any((folder / v).is_file() for v in ("vocabulary.json", "vocabulary.txt")):
        missing.append("vocabulary.json")
    return missing


def model_languages(folder: Path) -> tuple[str, ...]:
    """Languages the model knows, read from its language token ids (``("en",)`` for English-only)."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    vocab_json, vocab_txt = folder / "vocabulary.json", folder / "vocabulary.txt"
    if vocab_json.is_file():
        vocabulary = json.loads(vocab_json.read_text(encoding="utf-8"))
    else:
        vocabulary = vocab_txt.read_text(encoding="utf-8").split("\n")
    tokens = [vocabulary[i] for i in config.get("lang_ids") or [] if i < len(vocabulary)]
    return tuple(token[2:-2] for token in tokens) or ("en",)


def write_checksums(folder: Path) -> dict[str, str]:
    sums = {p.name: sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != CHECKSUMS}
    (folder / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sums.items()), encoding="utf-8")
    return sums


def read_checksums(folder: Path) -> dict[str, str]:
    path = folder / CHECKSUMS
    if not path.is_file():
        return {}
    pairs = (line.split(maxsplit=1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {name.strip().lstrip("*"): digest for digest, name in pairs}


def verify_checksums(folder: Path) -> None:
    """Raise ``ValueError`` naming the first file whose sha256 differs from ``SHA256SUMS``."""
    for name, expected in read_checksums(folder).items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != expected:
            raise ValueError(f"checksum mismatch for {name} in {folder}: the model is damaged or altered")


def _model_root(folder: Path) -> Path:
    """An archive usually holds the model in one top-level folder."""
    if (folder / "model.bin").is_file():
        return folder
    candidates = [p for p in folder.iterdir() if p.is_dir() and (p / "model.bin").is_file()]
    return candidates[0] if len(candidates) == 1 else folder


def _unpack(source: Path, scratch: Path) -> Path:
    name = source.name.lower()
    if source.is_dir():
        target = scratch / "model"
        shutil.copytree(source, target)
        return target
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(source) as archive:
            archive.extractall(scratch / "unpacked", filter="data")
    elif name.endswith(".zip"):
        with zipfile.ZipFile(source) as archive:
            for member in archive.namelist():  # refuse paths that would escape the folder
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ValueError(f"{source}: unsafe path {member!r} in archive")
            archive.extractall(scratch / "unpacked")
    else:
        raise ValueError(f"{source}: not a model folder, .tar.gz or .zip archive")
    return _model_root(scratch / "unpacked")


def default_name(source: Path) -> str:
    name = source.name
    for suffix in (".tar.gz", ".tgz", ".tar", ".zip"):
        name = name.removesuffix(suffix)
    return name.removeprefix("faster-whisper-")


class WhisperModels:
    kind = "whisper"

    def __init__(self, sources: ModelSources | None = None) -> None:
        self.sources = sources or ModelSources()

    def folder(self, models_dir: Path) -> Path:
        return Path(models_dir) / self.kind

    def list_installed(self, models_dir: Path) -> list[InstalledModel]:
        root = self.folder(models_dir)
        if not root.is_dir():
            return []
        return [self.describe(p) for p in sorted(root.iterdir())
                if p.is_dir() and not p.name.startswith(".") and not missing_files(p)]

    def describe(self, folder: Path) -> InstalledModel:
        size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
        return InstalledModel(kind=self.kind, name=folder.name, path=folder, languages=model_languages(folder),
                              size_bytes=size, sha256=read_checksums(folder).get("model.bin", ""))

    def install(self, models_dir: Path, source: Path, name: str | None = None,
                expected_sha256: str | None = None) -> InstalledModel:
        """``expected_sha256`` may be the archive's checksum or that of ``model.bin``."""
        source = Path(source)
        if not source.exists():
            raise ValueError(f"{source}: no such file or folder")
        name = name or default_name(source)
        root = self.folder(models_dir)
        target = root / name
        if target.exists():
            raise ValueError(f"whisper model '{name}' is already installed in {target}; remove it first")
        root.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".install-{name}-", dir=root))
        try:
            model = _unpack(source, scratch)
            self._check(model, source, expected_sha256)
            write_checksums(model)
            model.rename(target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return self.describe(target)

    def _check(self, model: Path, source: Path, expected_sha256: str | None) -> None:
        missing = missing_files(model)
        if missing:
            raise ValueError(f"{source} is not a faster-whisper (CTranslate2) model: missing {', '.join(missing)}")
        verify_checksums(model)  # when the model came with a SHA256SUMS
        if expected_sha256:
            actual = {sha256_file(model / "model.bin")} | ({sha256_file(source)} if source.is_file() else set())
            if expected_sha256.lower() not in actual:
                raise ValueError(f"{source}: sha256 does not match the expected {expected_sha256}")

    def remove(self, models_dir: Path, name: str) -> None:
        target = self.folder(models_dir) / name
        if not target.is_dir() or name.startswith("."):
            raise ValueError(f"no whisper model '{name}' in {self.folder(models_dir)}")
        shutil.rmtree(target)

    def fetch(self, models_dir: Path, name: str, progress: ProgressCallback | None = None) -> InstalledModel:
        """Download ``Systran/faster-whisper-<size>`` from the hub (or the mirror in ``sources``),
        then install it. An interrupted fetch resumes where it stopped when run again."""
        if name not in FETCHABLE_SIZES:
            raise ValueError(f"unknown Whisper size '{name}': choose one of {', '.join(FETCHABLE_SIZES)}")
        repo = f"Systran/faster-whisper-{name}"
        self.folder(models_dir).mkdir(parents=True, exist_ok=True)
        partial = download_dir(self.folder(models_dir), name)
        try:
            if (why := offline_reason(self.sources)) is not None:
                raise DownloadFailed(f"cannot download {repo}: {why}")
            fetch_hub_model(self.sources, repo, matching(_FETCH_PATTERNS), partial, progress)
        except DownloadFailed as exc:
            discard_if_empty(partial)
            raise EngineUnavailable(
                f"{exc}. Without a network, copy a faster-whisper model folder or archive here and run "
                "`madoguchi models install whisper PATH` (or set [models] hub_url to a mirror)."
            ) from exc
        installed = self.install(models_dir, partial, name=name)
        discard_download(partial)
        return installed
