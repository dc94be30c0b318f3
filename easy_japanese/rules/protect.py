"""Spans no word rule may touch: glossary terms (they are kept and glossed), text already in brackets
(our own explanations), and anything with digits (amounts, phone numbers, dates are never changed).

The municipal glossary is passed in (``use_glossary``): this package imports nothing of the relay or
the engines, and whoever owns the glossary (the relay, whose admin API edits it) hands over every
version of it, so an admin's new term reaches the rewriter from the next sentence.
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from easy_japanese.lexicon import DATA_DIR, read_tsv_rows

_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|「[^「」]*」")

F = TypeVar("F")
GlossaryTerm = tuple[str, str, str]
"""(term, reading in hiragana, easy explanation)."""

_glossary: tuple[GlossaryTerm, ...] = ()
_glossary_lock = threading.Lock()


def read_glossary_terms(path: Path) -> tuple[GlossaryTerm, ...]:
    """Terms of a glossary TSV with a header row naming at least ``ja``, ``reading`` and ``easy``."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return tuple((r["ja"], r.get("reading") or "", r["easy"]) for r in rows if r.get("ja") and r.get("easy"))


def current_glossary() -> tuple[GlossaryTerm, ...]:
    """The glossary last given to ``use_glossary`` (the very object, so a caller can tell cheaply)."""
    return _glossary


def use_glossary(terms: Iterable[GlossaryTerm]) -> bool:
    """Make ``terms`` the municipal glossary (they win over our own list); True when it changed.

    Every cache that depends on the terms is cleared, so the next sentence sees the new glossary."""
    global _glossary
    new = terms if isinstance(terms, tuple) else tuple(terms)
    with _glossary_lock:
        if new == _glossary:
            _glossary = new  # same terms: keep the caches, remember the caller's object
            return False
        _glossary = new
        for cached in (counter_terms, _glossary_spans, _protected_mask, *_dependent_caches):
            cached.cache_clear()
    return True


_dependent_caches: list[Any] = []


def depends_on_glossary(function: F) -> F:
    """Register an ``lru_cache``d function whose result depends on the glossary terms."""
    _dependent_caches.append(function)
    return function


@lru_cache(maxsize=1)
def counter_terms() -> tuple[GlossaryTerm, ...]:
    """(term, reading, easy explanation): our own short list plus the glossary given, longest first."""
    terms: dict[str, GlossaryTerm] = {}
    for row in read_tsv_rows(DATA_DIR / "counter_terms.tsv"):
        if len(row) >= 3:
            terms[row[0]] = (row[0], row[1], row[2])
    for term in _glossary:
        terms[term[0]] = term
    return tuple(sorted(terms.values(), key=lambda t: -len(t[0])))


@depends_on_glossary
@lru_cache(maxsize=1)
def explanations() -> frozenset[str]:
    """Every counter term's explanation as the gloss rule writes it in brackets, without its spaces."""
    return frozenset(easy.replace(" ", "").replace("\u3000", "") for _term, _reading, easy in counter_terms())


@lru_cache(maxsize=4096)
def _glossary_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(_find_terms(text))


def glossary_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every counter term in ``text``, longest match first, no overlaps."""
    return list(_glossary_spans(text))


def _find_terms(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every counter term in ``text``, longest match first, no overlaps."""
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    for term, _reading, _easy in counter_terms():
        start = text.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end, term))
                for k in range(start, end):
                    taken[k] = True
            start = text.find(term, end)
    return sorted(spans)


def protected_mask(text: str) -> list[bool]:
    return list(_protected_mask(text))


@lru_cache(maxsize=4096)
def _protected_mask(text: str) -> tuple[bool, ...]:
    mask = [False] * len(text)
    for start, end, _term in glossary_spans(text):
        mask[start:end] = [True] * (end - start)
    from easy_japanese.rules.phrases import kept_phrase_mask  # phrases imports lexicon, as we do

    mask = [a or b for a, b in zip(mask, kept_phrase_mask(text), strict=True)]
    for m in _BRACKETS.finditer(text):
        mask[m.start() : m.end()] = [True] * (m.end() - m.start())
    return tuple(mask)


def is_protected(mask: list[bool], start: int, end: int) -> bool:
    return any(mask[start:end])
