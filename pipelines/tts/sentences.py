"""Sentence splitting for streamed synthesis.

Each sentence becomes one audio chunk, so the first one can play while the rest is synthesised. Full-width
terminators (。！？, Devanagari ।, Burmese ။ …) always end a sentence; ASCII ``.!?`` only before
whitespace or the end, so "3.5" and "v1.2" stay whole. Sentences longer than ``max_chars`` are cut after
commas, because a long sentence delays the first audio by its whole synthesis time.
"""

from __future__ import annotations

import re

_CLOSERS = "」』）)】〉》”’\"'\\]"
_SENTENCE_END = re.compile(
    rf"(?:[。！？!?．।॥။؟]+|(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bvs)\.+(?=\s|$)|[!?]+(?=\s|$))[{_CLOSERS}]*"
)
_CLAUSE_END = re.compile(r"[、，,;；:：]\s*")


def split_sentences(text: str, max_chars: int = 0) -> list[str]:
    """Sentences of ``text`` with their punctuation, stripped, empty ones dropped."""
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for match in _SENTENCE_END.finditer(line):
            sentences.append(line[start : match.end()])
            start = match.end()
        sentences.append(line[start:])
    stripped = [s.strip() for s in sentences]
    result = [s for s in stripped if s and _has_words(s)]
    if max_chars > 0:
        result = [part for s in result for part in _cut_long(s, max_chars)]
    return result


def _has_words(sentence: str) -> bool:
    return any(ch.isalnum() for ch in sentence)


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    """Cut after clause punctuation so that no part is longer than ``max_chars`` where a comma allows."""
    if len(sentence) <= max_chars:
        return [sentence]
    parts: list[str] = []
    current = ""
    start = 0
    for match in _CLAUSE_END.finditer(sentence):
        clause = sentence[start : match.end()]
        start = match.end()
        if current and len(current) + len(clause) > max_chars:
            parts.append(current.strip())
            current = ""
        current += clause
    current += sentence[start:]
    parts.append(current.strip())
    return [p for p in parts if p]
