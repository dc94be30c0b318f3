"""Furigana: which words get a reading, and the ruby spans, HTML and bracket renderings.

A word gets furigana when it has a kanji above the configured school grade, or when it is not an
everyday word (wordfreq Zipf below the threshold), also where it is one of our easy replacement words. Readings
come from the analyser, corrected by our list of counter words it splits or misreads
(``data/readings.tsv``) and by the glossary's readings; okurigana is left outside the ruby (書(か)いて).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

from easy_japanese.analyzer import analyze, has_kanji
from easy_japanese.config import RewriteOptions
from easy_japanese.lexicon import DATA_DIR, max_kanji_grade, read_tsv_rows, zipf
from easy_japanese.rules.protect import counter_terms, depends_on_glossary


@dataclass(frozen=True)
class RubySpan:
    """Furigana: ``text[start:end]`` is read as ``reading`` (the relay copies it onto the wire)."""

    start: int
    end: int
    reading: str


@depends_on_glossary
@lru_cache(maxsize=1)
def fixed_readings() -> tuple[tuple[str, str], ...]:
    readings = {row[0]: row[1] for row in read_tsv_rows(DATA_DIR / "readings.tsv") if len(row) >= 2}
    for term, reading, _easy in counter_terms():
        if reading and has_kanji(term):
            readings.setdefault(term, reading)
    return tuple(sorted(readings.items(), key=lambda item: -len(item[0])))


def needs_ruby(word: str, base: str, options: RewriteOptions) -> bool:
    """Ruby unless every kanji is of a low school grade and the word is an everyday one (日本, 今日, 学校,
    名前: Zipf ≥ ``furigana_min_zipf``). An easy word we write in place of a hard one (外国 for 海外) is
    easy to understand, not necessarily to read: it gets ruby like any other word."""
    if not has_kanji(word):
        return False
    if options.furigana_kanji_grade <= 0 or max_kanji_grade(word) > options.furigana_kanji_grade:
        return True
    return max(zipf(base), zipf(word)) < options.furigana_min_zipf


def _trim_okurigana(surface: str, reading: str, start: int) -> RubySpan | None:
    """書い/かい → 書/か: kana shared at either end stays outside the ruby."""
    import jaconv

    s, r = surface, reading
    while s and r and not has_kanji(s[-1]) and jaconv.kata2hira(s[-1]) == r[-1]:
        s, r = s[:-1], r[:-1]
    lead = 0
    while s and r and not has_kanji(s[0]) and jaconv.kata2hira(s[0]) == r[0]:
        s, r, lead = s[1:], r[1:], lead + 1
    if not s or not r:
        return None
    return RubySpan(start + lead, start + lead + len(s), r)


def _fixed_spans(text: str, taken: list[bool]) -> list[RubySpan]:
    spans = []
    for word, reading in fixed_readings():
        pos = text.find(word)
        while pos >= 0:
            end = pos + len(word)
            if not any(taken[pos:end]):
                taken[pos:end] = [True] * len(word)
                span = _trim_okurigana(word, reading, pos)
                if span is not None:
                    spans.append(span)
            pos = text.find(word, end)
    return spans


def ruby_spans(text: str, options: RewriteOptions | None = None) -> list[RubySpan]:
    """Ruby for every word of ``text`` that needs it, in text order, offsets into ``text``."""
    options = options or RewriteOptions()
    taken = [False] * len(text)
    spans = [s for s in _fixed_spans(text, taken) if needs_ruby(text[s.start : s.end], text[s.start : s.end], options)]
    for tok in analyze(text):
        if any(taken[tok.start : tok.end]) or not tok.reading or not needs_ruby(tok.surface, tok.base, options):
            continue
        span = _trim_okurigana(tok.surface, tok.reading, tok.start)
        if span is not None:
            spans.append(span)
    return sorted(spans, key=lambda s: s.start)


def render_html(text: str, spans: list[RubySpan] | tuple[RubySpan, ...]) -> str:
    out, pos = [], 0
    for span in spans:
        out.append(html.escape(text[pos : span.start]))
        out.append(f"<ruby>{html.escape(text[span.start : span.end])}<rt>{html.escape(span.reading)}</rt></ruby>")
        pos = span.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render_paren(text: str, spans: list[RubySpan] | tuple[RubySpan, ...]) -> str:
    """住民票(じゅうみんひょう): half-width brackets, so they differ from our （explanations）."""
    out, pos = [], 0
    for span in spans:
        out.append(text[pos : span.end] + f"({span.reading})")
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
