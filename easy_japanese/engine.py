"""Applies the rule table to a sentence, guarded, and records every change with its span in the input.

Each rule's edits go through the meaning guard (``guard.py``) before they are kept: the candidate
text is re-analysed and compared with the input sentence. Edits that would change what the sentence
says, or that would not parse cleanly, are refused one by one and recorded as refusals, so the
explanation lists them ("left as is, because …") and the confidence falls.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from easy_japanese.analyzer import analyze
from easy_japanese.edges import edge_reasons
from easy_japanese.guard import Guard
from easy_japanese.rules.base import Context, Edit, Rule
from easy_japanese.rules.phrases import kept_phrase_mask


@dataclass(frozen=True)
class RuleHit:
    """One change: ``source`` (``start``:``end`` in the input text) became ``result`` by ``rule_id``.

    A refusal has ``applied`` False: the change was not made, and ``note`` says why. ``replaced`` is the
    text the rule replaced as it stood then; it differs from ``source`` where an earlier rule had changed
    that part already (受け取れないことはありません → 受け取れます, then 受け取る → もらう)."""

    rule_id: str
    source: str
    result: str
    start: int
    end: int
    applied: bool = True
    note: str = ""
    replaced: str = ""

    def shifted(self, offset: int) -> RuleHit:
        return dataclasses.replace(self, start=self.start + offset, end=self.end + offset)

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"rule": self.rule_id, "source": self.source, "result": self.result,
                                   "start": self.start, "end": self.end, "applied": self.applied}
        if self.note:
            data["note"] = self.note
        return data


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

    def preview(self, edits: list[Edit]) -> str:
        """The text as it would be with ``edits`` (sorted, non-overlapping) applied."""
        pieces, pos = [], 0
        for edit in edits:
            pieces += [self.text[pos : edit.start], edit.replacement]
            pos = edit.end
        return "".join(pieces) + self.text[pos:]

    def refusal(self, edit: Edit, reasons: list[str]) -> RuleHit:
        start, end = self.source_span(edit.start, edit.end)
        note = "left as is, because " + "; ".join(dict.fromkeys(reasons))
        return RuleHit(edit.rule_id, self.original[start:end], edit.replacement, start, end, False, note,
                       self.text[edit.start : edit.end])

    def apply(self, edits: list[Edit]) -> list[RuleHit]:
        hits: list[RuleHit] = []
        pieces: list[str] = []
        origin: list[tuple[int, int]] = []
        pos = 0
        for edit in edits:
            pieces.append(self.text[pos : edit.start])
            origin += self.origin[pos : edit.start]
            src = self.source_span(edit.start, edit.end)
            hits.append(RuleHit(edit.rule_id, self.original[src[0] : src[1]], edit.replacement, *src,
                                replaced=self.text[edit.start : edit.end]))
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


def _units(edits: list[Edit]) -> list[list[Edit]]:
    groups: dict[object, list[Edit]] = {}
    for k, edit in enumerate(edits):
        groups.setdefault(edit.unit if edit.unit is not None else ("single", k), []).append(edit)
    return list(groups.values())


def screen(tracked: TrackedText, edits: list[Edit], guard: Guard) -> tuple[list[Edit], list[RuleHit]]:
    """(edits to keep, refusals): all of them if the result passes, else unit by unit, in order."""
    def reasons(trial: list[Edit]) -> list[str]:
        candidate = tracked.preview(trial)
        return guard.reasons(candidate) + edge_reasons(trial, candidate)

    if not reasons(edits):
        return edits, []
    accepted: list[Edit] = []
    refused: list[RuleHit] = []
    for unit in _units(edits):
        trial = sorted(accepted + unit, key=lambda e: e.start)
        reasons_now = reasons(trial)
        if reasons_now:
            refused += [tracked.refusal(edit, reasons_now) for edit in unit]
        else:
            accepted = trial
    return accepted, refused


def run_rules(text: str, rules: list[Rule], ctx: Context, guarded: bool = True) -> tuple[str, list[RuleHit]]:
    """Runs each enabled rule in table order on the output of the previous one; ``text`` is one sentence."""
    tracked = TrackedText(text)
    guard: Guard | None = None
    hits: list[RuleHit] = []
    analysed, tokens = None, []  # re-analyse only when a rule changed the text
    for rule in rules:
        if not tracked.text or not ctx.options.enabled(rule.id, rule.group):
            continue
        if analysed != tracked.text:
            analysed, tokens = tracked.text, analyze(tracked.text)
        kept = kept_phrase_mask(tracked.text) if rule.group != "phrase" else []
        edits = [e for e in _non_overlapping(rule.apply(tracked.text, list(tokens), ctx))
                 if tracked.text[e.start : e.end] != e.replacement and not any(kept[e.start : e.end])]
        if not edits:
            continue
        refused: list[RuleHit] = []
        if guarded and rule.group != "normalize":  # width normalisation is the baseline the guard reads
            guard = guard or Guard(tracked.text)
            edits, refused = screen(tracked, edits, guard)
        hits += refused
        if edits:
            hits += tracked.apply(edits)
    return tracked.text, sorted(hits, key=lambda h: (h.start, h.end))
