"""Registry of model managers: ``madoguchi models`` and ``madoguchi check`` go through here."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.base import ModelManager

if TYPE_CHECKING:
    from pipelines.download import ModelSources


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks (model files run to gigabytes)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_managers(sources: ModelSources | None = None) -> dict[str, ModelManager]:
    """Every kind of model the relay can list, install, fetch and remove, by kind name; ``fetch``
    downloads from ``sources`` (default: the public hub and Argos index)."""
    managers: dict[str, ModelManager] = {}
    for module_name, attr in (
        ("pipelines.asr.models", "WhisperModels"),
        ("pipelines.mt.models", "ArgosModels"),
        ("pipelines.tts.models", "PiperModels"),
        ("pipelines.tts.kokoro_models", "KokoroModels"),
    ):
        try:
            module = __import__(module_name, fromlist=[attr])
        except ImportError:
            continue  # an engine area that is not part of this build
        manager = getattr(module, attr)(sources=sources)
        managers[manager.kind] = manager
    return managers
