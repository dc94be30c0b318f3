"""Remote engines on servers that already exist, chosen per engine in the ``[remote]`` section.

Speech recognition and speech output over the Wyoming protocol (``wyoming-faster-whisper``,
``wyoming-piper``), translation over the LibreTranslate HTTP API. Each keeps the relay's own logic
around the remote call (endpointing and partials; sentence splitting; phrasebook, glossary protection,
cache and confidence) and spreads its requests over several servers with failover (``servers``).
See docs/deployment.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipelines.remote.config import RemoteConfig

__all__ = ["RemoteConfig", "load_remote_engine"]


def load_remote_engine(section: str, configs: Mapping[str, Any], models_dir: Path) -> Any | None:
    """The remote engine for ``section`` (asr, mt, tts) when ``[remote]`` lists servers for it, else None."""
    remote = configs.get("remote")
    if not isinstance(remote, RemoteConfig):
        return None
    if section == "asr" and remote.asr_servers:
        from pipelines.remote.wyoming_asr import load_wyoming_recognizer

        return load_wyoming_recognizer(configs["asr"], remote, models_dir)
    if section == "tts" and remote.tts_servers:
        from pipelines.remote.wyoming_tts import load_wyoming_synthesizer

        return load_wyoming_synthesizer(configs["tts"], remote, models_dir)
    if section == "mt" and remote.mt_servers:
        from pipelines.remote.libretranslate import load_libretranslate

        return load_libretranslate(configs["mt"], remote, models_dir)
    return None
