"""The MT engine: phrasebook first, then glossary-protected, cached, sentence-batched Argos translation,
pivoting through English when no direct package exists."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pipelines.base import EngineError, EngineStatus, EngineUnavailable, Translation
from pipelines.glossary import DEFAULT_GLOSSARY, GlossaryEntry, read_glossary
from pipelines.lru import LruCache
from pipelines.mt.backend import Candidate, SentenceTranslator
from pipelines.mt.confidence import hypothesis_confidence, sentence_confidence, utterance_confidence
from pipelines.mt.config import MtConfig
from pipelines.mt.protect import ProtectedTerm, protect, restore, term_in
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


@dataclass
class _EarlyTerms:
    """Terms put back after a pivot's first step: what the audit trail and the confidence need."""

    used: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    invented: int = 0

    def restore(self, sentences: list[str], per_sentence: list[list[ProtectedTerm]], language: str,
                keep: set[int]) -> list[str]:
        out = []
        for sentence, found in zip(sentences, per_sentence, strict=True):
            restored = restore(sentence, found, language, keep)
            self.used += restored.terms
            self.lost += restored.lost
            self.invented += restored.invented
            out.append(restored.text)
        return out


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
        confidence, result, early, numbered = 1.0, None, _EarlyTerms(), len(terms)
        for index, hop in enumerate(hops):
            # A term the city translated into the pivot language only (English, say) is protected on the
            # step that has it on both sides, so the next step translates the city's words, not a guess.
            sentences, step_terms = self._protect_for_hop(sentences, hop, source, target,
                                                          pivoted=len(hops) > 1, first=numbered + 1)
            numbered += sum(map(len, step_terms))
            result = self._run_hop(hop, sentences)
            sentences, confidence = result.texts, confidence * result.confidence
            if index < len(hops) - 1:
                sentences = early.restore(sentences, step_terms, hop.target, keep={t.number for t in terms})
            else:
                terms = [*terms, *(t for per_sentence in step_terms for t in per_sentence)]
        assert result is not None
        restored = restore(join_sentences(sentences, target), terms, target)
        lost = len(restored.lost) + len(early.lost)
        confidence *= LOST_TERM_PENALTY ** (lost + restored.invented + early.invented)
        details: dict[str, object] = {
            "glossary_terms": [*early.used, *restored.terms], "glossary_lost": [*early.lost, *restored.lost],
            "glossary_invented": restored.invented + early.invented,
            "pivot": self.config.pivot_language if len(hops) > 1 else None,
            "route": [hop.name for hop in hops], "sentences": len(sentences),
            "hypotheses": [{"text": restore(alt, terms, target).text, "confidence": round(c, 4)}
                           for alt, c in zip(result.alternatives, result.alternative_confidences, strict=True)],
        }
        return Translation(restored.text, source, target, "translation", round(confidence, 4), details=details)

    def _protect_for_hop(self, sentences: list[str], hop: SentenceTranslator, source: str, target: str,
                         pivoted: bool, first: int) -> tuple[list[str], list[list[ProtectedTerm]]]:
        """Per sentence, the terms this step of a pivot can protect that the whole route could not."""
        if not pivoted:  # a direct route protected every term it could before the first step
            return sentences, [[] for _ in sentences]
        entries = [e for e in self.glossary if not (term_in(e, source) and term_in(e, target))]
        protected, per_sentence = [], []
        for sentence in sentences:
            text, found = protect(sentence, hop.source, hop.target, entries, first)
            protected.append(text)
            per_sentence.append(found)
            first += len(found)
        return protected, per_sentence

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
