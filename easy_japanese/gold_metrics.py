"""Figures for a set of (source, reference, facts) sentences: what the guard and the re-analysis say
about each output, which facts were lost, how many sentences changed. Used by the benchmark and tests."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from easy_japanese.analyzer import analyze
from easy_japanese.facts import facts
from easy_japanese.guard import compare
from easy_japanese.meaning import meaning_of
from easy_japanese.rewrite import Rewrite, rewrite

_GLOSS = re.compile(r"（[^（）]*）")


def _plain(text: str) -> str:
    """NFKC, no digit commas or spaces, and without our bracketed explanations (they annotate, not replace)."""
    return unicodedata.normalize("NFKC", _GLOSS.sub("", text)).replace(",", "").replace(" ", "")


def fact_kept(fact: str, output: str) -> bool:
    """A fact survives if it is still written, or if the number, date or time it states is (17時 = 午後5時)."""
    if _plain(fact) in _plain(output) or _plain(fact) in unicodedata.normalize("NFKC", output).replace(",", ""):
        return True
    stated = facts(analyze(_plain(fact)))
    return bool(stated) and stated <= facts(analyze(_plain(output)))


def stated_facts(source: str) -> tuple[str, ...]:
    """The facts a sentence states on its own: numbers with units, names and glossary terms."""
    meaning = meaning_of(source, analyze(source))
    return tuple(sorted(meaning.facts)) + tuple(sorted(meaning.names)) + tuple(sorted(meaning.terms))


@dataclass
class GoldReport:
    sentences: int = 0
    changed: int = 0
    rejected: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (source, output, reasons)
    lost: list[tuple[str, str, str]] = field(default_factory=list)  # (source, output, fact)
    outputs: list[Rewrite] = field(default_factory=list)


def evaluate(rows: list[tuple[str, tuple[str, ...]]]) -> GoldReport:
    """(source, facts) rows → a report; every output is checked against its own source."""
    report = GoldReport()
    for source, kept in rows:
        result = rewrite(source)
        report.sentences += 1
        report.outputs.append(result)
        report.changed += result.text != source
        reasons = compare(source, result.text)
        if reasons:
            report.rejected.append((source, result.text, reasons))
        report.lost += [(source, result.text, fact) for fact in kept if not fact_kept(fact, result.text)]
    return report
