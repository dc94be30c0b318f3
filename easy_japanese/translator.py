"""The easy-Japanese mode of the relay: a ``pipelines.base.Translator`` from ja to ja-x-easy.

Confidence says how much is left that the rules could not simplify: every change the meaning guard
refused, every rare word our dictionary does not cover and every honorific still present lowers it, so the relay's policy can escalate to a
human interpreter when the rewrite is likely to be hard for the resident.
"""

from __future__ import annotations

import time

from easy_japanese.analyzer import analyzer_status
from easy_japanese.config import EasyJapaneseConfig
from easy_japanese.rewrite import rewrite
from pipelines.base import EASY_JAPANESE, EngineError, EngineStatus, EngineUnavailable, Translation


class EasyJapaneseTranslator:
    """Blocking and thread-safe: each worker thread gets its own fugashi Tagger."""

    def __init__(self, config: EasyJapaneseConfig | None = None) -> None:
        self.config = config or EasyJapaneseConfig()
        self._options = self.config.options()

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
            result = rewrite(text, options=self._options)
        except Exception as exc:  # a bug in one rule must not take the session down
            raise EngineError(f"easy-Japanese rewrite failed: {exc}") from exc
        return Translation(
            text=result.text,
            source_lang="ja",
            target_lang="ja",
            kind="easy_japanese",
            confidence=result.confidence,
            ruby=result.ruby,
            details={
                "rules": result.rule_ids,
                "unknown_difficult_words": list(result.unknown_difficult_words),
                "left_as_is": [f"{hit.source}: {hit.note}" for hit in result.refusals],
            },
            timings={"easy_ms": round((time.perf_counter() - began) * 1000, 3)},
        )
