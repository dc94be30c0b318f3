"""Both edges of a replaced word: the replacement must start and end on word boundaries of the
re-analysed sentence (a noun that became a verb or adjective before a copula, 適切である → 正しいである,
is caught by ``wellformed.py``). Verbs keep their inflection form because the inflection module puts
the new verb in the form of the old one (連用形 for 連用形); an adnominal noun phrase (不明な点) is replaced
together with its な/の (分からない点), which the rule checks. Word replacements only: the honorific
and phrase rules rebuild whole endings on purpose.
"""

from __future__ import annotations

from easy_japanese.analyzer import analyze
from easy_japanese.rules.base import Edit

WORD_RULES = ("vocabulary.word", "vocabulary.verb", "phrase.sense")


def edge_reasons(edits: list[Edit], candidate: str) -> list[str]:
    """Why a word replacement among ``edits`` (sorted) would not fit where it stands in ``candidate``."""
    after = analyze(candidate)
    new_start = {t.start for t in after}
    new_end = {t.end: t for t in after}
    reasons, shift = [], 0
    for edit in edits:
        start = edit.start + shift
        end = start + len(edit.replacement)
        shift += len(edit.replacement) - (edit.end - edit.start)
        if not edit.rule_id.startswith(WORD_RULES) or not edit.replacement:
            continue
        if start not in new_start or end not in new_end:
            reasons.append("the new word would run into the words around it")
    return reasons
