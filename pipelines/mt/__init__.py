"""Machine translation on Argos Translate packages, fully offline.

``load_translator(config, models_dir)`` finds the packages under ``<models_dir>/argos/`` and returns an
``ArgosTranslator``: phrasebook bypass, glossary protection, our own sentence splitting, n-best
confidence, an LRU cache, and pivoting through English. With no package installed it still returns a
translator (``status().ready`` is False, with the reason) whose phrasebook answers exact phrases.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from pipelines.mt.backend import (
    ArgosPackageTranslator,
    SentenceTranslator,
    installed_package_dirs,
    point_argos_at,
)
from pipelines.mt.batching import BatchingSentenceTranslator
from pipelines.mt.config import MtConfig
from pipelines.mt.engine import ArgosTranslator
from pipelines.phrasebook import Phrasebook, load_phrasebook

__all__ = ["ArgosTranslator", "MtConfig", "language_coverage", "load_translator"]

log = logging.getLogger(__name__)


def load_translator(config: MtConfig, models_dir: Path) -> ArgosTranslator:
    """Never raises for missing models: the relay shows ``status()`` and the phrasebook keeps working.
    Raises ``ValueError`` for an unreadable glossary or phrasebook file."""
    point_argos_at(models_dir)
    pairs: dict[tuple[str, str], SentenceTranslator] = {}
    problems: list[str] = []
    for package_dir in installed_package_dirs(models_dir):
        try:
            package = ArgosPackageTranslator(package_dir, config.max_concurrent,
                                             config.threads_per_translation, config.compute_type)
        except Exception as err:  # a broken package must not take the other languages down
            problems.append(f"{package_dir.name}: {err}")
            log.warning("skipping Argos package %s: %s", package_dir, err)
            continue
        if package.source and package.target and hasattr(package.package, "tokenizer"):
            pairs[package.source, package.target] = batched(package, config)
        else:
            problems.append(f"{package_dir.name}: not a translation package with a tokenizer")
    reason = "" if pairs else _missing_reason(models_dir, problems)
    return ArgosTranslator(config, pairs, missing_reason=reason)


def batched(package: SentenceTranslator, config: MtConfig) -> SentenceTranslator:
    """The package as the turns share it: batching the utterances of concurrent turns when ``batch_size`` > 1."""
    if config.batch_size <= 1:
        return package
    return BatchingSentenceTranslator(package, batch_size=config.batch_size, window_s=config.batch_window_ms / 1000.0,
                                      max_running=max(1, config.max_concurrent))


def _missing_reason(models_dir: Path, problems: list[str]) -> str:
    reason = ("phrasebook only: until an Argos translation package is installed, only the phrasebook's "
              f"fixed phrases are translated (none under {models_dir / 'argos'}")
    if problems:
        reason += "; unusable: " + "; ".join(problems)
    reason += "); install one with `madoguchi models install argos FILE.argosmodel`"
    if not models_dir.is_dir():  # a typo in models.dir: say that first
        reason = f"the models folder {models_dir.absolute()} does not exist (check [models] dir); {reason}"
    return reason


def language_coverage(translator: object, languages: Iterable[str],
                      phrasebook: Phrasebook | None = None) -> dict[str, dict[str, object]]:
    """Per language: MT from and to Japanese (directly or through the pivot), and phrasebook share."""
    book = phrasebook or getattr(translator, "phrasebook", None) or load_phrasebook()
    supports = getattr(translator, "supports", None)
    coverage: dict[str, dict[str, object]] = {}
    for lang in languages:
        coverage[lang] = {
            "mt_from_ja": bool(supports and supports("ja", lang)),
            "mt_to_ja": bool(supports and supports(lang, "ja")),
            "phrasebook": round(book.coverage(lang), 3),
        }
    return coverage
