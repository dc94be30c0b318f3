"""Obligation and "that is fine", read from the analysis; shared by the meaning guard and the rules.

A rewrite must keep what the resident has to do: 届け出をすべきです and 出さなければなりません say "must"
(or "should"), and 行かなければならないわけではありません says "need not". The ば / と / ては of
〜なければならない is part of an obligation, not a condition.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token

# 結構です after these says "that is fine" (ここで結構です, なければ結構です), not "no, thank you"
FINE_BEFORE_KEKKOU = frozenset(["で", "も", "ば", "たら", "なら", "ても", "でも"])


def obligation_at(words: list[Token], k: int) -> bool:
    """The ば / と / ては of 〜なければならない, 〜ないといけない, 〜なくてはいけない: must, not if."""
    return _must_verb(words, k) is not None


def _must_verb(words: list[Token], k: int) -> int | None:
    """Index of なる / いける in 〜なければならない when words[k] is its ば / と / ては."""
    if words[k].surface not in ("ば", "と", "ては", "て", "は") or k == 0 or k + 1 >= len(words):
        return None
    j = k + 2 if words[k + 1].surface == "は" and k + 2 < len(words) else k + 1
    after = words[j]
    if words[k - 1].lemma in ("ない", "無い") and (after.lemma in ("成る", "いける", "行ける", "駄目") or after.surface.startswith("いけ")):
        return j
    return None


def obligations(words: list[Token]) -> int:
    """How many musts and shoulds (べき, 〜なければならない); one that is denied (〜なければならない
    わけではない: need not) does not count."""
    count = 0
    for k, tok in enumerate(words):
        if tok.lemma == "べし":
            count += 1
        elif (j := _must_verb(words, k)) is not None:
            # 〜なければならないわけではない / ことはない: need not
            denied = [t.lemma for t in words[j + 1 : j + 3]] in (["ない", "訳"], ["ない", "事"]) and (
                j + 3 < len(words) and words[j + 3].surface in ("は", "で", "も"))
            count += not denied
    return count
