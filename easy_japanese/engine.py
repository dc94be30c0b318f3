"""Applies the rule table to a text and records every change with its span in the original input."""

from __future__ import annotations

from dataclasses import dataclass

from easy_japanese.analyzer import analyze
from easy_japanese.rules.base import Context, Edit, Rule


@dataclass(frozen=True)
class RuleHit:
    """One change: ``source`` (``start``:``end`` in the input text) became ``result`` by ``rule_id``."""

    rule_id: str
    source: str
    result: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"rule": self.rule_id, "source": self.source, "result": self.result, "start": self.start, "end": self.end}


class TrackedText:
    """Text plus, for every character, the span of the original input it came from."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.text = text
        self.origin = [(i, i + 1) for i in range(len(text))]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        covered = self.origin[start:end]
        if not covered:  # an insertion: the position just before it
            pos = self.origin[start - 1][1] if start > 0 else 0
            return pos, pos
        return min(s for s, _ in covered), max(e for _, e in covered)

    def apply(self, edits: list[Edit]) -> list[RuleHit]:
        hits: list[RuleHit] = []
        pieces: list[str] = []
        origin: list[tuple[int, int]] = []
        pos = 0
        for edit in _non_overlapping(edits):
            if self.text[edit.start : edit.end] == edit.replacement:
                continue
            pieces.append(self.text[pos : edit.start])
            origin += self.origin[pos : edit.start]
            src = self.source_span(edit.start, edit.end)
            hits.append(RuleHit(edit.rule_id, self.original[src[0] : src[1]], edit.replacement, *src))
            pieces.append(edit.replacement)
            origin += [src] * len(edit.replacement)
            pos = edit.end
        pieces.append(self.text[pos:])
        origin += self.origin[pos:]
        self.text = "".join(pieces)
        self.origin = origin
        return hits


def _non_overlapping(edits: list[Edit]) -> list[Edit]:
    """Edits sorted by position; an edit that overlaps an earlier one is dropped (first wins)."""
    kept: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if kept and edit.start < kept[-1].end:
            continue
        if kept and edit.start == kept[-1].end == edit.end and kept[-1].start == edit.start:
            continue
        kept.append(edit)
    return kept


def run_rules(text: str, rules: list[Rule], ctx: Context) -> tuple[str, list[RuleHit]]:
    """Runs each enabled rule in table order on the output of the previous one."""
    tracked = TrackedText(text)
    hits: list[RuleHit] = []
    analysed, tokens = None, []  # re-analyse only when a rule changed the text
    for rule in rules:
        if not tracked.text or not ctx.options.enabled(rule.id, rule.group):
            continue
        if analysed != tracked.text:
            analysed, tokens = tracked.text, analyze(tracked.text)
        edits = rule.apply(tracked.text, list(tokens), ctx)
        if edits:
            hits += tracked.apply(edits)
    return tracked.text, hits
