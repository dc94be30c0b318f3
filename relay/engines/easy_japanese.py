"""The easy-Japanese mode of the relay: the ``easy_japanese`` rewriter as a ``pipelines.base.Translator``
from ja to ja-x-easy.

The adapter lives in the relay because only the relay may see both sides: ``easy_japanese`` knows
nothing of engines, ``pipelines`` nothing of the rewriter. The relay also owns the municipal glossary
(``[mt] glossary_path``, edited through the admin API): the adapter re-reads it when the file changes
and hands every version to the rewriter, so an admin's new term is kept and explained from the next
utterance on.

Confidence says how much is left that the rules could not simplify: every change the meaning guard
refused, every rare word our dictionary does not cover and every honorific still present lowers it, so
the relay's policy can escalate to a human interpreter when the rewrite is likely to be hard for the
resident.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from easy_japanese.analyzer import analyzer_status
from easy_japanese.config import EasyJapaneseConfig
from easy_japanese.rewrite import rewrite
from easy_japanese.rules.protect import GlossaryTerm, current_glossary, use_glossary
from easy_japanese.warmup import warm_up
from pipelines.base import (
    EASY_JAPANESE,
    EngineError,
    EngineStatus,
    EngineUnavailable,
    MissingEngine,
    RubySpan,
    Translation,
    Translator,
)
from pipelines.glossary import DEFAULT_GLOSSARY, read_glossary
from pipelines.mt.engine import ReloadingFile


def glossary_terms(path: Path) -> tuple[GlossaryTerm, ...]:
    """(term, reading, easy explanation) of every glossary entry that has an explanation."""
    return tuple((e.ja, e.reading, e.easy) for e in read_glossary(path) if e.ja and e.easy)


class EasyJapaneseTranslator:
    """Blocking and thread-safe: each worker thread gets its own fugashi Tagger."""

    def __init__(self, config: EasyJapaneseConfig | None = None, glossary_path: Path | None = None) -> None:
        self.config = config or EasyJapaneseConfig()
        self._options = self.config.options()
        self._glossary = ReloadingFile(glossary_path or DEFAULT_GLOSSARY, glossary_terms, lambda: None)
        self._use_current_glossary()

    def _use_current_glossary(self) -> None:
        terms = self._glossary.current()  # re-read when the admin API changed the file
        if current_glossary() is not terms:
            use_glossary(terms)

    def status(self) -> EngineStatus:
        ready, detail = analyzer_status()
        return EngineStatus(
            name="easy_japanese",
            ready=ready,
            detail=detail if not ready else f"rule-based rewriter ({detail})",
            languages=("ja", EASY_JAPANESE),
        )

    def supports(self, source: str, target: str) -> bool:
        return source == "ja" and target == EASY_JAPANESE

    def translate(self, text: str, source: str, target: str) -> Translation:
        if not self.supports(source, target):
            raise EngineUnavailable(f"easy_japanese only rewrites ja → {EASY_JAPANESE}, not {source} → {target}")
        began = time.perf_counter()
        try:
            self._use_current_glossary()
            result = rewrite(text, options=self._options)
        except Exception as exc:  # a bug in one rule must not take the session down
            raise EngineError(f"easy-Japanese rewrite failed: {exc}") from exc
        return Translation(
            text=result.text,
            source_lang="ja",
            target_lang="ja",
            kind="easy_japanese",
            confidence=result.confidence,
            ruby=tuple(RubySpan(s.start, s.end, s.reading) for s in result.ruby),
            details={
                "rules": result.rule_ids,
                "unknown_difficult_words": list(result.unknown_difficult_words),
                "left_as_is": [f"{hit.source}: {hit.note}" for hit in result.refusals],
            },
            timings={"easy_ms": round((time.perf_counter() - began) * 1000, 3)},
        )


def load_easy_japanese(configs: Mapping[str, Any], glossary_path: Path | None) -> Translator:
    """The rewriter, or a ``MissingEngine`` saying why it cannot run (the relay keeps serving)."""
    try:
        translator = EasyJapaneseTranslator(configs.get("easy_japanese"), glossary_path)
        warm_up(translator.config.options())  # the first resident's sentence costs what the next ones do
        return translator
    except Exception as exc:
        return MissingEngine("easy_japanese", f"{type(exc).__name__}: {exc}")
