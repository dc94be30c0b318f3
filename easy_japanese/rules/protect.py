"""Spans no word rule may touch: glossary terms (they are kept and glossed), text already in brackets
(our own explanations), and anything with digits (amounts, phone numbers, dates are never changed)."""

from __future__ import annotations

import re
from functools import lru_cache

from easy_japanese.lexicon import DATA_DIR, read_tsv_rows

_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|「[^「」]*」")


@lru_cache(maxsize=1)
def counter_terms() -> tuple[tuple[str, str, str], ...]:
    """(term, reading, easy explanation): the municipal glossary plus our own short list, longest first."""
    terms: dict[str, tuple[str, str, str]] = {}
    for row in read_tsv_rows(DATA_DIR / "counter_terms.tsv"):
        if len(row) >= 3:
            terms[row[0]] = (row[0], row[1], row[2])
    try:
        from pipelines.glossary import load_glossary

        for entry in load_glossary():
            if entry.ja and entry.easy:
                terms[entry.ja] = (entry.ja, entry.reading, entry.easy)
    except (ImportError, OSError, ValueError):  # the rewriter also works without the relay package
        pass
    return tuple(sorted(terms.values(), key=lambda t: -len(t[0])))


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
