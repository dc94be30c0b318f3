"""``madoguchi models … argos``: list, install (offline), fetch (online) and remove Argos packages.

Packages live unpacked under ``<models_dir>/argos/translate-<from>_<to>/``. An archive is checked
before anything is written: a zip with one top folder, no absolute or ``..`` paths, no links,
``metadata.json`` naming the two languages, a CTranslate2 ``model/model.bin`` and a tokenizer. It is
unpacked beside its final place and moved in with one rename, so a translator never sees half a package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from pipelines.base import EngineUnavailable, InstalledModel, ProgressCallback
from pipelines.download import (
    DownloadFailed,
    ModelSources,
    RemoteFile,
    discard_download,
    discard_if_empty,
    download_dir,
    fetch_file,
    fetch_json,
    tally,
)
from pipelines.models import sha256_file
from pipelines.mt.backend import ARGOS_SUBDIR, installed_package_dirs, read_metadata

MAX_UNPACKED_BYTES = 4 * 1024**3
_LANG_CODE = re.compile(r"^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})?$")
_TOKENIZERS = ("sentencepiece.model", "bpe.model")
CHECKSUM_FILE = ".madoguchi-sha256"


def package_name(source: str, target: str) -> str:
    return f"translate-{source}_{target}"


class ArgosModels:
    kind = "argos"

    def __init__(self, sources: ModelSources | None = None) -> None:
        self.sources = sources or ModelSources()

    def list_installed(self, models_dir: Path) -> list[InstalledModel]:
        models = []
        for folder in installed_package_dirs(models_dir):
            try:
                meta = read_metadata(folder)
            except (OSError, ValueError):
                continue
            checksum = folder / CHECKSUM_FILE
            models.append(InstalledModel(
                kind=self.kind, name=folder.name, path=folder,
                languages=(str(meta.get("from_code", "")), str(meta.get("to_code", ""))),
                size_bytes=_folder_size(folder),
                sha256=checksum.read_text().strip() if checksum.exists() else "",
            ))
        return models

    def install(self, models_dir: Path, source: Path) -> InstalledModel:
        source = Path(source)
        if not source.exists():
            raise ValueError(f"{source} does not exist")
        if source.is_dir():
            return self._install_folder(models_dir, source, sha256="")
        if not zipfile.is_zipfile(source):
            raise ValueError(f"{source} is not an Argos package (.argosmodel zip archive or folder)")
        sha256 = _verified_sha256(source)
        root = models_dir / ARGOS_SUBDIR
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=".unpack-") as tmp, zipfile.ZipFile(source) as archive:
            top = _check_archive(archive, source)
            archive.extractall(tmp)
            return self._install_folder(models_dir, Path(tmp) / top, sha256)

    def fetch(self, models_dir: Path, name: str, progress: ProgressCallback | None = None) -> InstalledModel:
        """``name`` is ``ja-en``, ``ja_en`` or ``translate-ja_en``; downloads from the Argos index (or
        the mirror's copy of it in ``sources``). An entry's optional ``sha256`` is checked."""
        source, target = _parse_pair(name)
        index_url = os.environ.get("ARGOS_PACKAGE_INDEX_URL") or self.sources.argos_index_url
        package = package_name(source, target)
        partial = download_dir(models_dir / ARGOS_SUBDIR, package)
        try:
            index = fetch_json(index_url, self.sources)
            entry = next((p for p in index if p.get("from_code") == source and p.get("to_code") == target), None)
            if entry is None or not entry.get("links"):
                raise ValueError(f"the Argos index {index_url} has no package {source}→{target}")
            partial.mkdir(parents=True, exist_ok=True)
            archive = fetch_file(entry["links"][0], partial / f"{package}.argosmodel", self.sources,
                                 RemoteFile(path=f"{package}.argosmodel", sha256=entry.get("sha256")),
                                 tally(progress))
        except DownloadFailed as err:
            discard_if_empty(partial)
            raise EngineUnavailable(
                f"{err}. Without a network, copy a .argosmodel file here and run "
                "`madoguchi models install argos FILE.argosmodel` (or set [models] argos_index_url to a mirror)"
            ) from err
        installed = self.install(models_dir, archive)
        discard_download(partial)
        return installed

    def remove(self, models_dir: Path, name: str) -> None:
        folder = self._find(models_dir, name)
        trash = folder.with_name(f".removing-{folder.name}")
        os.replace(folder, trash)  # gone for readers at once, deleted afterwards
        shutil.rmtree(trash)

    def _find(self, models_dir: Path, name: str) -> Path:
        wanted = {name, package_name(*_parse_pair(name))} if _pair_like(name) else {name}
        for model in self.list_installed(models_dir):
            if model.name in wanted:
                return model.path
        raise ValueError(f"no Argos package {name!r} is installed under {models_dir / ARGOS_SUBDIR}")

    def _install_folder(self, models_dir: Path, folder: Path, sha256: str) -> InstalledModel:
        meta = _check_package_folder(folder)
        root = models_dir / ARGOS_SUBDIR
        root.mkdir(parents=True, exist_ok=True)
        final = root / package_name(meta["from_code"], meta["to_code"])
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
        shutil.copytree(folder, staging, dirs_exist_ok=True, symlinks=False)
        if sha256:
            (staging / CHECKSUM_FILE).write_text(sha256 + "\n")
        if final.exists():
            old = final.with_name(f".replaced-{final.name}-{os.getpid()}")
            os.replace(final, old)
            os.replace(staging, final)
            shutil.rmtree(old)
        else:
            os.replace(staging, final)
        return next(m for m in self.list_installed(models_dir) if m.path == final)


def _check_archive(archive: zipfile.ZipFile, source: Path) -> str:
    """The archive's one top folder; ``ValueError`` for anything unsafe or not shaped like a package."""
    tops, total = set(), 0
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in info.filename or not path.parts:
            raise ValueError(f"{source}: unsafe path in archive: {info.filename!r}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ValueError(f"{source}: links are not allowed in a package: {info.filename!r}")
        tops.add(path.parts[0])
        total += info.file_size
    if len(tops) != 1:
        raise ValueError(f"{source}: an Argos package holds exactly one top folder, found {sorted(tops)}")
    if total > MAX_UNPACKED_BYTES:
        raise ValueError(f"{source}: unpacks to {total} bytes, more than the {MAX_UNPACKED_BYTES} allowed")
    top = tops.pop()
    names = set(archive.namelist())
    for required in ("metadata.json", "model/model.bin"):
        if f"{top}/{required}" not in names:
            raise ValueError(f"{source}: {top}/{required} is missing; not an Argos translation package")
    return top


def _check_package_folder(folder: Path) -> dict[str, Any]:
    if not (folder / "metadata.json").is_file():
        raise ValueError(f"{folder}: metadata.json is missing; not an Argos package")
    try:
        meta = read_metadata(folder)
    except json.JSONDecodeError as err:
        raise ValueError(f"{folder}/metadata.json is not valid JSON: {err}") from err
    for key in ("from_code", "to_code"):
        if not isinstance(meta.get(key), str) or not _LANG_CODE.match(meta[key]):
            raise ValueError(f"{folder}/metadata.json: {key} must be a language code such as 'ja', got {meta.get(key)!r}")
    if not (folder / "model" / "model.bin").is_file():
        raise ValueError(f"{folder}: model/model.bin (CTranslate2) is missing")
    if not any((folder / name).is_file() for name in _TOKENIZERS):
        raise ValueError(f"{folder}: no tokenizer (sentencepiece.model or bpe.model)")
    if meta.get("type", "translate") != "translate":
        raise ValueError(f"{folder}: package type {meta.get('type')!r} is not a translation package")
    return meta


def _verified_sha256(archive: Path) -> str:
    """The archive's SHA-256; checked against ``<archive>.sha256`` when that file exists."""
    actual = sha256_file(archive)
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.exists():
        expected = sidecar.read_text().split()[0].lower() if sidecar.read_text().split() else ""
        if expected != actual:
            raise ValueError(f"{archive}: SHA-256 {actual} does not match {sidecar.name} ({expected})")
    return actual


def _pair_like(name: str) -> bool:
    return bool(re.fullmatch(r"(translate-)?[a-z]{2,3}[-_][a-z]{2,3}", name))


def _parse_pair(name: str) -> tuple[str, str]:
    match = re.fullmatch(r"(?:translate-)?([a-z]{2,3})[-_]([a-z]{2,3})", name.strip())
    if not match:
        raise ValueError(f"{name!r} is not a language pair such as 'ja-en' or 'translate-ja_en'")
    return match.group(1), match.group(2)


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
