"""Both edges of a replaced word: the replacement must start and end on word boundaries of the
re-analysed sentence (a noun that became a verb or adjective before a copula, 適切である → 正しいである,
is caught by ``wellformed.py``). Verbs keep their inflection form because the inflection module puts
the new verb in the form of the old one (連用形 for 連用形); an adnominal noun phrase (不明な点) is replaced
together with its な/の (分からない点), which the rule checks. Word replacements only: the honorific
and phrase rules rebuild whole endings on purpose.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token, analyze
from easy_japanese.arguments import is_person
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
        elif _modified_clause(after, start, end):
            reasons.append("the words before it would modify only a part of the new phrase")
    return reasons


_ADNOMINAL = ("連体形", "終止形")


def _modified_clause(after: list[Token], start: int, end: int) -> bool:
    """遅れた支払い → 遅れた払うこと, 十分な睡眠 → 十分な寝ること, 忙しい育児 → 忙しい子どもを育てること:
    a noun replaced by a clause (a phrase with a verb, or a noun with its own particle) after a word that
    modified the noun. The modifier now runs into the clause's verb (broken) or modifies the clause's
    own noun (the child is busy). A phrase that opens with an adjective (くわしいこと) stacks fine.
    Read in the re-analysed sentence, so that a word such as しくみ is read as the noun it is there."""
    k = next((k for k in range(len(after) - 1, -1, -1) if after[k].end <= start), None)
    if k is None or after[k].end != start or not _modifies_a_noun(after[k]):
        return False
    clause = [t for t in after if start <= t.start and t.end <= end]
    if after[k].surface == "の" and k > 0 and is_person(after[k - 1]) and clause and clause[0].pos1 == "動詞":
        return False  # お子さんの持ってくるもの: の marks who does it (お子さんが持ってくる)
    return _is_clause(clause)


def _modifies_a_noun(tok: Token) -> bool:
    if tok.pos1 == "連体詞" or (tok.surface == "の" and tok.pos2 == "格助詞"):
        return True  # この, 大きな; 毎日の
    return tok.pos1 in ("動詞", "形容詞", "助動詞") and tok.cform.startswith(_ADNOMINAL)  # 遅れた, 忙しい, 十分な


def _is_clause(tokens: list[Token]) -> bool:
    if not tokens or tokens[0].pos1 in ("形容詞", "形状詞"):
        return False
    if tokens[0].pos1 == "動詞":
        return True
    has_verb = any(t.pos1 == "動詞" for t in tokens)  # 仲がいい友達 is a noun with its quality: 一番の仲がいい友達 reads well
    return has_verb and any(t.pos2 == "格助詞" and t.surface != "の" for t in tokens)
