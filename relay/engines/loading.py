"""Loading the engines for the relay: those of ``pipelines`` plus the やさしい日本語 rewriter, which gets
the municipal glossary from the relay (the only layer that sees both packages)."""

from __future__ import annotations

from pathlib import Path

from pipelines.base import Engines
from pipelines.glossary import ensure_glossary_file
from pipelines.loader import load_engines
from relay.engines.easy_japanese import load_easy_japanese
from relay.settings import AppSettings


def editable_glossary_path(settings: AppSettings) -> Path | None:
    """``[mt] glossary_path`` when set (created as a copy of the built-in glossary if missing), else None."""
    mt = settings.section("mt")
    configured = getattr(mt, "glossary_path", "") if mt is not None else ""
    return ensure_glossary_file(Path(configured)) if configured else None


def load_relay_engines(settings: AppSettings) -> Engines:
    glossary = editable_glossary_path(settings)
    return load_engines(settings.sections, Path(settings.models.dir),
                        easy_japanese=load_easy_japanese(settings.sections, glossary))
