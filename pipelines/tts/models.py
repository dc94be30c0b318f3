"""``madoguchi models … piper``: install, fetch, list and remove Piper voices.

Voices live in ``<models_dir>/piper/<voice-name>/`` as ``<voice-name>.onnx`` + ``<voice-name>.onnx.json``
(+ ``SHA256SUMS`` written at install). ``fetch`` downloads from the rhasspy/piper-voices repository on
Hugging Face; everything else works offline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pipelines.base import EngineUnavailable, InstalledModel, ProgressCallback
from pipelines.download import (
    HUB_URL,
    DownloadFailed,
    ModelSources,
    RemoteFile,
    discard_download,
    discard_if_empty,
    download_dir,
    fetch_file,
    tally,
)
from pipelines.tts.install import install_voice, read_checksums
from pipelines.tts.voices import VoiceFormatError, VoiceInfo, discover_voices, voices_dir

PIPER_VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
_VOICE_NAME = re.compile(r"^(?P<family>[a-z]{2,3})_(?P<region>[A-Z0-9]{2,3})-(?P<speaker>[^-/]+)-(?P<quality>[a-z_]+)$")
_CHUNK = 1 << 16


class VoiceDownloadFailed(EngineUnavailable, ConnectionError):
    """``fetch`` could not download; an ``OSError`` too, so callers that handle I/O errors catch it."""


class PiperModels:
    """``pipelines.base.ModelManager`` for Piper voices."""

    kind = "piper"

    def __init__(self, base_url: str | None = None, timeout_s: float = 30.0,
                 sources: ModelSources | None = None) -> None:
        self.sources = sources or ModelSources(timeout_s=timeout_s)
        hub = f"{self.sources.hub_url.rstrip('/')}/rhasspy/piper-voices/resolve/main"
        self.base_url = (base_url or hub).rstrip("/")
        self.timeout_s = timeout_s

    def list_installed(self, models_dir: Path) -> list[InstalledModel]:
        return [self._installed(voice) for voice in discover_voices(models_dir)]

    def list_voices(self, models_dir: Path) -> list[VoiceInfo]:
        """Like ``list_installed`` with what only a voice has: sample rate, quality, speakers."""
        return discover_voices(models_dir)

    def install(self, models_dir: Path, source: Path) -> InstalledModel:
        """From a voice folder, a ``.onnx`` file with its ``.onnx.json`` beside it, or an archive
        (.tar[.gz|.bz2|.xz], .tgz, .zip) holding one voice. Raises ``ValueError`` saying what is wrong."""
        folder, voice, sha256 = install_voice(models_dir, Path(source))
        installed = next((v for v in discover_voices(models_dir) if v.name == voice.name), None)
        if installed is None:
            raise VoiceFormatError(f"{voice.name} was copied to {folder} but cannot be read back")
        return self._installed(installed, sha256)

    def fetch(self, models_dir: Path, name: str, progress: ProgressCallback | None = None) -> InstalledModel:
        """Download e.g. ``ja_JP-…-medium`` or ``en_US-lessac-medium`` and install it."""
        match = _VOICE_NAME.match(name)
        if not match:
            raise ValueError(f"{name!r} is not a Piper voice name like 'en_US-lessac-medium'")
        if self.base_url.startswith(HUB_URL) and os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0"):
            raise VoiceDownloadFailed(_offline_hint(name, "HF_HUB_OFFLINE is set"))
        folder = download_dir(voices_dir(models_dir), name)  # kept on failure: a new fetch resumes
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self._download_pair(name, match, folder, progress)
        except VoiceDownloadFailed:
            discard_if_empty(folder)
            raise
        installed = self.install(models_dir, folder / f"{name}.onnx")
        discard_download(folder)
        return installed

    def remove(self, models_dir: Path, name: str) -> None:
        folder = voices_dir(models_dir) / name
        if not name or "/" in name or name.startswith(".") or not folder.is_dir():
            raise ValueError(f"no piper voice named {name!r} is installed")
        shutil.rmtree(folder)

    # ------------------------------------------------------------ internals

    @staticmethod
    def _installed(voice: VoiceInfo, sha256: str = "") -> InstalledModel:
        sha = sha256 or read_checksums(voice.onnx_path.parent).get(voice.onnx_path.name, "")
        return InstalledModel(
            kind="piper", name=voice.name, path=voice.onnx_path.parent, languages=(voice.lang,),
            size_bytes=voice.size_bytes, sha256=sha,
        )

    def _url(self, match: re.Match[str], name: str, suffix: str) -> str:
        family, region, speaker, quality = match.group("family", "region", "speaker", "quality")
        return f"{self.base_url}/{family}/{family}_{region}/{speaker}/{quality}/{name}{suffix}?download=true"

    def _download_pair(self, name: str, match: re.Match[str], folder: Path,
                       progress: ProgressCallback | None) -> None:
        expected = self._published_digests(name)
        for suffix in (".onnx.json", ".onnx"):
            target = folder / f"{name}{suffix}"
            self._download(self._url(match, name, suffix), target, name, progress if suffix == ".onnx" else None,
                           md5=expected.get(suffix) or None)

    def _published_digests(self, name: str) -> dict[str, str]:
        """md5 digests from the repository's voices.json, keyed by suffix ({} if the listing is unreadable)."""
        listing = Path(tempfile.mkstemp(suffix=".json")[1])
        try:
            self._download(f"{self.base_url}/voices.json?download=true", listing, name, None)
            voices: dict[str, Any] = json.loads(listing.read_text(encoding="utf-8"))
        except ValueError:
            return {}  # an unreadable listing only costs us the md5 check
        finally:
            listing.unlink(missing_ok=True)
        if name not in voices:
            raise ValueError(f"{name!r} is not in the piper-voices listing")
        digests = {}
        for path, meta in (voices[name].get("files") or {}).items():
            suffix = ".onnx.json" if path.endswith(".onnx.json") else ".onnx" if path.endswith(".onnx") else ""
            if suffix:
                digests[suffix] = str(meta.get("md5_digest", ""))
        return digests

    def _download(self, url: str, target: Path, name: str, progress: ProgressCallback | None,
                  md5: str | None = None) -> None:
        """Resumable, retried, md5-checked when the listing publishes one (``pipelines.download``)."""
        try:
            fetch_file(url, target, self.sources, RemoteFile(path=target.name, md5=md5), tally(progress))
        except DownloadFailed as err:  # refused, unreachable, HTTP errors, broken transfers
            raise VoiceDownloadFailed(_offline_hint(name, str(err))) from err


def _offline_hint(name: str, why: str) -> str:
    return (
        f"cannot download piper voice {name} ({why}). Without a network, copy {name}.onnx and "
        f"{name}.onnx.json from a machine that has one and run `madoguchi models install piper <folder>`"
    )
