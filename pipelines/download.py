"""Downloads for ``madoguchi models fetch``, from the public hubs or from a city's own mirror.

Only ``fetch`` ever uses the network, and all of it goes through here:
- **where from**: ``ModelSources`` — the Hugging Face hub (or a mirror serving the hub's layout,
  ``<hub>/<repo>/resolve/<revision>/<file>`` and ``<hub>/api/models/<repo>/tree/<revision>``) and
  the Argos package index (or a mirror's copy of ``index.json`` whose links point into the mirror).
  Air-gapped cities set ``[models] hub_url`` / ``argos_index_url`` to their internal mirror.
- **resumable**: a file is written to ``<file>.part``; a broken transfer is retried from where it
  stopped with an HTTP ``Range`` request (``retries`` times, ``retry_pause_s`` apart), and a ``.part``
  left by an interrupted earlier fetch is resumed the same way. A server that ignores ``Range`` is
  read again from the start.
- **checked**: the announced size and, where the source publishes one, the SHA-256 (the hub's LFS
  ``oid``, an index entry's ``sha256``) or md5 (piper-voices' ``voices.json``); a mismatch deletes the
  download and raises ``DownloadCorrupt``.
- **progress**: ``progress(done, total)`` after every block, summed over all files of one model.
- **clear errors**: ``DownloadFailed`` names the URL, why, and the setting that points elsewhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.base import EngineError, EngineUnavailable, ProgressCallback

HUB_URL = "https://huggingface.co"
ARGOS_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
_BLOCK = 1 << 16


class DownloadFailed(EngineUnavailable, ConnectionError):
    """The source could not be reached or refused the file (an ``OSError`` too)."""


class DownloadCorrupt(EngineError, ValueError):
    """A file arrived, but not the one published: wrong size or checksum."""


@dataclass(frozen=True)
class ModelSources:
    """Where ``fetch`` downloads from (the ``[models]`` settings)."""

    hub_url: str = HUB_URL
    argos_index_url: str = ARGOS_INDEX_URL
    retries: int = 3
    retry_pause_s: float = 2.0
    timeout_s: float = 30.0

    def hub_file_url(self, repo: str, path: str, revision: str = "main") -> str:
        return f"{self.hub_url.rstrip('/')}/{repo}/resolve/{revision}/{urllib.parse.quote(path)}"

    def hub_tree_url(self, repo: str, revision: str = "main") -> str:
        return f"{self.hub_url.rstrip('/')}/api/models/{repo}/tree/{revision}"

    @property
    def public_hub(self) -> bool:
        return self.hub_url.rstrip("/") == HUB_URL


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int | None = None
    sha256: str | None = None
    md5: str | None = None


class Tally:
    """Progress summed over the files of one model (``total`` 0: unknown until a file announces it)."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self.callback, self.total, self.finished, self.current = callback, total, 0, 0

    def at(self, done_in_file: int) -> None:
        self.current = done_in_file
        if self.callback:
            done = self.finished + done_in_file
            self.callback(done, max(self.total, done) if self.total else 0)

    def file_done(self) -> None:
        self.finished += self.current
        self.current = 0


def tally(progress: ProgressCallback | None, total: int = 0) -> Tally:
    return Tally(progress, total)


def fetch_json(url: str, sources: ModelSources) -> Any:
    """A small JSON document (an index, a listing), with the same retries and errors as a file."""
    body = b""
    for attempt in range(sources.retries + 1):
        try:
            with urllib.request.urlopen(url, timeout=sources.timeout_s) as response:
                body = response.read()
            break
        except urllib.error.HTTPError as err:
            if err.code < 500 or attempt == sources.retries:
                raise DownloadFailed(f"cannot download {url}: HTTP {err.code} {err.reason}") from err
        except (OSError, http.client.HTTPException) as err:
            if attempt == sources.retries:
                raise DownloadFailed(f"cannot download {url}: {_why(err)} (tried {attempt + 1} times)") from err
        time.sleep(sources.retry_pause_s)
    try:
        return json.loads(body)
    except ValueError as err:
        raise DownloadCorrupt(f"{url} is not valid JSON: {err}") from err


def fetch_file(url: str, target: Path, sources: ModelSources, remote: RemoteFile,
               tally: Tally | None = None) -> Path:
    """Download ``url`` to ``target`` (resuming ``target.part``), check it, rename it into place."""
    part = target.with_name(target.name + ".part")
    tally = tally or Tally(None, remote.size or 0)
    for attempt in range(sources.retries + 1):
        try:
            _transfer(url, part, sources.timeout_s, remote.size, tally)
            break
        except urllib.error.HTTPError as err:
            if err.code == 416:  # the .part is already complete or stale: start over
                part.unlink(missing_ok=True)
            if (err.code < 500 and err.code != 416) or attempt == sources.retries:
                raise DownloadFailed(f"cannot download {url}: HTTP {err.code} {err.reason}") from err
        except (OSError, http.client.HTTPException) as err:  # refused, reset, timed out, cut short
            if attempt == sources.retries:
                raise DownloadFailed(f"cannot download {url}: {_why(err)} (tried {attempt + 1} times)") from err
        time.sleep(sources.retry_pause_s)
    _verify(part, remote, url)
    os.replace(part, target)
    tally.file_done()
    return target


def fetch_hub_model(sources: ModelSources, repo: str, wanted: Callable[[str], bool], destination: Path,
                    progress: ProgressCallback | None) -> Path:
    """The files of a hub repository that ``wanted`` accepts, into ``destination`` (resumable)."""
    files = [f for f in hub_listing(sources, repo) if wanted(f.path)]
    if not files:
        raise DownloadFailed(f"{sources.hub_tree_url(repo)} lists no model files for {repo}")
    destination.mkdir(parents=True, exist_ok=True)
    tally = Tally(progress, sum(f.size or 0 for f in files))
    for remote in files:
        target = destination / remote.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if _already_there(target, remote):  # finished by an earlier, interrupted fetch
            tally.at(target.stat().st_size)
            tally.file_done()
            continue
        fetch_file(sources.hub_file_url(repo, remote.path), target, sources, remote, tally)
    return destination


def hub_listing(sources: ModelSources, repo: str, revision: str = "main") -> list[RemoteFile]:
    """Every file of a hub repository with its size and, for LFS files, its SHA-256."""
    entries = fetch_json(sources.hub_tree_url(repo, revision), sources)
    files = []
    for entry in entries:
        if entry.get("type", "file") != "file":
            continue
        lfs = entry.get("lfs") or {}
        files.append(RemoteFile(path=str(entry["path"]), size=lfs.get("size", entry.get("size")),
                                sha256=lfs.get("oid") or lfs.get("sha256")))
    return files


def offline_reason(sources: ModelSources) -> str | None:
    """Why the public hub must not be asked (``HF_HUB_OFFLINE`` set); a configured mirror is the
    city's own server and is always asked."""
    if sources.public_hub and os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0"):
        return "HF_HUB_OFFLINE is set"
    return None


def download_dir(root: Path, name: str) -> Path:
    """Where one model's partial downloads wait to be resumed: ``<root>/.downloads/<name>``."""
    return root / ".downloads" / name


def discard_download(folder: Path) -> None:
    """Remove one model's download folder (and ``.downloads`` when nothing else waits there)."""
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.parent.rmdir()


def discard_if_empty(folder: Path) -> None:
    """Remove a download folder that holds no partial file worth resuming."""
    if folder.is_dir() and not any(p.is_file() and p.stat().st_size for p in folder.rglob("*")):
        discard_download(folder)


def replace_folder(staged: Path, final: Path) -> None:
    """Put a fully written ``staged`` folder at ``final`` by renames, replacing a folder already there:
    a relay starting meanwhile sees the old model or the new one, never half of one."""
    if final.exists():
        old = final.parent / f".old-{final.name}-{os.getpid()}"
        os.rename(final, old)
        shutil.rmtree(old, ignore_errors=True)
    os.rename(staged, final)


# ------------------------------------------------------------------ internals


def _transfer(url: str, part: Path, timeout_s: float, size: int | None, tally: Tally) -> None:
    have = part.stat().st_size if part.exists() else 0
    if size is not None and have > size:
        part.unlink()
        have = 0
    if size is not None and have == size:
        tally.at(have)
        return
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    with urllib.request.urlopen(request, timeout=timeout_s) as response:
        if have and response.status != 206:
            have = 0  # the server ignored Range and sends the whole file
        length = response.headers.get("Content-Length")
        expected = have + int(length) if length is not None else None
        if tally.total == 0 and expected:
            tally.total = expected
        with part.open("ab" if have else "wb") as out:
            written = have
            tally.at(written)
            while block := response.read(_BLOCK):
                out.write(block)
                written += len(block)
                tally.at(written)
        if expected is not None and written < expected:
            raise http.client.IncompleteRead(b"", expected - written)


def _already_there(target: Path, remote: RemoteFile) -> bool:
    if not target.is_file() or remote.size is None or target.stat().st_size != remote.size:
        return False
    return remote.sha256 is None or _digest(target, "sha256") == remote.sha256.lower()


def _verify(part: Path, remote: RemoteFile, url: str) -> None:
    problems = []
    if remote.size is not None and part.stat().st_size != remote.size:
        problems.append(f"{part.stat().st_size} bytes, published {remote.size}")
    for algorithm, expected in (("sha256", remote.sha256), ("md5", remote.md5)):
        if expected and (actual := _digest(part, algorithm)) != expected.lower():
            problems.append(f"{algorithm} {actual}, published {expected}")
    if problems:
        part.unlink(missing_ok=True)
        raise DownloadCorrupt(f"{url}: the downloaded file is not the published one ({'; '.join(problems)}); "
                              "it was deleted — run the fetch again, or check the mirror's copy")


def _digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _why(err: BaseException) -> str:
    if isinstance(err, urllib.error.URLError) and err.reason is not None:
        return str(err.reason)
    if isinstance(err, http.client.IncompleteRead):
        return f"the transfer broke off ({err.expected} bytes missing)"
    return f"{type(err).__name__}: {err}"


def matching(patterns: Iterable[str]) -> Callable[[str], bool]:
    """A ``wanted`` filter from shell patterns (``vocabulary.*``)."""
    import fnmatch

    chosen = tuple(patterns)
    return lambda path: any(fnmatch.fnmatch(path, p) for p in chosen)
