"""The MT engine: phrasebook first, then glossary-protected, cached, sentence-batched Argos translation,
pivoting through English when no direct package exists."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pipelines.base import EngineError, EngineStatus, EngineUnavailable, Translation
from pipelines.glossary import DEFAULT_GLOSSARY, GlossaryEntry, read_glossary
from pipelines.lru import LruCache
from pipelines.mt.backend import Candidate, SentenceTranslator
from pipelines.mt.confidence import hypothesis_confidence, sentence_confidence, utterance_confidence
from pipelines.mt.config import MtConfig
from pipelines.mt.protect import protect, restore
from pipelines.mt.sentences import join_sentences, split_sentences
from pipelines.phrasebook import DEFAULT_PHRASEBOOK, Phrasebook, PhrasebookMatch, build_phrasebook

LOST_TERM_PENALTY = 0.85  # a glossary term the model dropped and we had to append
T = TypeVar("T")


class ReloadingFile(Generic[T]):
    """Re-reads a data file when its modification time changes (the admin API edits it live)."""

    def __init__(self, path: Path, load: Callable[[Path], T], on_reload: Callable[[], None]) -> None:
        self.path, self._load, self._on_reload = path, load, on_reload
        self._lock = threading.Lock()
        self._stamp = self._mtime()
        self._value = load(path)

    def _mtime(self) -> float:
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return -1

    def current(self) -> T:
        stamp = self._mtime()
        if stamp != self._stamp and stamp != -1:
            with self._lock:
                if stamp != self._stamp:
                    self._value, self._stamp = self._load(self.path), stamp
                    self._on_reload()
        return self._value


@dataclass(frozen=True)
class _HopResult:
    texts: list[str]  # best hypothesis per sentence
    alternatives: list[str]  # the whole utterance, rank by rank
    alternative_confidences: list[float]
    confidence: float


class ArgosTranslator:
    """``pipelines.base.Translator`` over installed Argos packages; thread-safe."""

    def __init__(self, config: MtConfig, pairs: Mapping[tuple[str, str], SentenceTranslator],
                 missing_reason: str = "") -> None:
        self.config = config
        self.pairs = dict(pairs)
        self._missing_reason = missing_reason
        self.cache: LruCache[tuple[str, str, str], Translation] = LruCache(config.cache_size)
        glossary_path = Path(config.glossary_path) if config.glossary_path else DEFAULT_GLOSSARY
        phrasebook_path = Path(config.phrasebook_path) if config.phrasebook_path else DEFAULT_PHRASEBOOK
        self._glossary = ReloadingFile(glossary_path, read_glossary, self.cache.clear)
        self._phrasebook = ReloadingFile(
            phrasebook_path, lambda p: build_phrasebook(p, config.phrasebook_min_similarity), self.cache.clear
        )

    @property
    def phrasebook(self) -> Phrasebook:
        return self._phrasebook.current()

    @property
    def glossary(self) -> Sequence[GlossaryEntry]:
        return self._glossary.current()

    def status(self) -> EngineStatus:
        models = tuple(sorted(p.name for p in self.pairs.values()))
        languages = tuple(sorted({lang for pair in self.pairs for lang in pair}))
        if not self.pairs:
            return EngineStatus("mt", False, self._missing_reason or "no Argos package installed")
        return EngineStatus("mt", True, f"{len(models)} Argos package(s); pivot via {self.config.pivot_language}",
                            models, languages)

    def supports(self, source: str, target: str) -> bool:
        return source == target or self.route(source, target) is not None

    def route(self, source: str, target: str) -> list[SentenceTranslator] | None:
        if (source, target) in self.pairs:
            return [self.pairs[source, target]]
        pivot = self.config.pivot_language
        first, second = self.pairs.get((source, pivot)), self.pairs.get((pivot, target))
        return [first, second] if first and second else None

    def translate(self, text: str, source: str, target: str) -> Translation:
        started = time.perf_counter()
        phrase = self._phrasebook_translation(text, source, target) if source != target else None
        result = phrase or self._cached_translation(text, source, target)
        timings = {**result.timings, "mt_ms": (time.perf_counter() - started) * 1000}
        return Translation(result.text, source, target, result.kind, result.confidence, result.ruby,
                           dict(result.details), timings)

    # ------------------------------------------------------------ phrasebook and cache

    def _phrasebook_translation(self, text: str, source: str, target: str) -> Translation | None:
        found: PhrasebookMatch | None = self.phrasebook.lookup(text, target, source)
        if found is None:
            return None
        translated = found.entry.text(target) or ""
        details: dict[str, object] = {"phrasebook_id": found.entry.id, "similarity": round(found.similarity, 3), "pivot": None,
                   "glossary_terms": [], "cache": "bypass"}
        return Translation(translated, source, target, "phrasebook", 1.0, details=details)

    def _cached_translation(self, text: str, source: str, target: str) -> Translation:
        self.glossary  # noqa: B018 - a changed glossary file clears the cache before we read it
        key = (text.strip(), source, target)
        cached = self.cache.get(key)
        if cached is not None:
            return Translation(cached.text, source, target, cached.kind, cached.confidence,
                               details={**cached.details, "cache": "hit"})
        fresh = self._machine_translation(text, source, target)
        self.cache.put(key, fresh)
        return Translation(fresh.text, source, target, fresh.kind, fresh.confidence,
                           details={**fresh.details, "cache": "miss"})

    # ------------------------------------------------------------ machine translation

    def _machine_translation(self, text: str, source: str, target: str) -> Translation:
        if source == target or not text.strip():
            return Translation(text.strip(), source, target, "translation", 1.0, details={"pivot": None})
        hops = self.route(source, target)
        if hops is None:
            raise EngineUnavailable(self._no_route_reason(source, target))
        protected, terms = protect(text, source, target, self.glossary)
        sentences = split_sentences(protected, self.config.max_sentence_chars)
        confidence, result = 1.0, None
        for hop in hops:
            result = self._run_hop(hop, sentences)
            sentences, confidence = result.texts, confidence * result.confidence
        assert result is not None
        restored = restore(join_sentences(sentences, target), terms, target)
        confidence *= LOST_TERM_PENALTY ** (len(restored.lost) + restored.invented)
        details: dict[str, object] = {
            "glossary_terms": list(restored.terms), "glossary_lost": list(restored.lost),
            "glossary_invented": restored.invented,
            "pivot": self.config.pivot_language if len(hops) > 1 else None,
            "route": [hop.name for hop in hops], "sentences": len(sentences),
            "hypotheses": [{"text": restore(alt, terms, target).text, "confidence": round(c, 4)}
                           for alt, c in zip(result.alternatives, result.alternative_confidences, strict=True)],
        }
        return Translation(restored.text, source, target, "translation", round(confidence, 4), details=details)

    def _run_hop(self, hop: SentenceTranslator, sentences: list[str]) -> _HopResult:
        if not sentences:
            return _HopResult([], [""], [1.0], 1.0)
        try:
            nbest = hop.translate_batch(sentences, self.config.num_hypotheses, self.config.beam_size)
        except Exception as err:  # CTranslate2 raises RuntimeError/ValueError on bad input or models
            raise EngineError(f"{hop.name} translation failed: {err}") from err
        best = [n[0].text if n else "" for n in nbest]
        confidence = utterance_confidence([sentence_confidence(n) for n in nbest], [len(s) for s in sentences])
        ranks = max((len(n) for n in nbest), default=1)
        alternatives = [join_sentences([_rank(n, i).text for n in nbest], hop.target) for i in range(ranks)]
        alt_conf = [
            utterance_confidence([hypothesis_confidence(_rank(n, i).score) for n in nbest], [len(s) for s in sentences])
            for i in range(ranks)
        ]
        return _HopResult(best, alternatives, alt_conf, confidence)

    def _no_route_reason(self, source: str, target: str) -> str:
        if not self.pairs:
            return self._missing_reason or "no Argos package installed"
        pivot = self.config.pivot_language
        return (f"no Argos package for {source}→{target}, and no pivot through {pivot} "
                f"({source}→{pivot} and {pivot}→{target}); install one with `madoguchi models install argos FILE.argosmodel`")


def _rank(nbest: Sequence[Candidate], i: int) -> Candidate:
    return nbest[min(i, len(nbest) - 1)] if nbest else Candidate("", -100.0)
