"""Registry of model managers: ``madoguchi models`` and ``madoguchi check`` go through here."""

from __future__ import annotations

from pipelines.base import ModelManager


def model_managers() -> dict[str, ModelManager]:
    """Every kind of model the relay can list, install, fetch and remove, by kind name."""
    managers: dict[str, ModelManager] = {}
    for module_name, attr in (
        ("pipelines.asr.models", "WhisperModels"),
        ("pipelines.mt.models", "ArgosModels"),
        ("pipelines.tts.models", "PiperModels"),
    ):
        try:
            module = __import__(module_name, fromlist=[attr])
        except ImportError:
            continue  # an engine area that is not part of this build
        manager = getattr(module, attr)()
        managers[manager.kind] = manager
    return managers
