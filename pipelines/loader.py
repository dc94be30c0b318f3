"""Loads every engine that is installed, and says honestly why any other is missing.

A missing model never stops the relay: its slot holds a ``MissingEngine`` whose status carries the
reason, which ``/healthz``, ``madoguchi check`` and ``welcome`` report.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipelines.base import Engines, MissingEngine, Translator

log = logging.getLogger("madoguchi.engines")

# engine slot → (module, loader function, config section, status name)
_LOADERS = {
    "recognizer": ("pipelines.asr", "load_recognizer", "asr"),
    "translator": ("pipelines.mt", "load_translator", "mt"),
    "synthesizer": ("pipelines.tts", "load_synthesizer", "tts"),
}


def load_engine(slot: str, configs: Mapping[str, Any], models_dir: Path) -> Any:
    module_name, function, section = _LOADERS[slot]
    try:
        module = importlib.import_module(module_name)
        loader = getattr(module, function)
    except (ImportError, AttributeError) as exc:
        return MissingEngine(section, f"engine not available in this installation ({exc})")
    try:
        remote = _remote_engine(section, configs, models_dir)
        return remote if remote is not None else loader(configs[section], models_dir)
    except Exception as exc:  # a missing or broken model: report it, keep serving the rest
        reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
        if not models_dir.is_dir():  # a typo in models.dir: say that first, not which model is missing
            reason = f"the models folder {models_dir.absolute()} does not exist (check [models] dir); {reason}"
        log.warning("engine missing", extra={"engine": section, "reason": reason})
        return MissingEngine(section, reason)


def _remote_engine(section: str, configs: Mapping[str, Any], models_dir: Path) -> Any:
    """The engine on remote servers when ``[remote]`` lists some for this section (pipelines.remote)."""
    try:
        from pipelines.remote import load_remote_engine
    except ImportError:  # the wyoming package is not installed: in-process engines only
        return None
    return load_remote_engine(section, configs, models_dir)


def load_engines(configs: Mapping[str, Any], models_dir: Path, easy_japanese: Translator | None = None) -> Engines:
    """Every engine of this package; the やさしい日本語 rewriter is passed in by the relay, which owns
    the glossary it needs (``pipelines`` and ``easy_japanese`` do not import each other)."""
    return Engines(
        recognizer=load_engine("recognizer", configs, models_dir),
        translator=load_engine("translator", configs, models_dir),
        synthesizer=load_engine("synthesizer", configs, models_dir),
        easy_japanese=easy_japanese or MissingEngine("easy_japanese", "not loaded by this program"),
    )
