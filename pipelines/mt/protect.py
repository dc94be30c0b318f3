"""Glossary protection: municipal terms become placeholders before MT and their preferred translation
is put back afterwards, so 住民票 is always "certificate of residence" and never a guess.

A placeholder is a short Latin token (``ZX1Z``) that translation models copy through unchanged far more
often than they copy a rare Japanese word. When a model drops or mangles the placeholder anyway, the
preferred translation is appended in brackets: the resident still reads the right term, and the lost
term is reported so the confidence can be lowered. A placeholder the model invents (``ZX7Z`` when only
two terms were protected) stands for nothing: it is taken out of the text, never shown to a resident,
and counted so the confidence is lowered too (the translation is garbled around it).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pipelines.glossary import GlossaryEntry
from pipelines.mt.sentences import NO_SPACE_LANGUAGES

_PLACEHOLDER_SEEN = re.compile(r"Z\s*X\s*(\d+)\s*Z", re.IGNORECASE)


def placeholder(number: int) -> str:
    return f"ZX{number}Z"


@dataclass(frozen=True)
class ProtectedTerm:
    number: int
    ja: str  # the glossary entry, for the audit trail
    source: str  # as written in the source text
    target: str  # preferred translation in the target language


@dataclass(frozen=True)
class Restored:
    text: str
    terms: tuple[str, ...]  # glossary entries (ja) used
    lost: tuple[str, ...]  # entries whose placeholder the model dropped (appended instead)
    invented: int = 0  # placeholders the model made up (removed from the text)


def term_in(entry: GlossaryEntry, lang: str) -> str | None:
    return entry.ja if lang == "ja" else entry.translations.get(lang)


def protect(
    text: str, source: str, target: str, glossary: Sequence[GlossaryEntry], first: int = 1
) -> tuple[str, list[ProtectedTerm]]:
    """Replace every glossary term of ``text`` that has a preferred ``target`` translation, numbering the
    placeholders from ``first`` (a pivot's second step numbers after the first step's)."""
    candidates = [(s, t, e) for e in glossary if (s := term_in(e, source)) and (t := term_in(e, target))]
    candidates.sort(key=lambda c: -len(c[0]))  # 国民健康保険 before 健康保険
    terms: list[ProtectedTerm] = []
    for surface, preferred, entry in candidates:
        pattern = _surface_pattern(surface, source)
        if not pattern.search(text):
            continue
        term = ProtectedTerm(first + len(terms), entry.ja, surface, preferred)
        text = pattern.sub(_spaced(placeholder(term.number), source), text)
        terms.append(term)
    # Terms lost by the model are appended in the order they appear in the source.
    terms.sort(key=lambda t: text.find(placeholder(t.number)))
    return re.sub(r" {2,}", " ", text).strip(), terms


def restore(translated: str, terms: Sequence[ProtectedTerm], target: str,
            keep: Collection[int] = ()) -> Restored:
    """Put the preferred translations back; placeholders numbered in ``keep`` stay for a later step."""
    by_number = {term.number: term for term in terms}
    seen: set[int] = set()
    invented = 0

    def put_back(match: re.Match[str]) -> str:
        nonlocal invented
        number = int(match.group(1))
        if number in keep:
            return placeholder(number)
        term = by_number.get(number)
        if term is None:
            invented += 1
            return ""
        seen.add(term.number)
        return term.target

    text = _PLACEHOLDER_SEEN.sub(put_back, translated)
    lost = [t for t in terms if t.number not in seen]
    for term in lost:
        if term.target.casefold() not in text.casefold():
            text = _append_in_brackets(text, term.target, target)
    text = re.sub(r"[ \t]{2,}", " ", text)
    if invented:  # where a removed token stood before a full stop or a comma
        text = re.sub(r" +([.,!?;:])", r"\1", text)
    text = text.strip()
    return Restored(text, tuple(t.ja for t in terms), tuple(t.ja for t in lost), invented)


def _surface_pattern(surface: str, lang: str) -> re.Pattern[str]:
    escaped = re.escape(surface)
    if lang in NO_SPACE_LANGUAGES:
        return re.compile(escaped)
    return re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)


def _spaced(token: str, lang: str) -> str:
    # Spaces keep the placeholder one word for the tokenizer; Japanese needs none.
    return token if lang in NO_SPACE_LANGUAGES else f" {token} "


def _append_in_brackets(text: str, term: str, lang: str) -> str:
    if lang in ("ja", "zh"):
        return f"{text}（{term}）"
    return f"{text} ({term})"
