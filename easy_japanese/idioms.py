"""Readings of fixed turns that the meaning guard and the rules share, read from the analysis.

- A double negative (〜ないことはない, 〜ないわけではない) resolves to a positive.
- A negative condition before a double negative is a concession: 本人でなければ受け取れないことはありません
  denies "only the person themself can receive it", so it says 本人でなくても受け取れます ("even if it is
  not the person themself"); 本人でなければ受け取れます, read literally, would say the opposite.
- 席を外している is "is away from the desk", that is 席にいない: a negation and a state, not 〜ている.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token

_NEGATIVE = ("ない", "無い")
_FINE = frozenset(["良い", "いい", "よい", "宜しい", "構う", "かまう", "大丈夫", "差し支える", "結構"])


def double_negative_at(words: list[Token], k: int) -> int | None:
    """Index of the second negative in ない + (こと/わけ) + は/も/では + ない, which resolves to a positive."""
    if words[k].lemma not in _NEGATIVE or k + 2 >= len(words):
        return None
    j = k + 1
    if words[j].lemma in ("事", "訳"):
        j += 1
    particles = 0
    while j < len(words) and words[j].surface in ("は", "も", "で") and particles < 2:
        j, particles = j + 1, particles + 1
    if not particles or words[j - 1].surface not in ("は", "も"):
        return None  # 〜ないでいただけませんか is not a double negative; 〜ないではない is
    for m in range(j, min(j + 3, len(words))):
        if words[m].lemma in ("ない", "無い", "ず"):
            return m
    return None


def negative_condition_end(words: list[Token], k: int) -> int | None:
    """When words[k] ends a negative condition (the ば of なければ, the と of ないと, the は of なくては),
    the index of its negative (なけれ, ない, なく); None otherwise."""
    tok = words[k]
    if k >= 1 and tok.pos2 == "接続助詞" and tok.surface in ("ば", "と") and words[k - 1].lemma in _NEGATIVE:
        return k - 1
    if k >= 2 and tok.surface == "は" and words[k - 1].surface == "て" and words[k - 2].surface == "なく":
        return k - 2
    return None


def _clause_after(words: list[Token], k: int) -> list[Token]:
    """The words after words[k] up to the end of the sentence or of the next clause (a conjunction)."""
    rest = []
    for tok in words[k + 1 :]:
        if (tok.pos2 == "接続助詞" and tok.surface not in ("て", "で")) or tok.pos2 == "句点":
            break
        rest.append(tok)
    return rest


def concession_at(words: list[Token], k: int) -> bool:
    """〜なくても (even if not), and a negative condition whose clause ends in a resolved double negative,
    which says the same (本人でなければ受け取れないことはない = 本人でなくても受け取れる)."""
    tok = words[k]
    if tok.surface == "も" and k >= 2 and words[k - 1].surface in ("て", "で") and words[k - 2].surface == "なく":
        after = words[k + 1] if k + 1 < len(words) else None  # 出さなくてもいい: need not (permission)
        return after is None or (after.lemma not in _FINE and after.surface not in _FINE)
    if negative_condition_end(words, k) is None:
        return False
    clause = _clause_after(words, k)
    return any(double_negative_at(clause, m) is not None for m in range(len(clause)))


def away_from_seat(words: list[Token], k: int) -> bool:
    """席を外している / 席を外しております: "is not at the desk now" (a negation and a state)."""
    tok = words[k]
    if tok.lemma != "外す" or k < 2 or words[k - 1].surface != "を" or words[k - 2].surface != "席":
        return False
    after = words[k + 1 : k + 3]
    return len(after) == 2 and after[0].surface == "て" and after[1].lemma in ("居る", "いる", "おる")


def idiom_role_change(noun: str, particles: set[str], kept: set[str], before: list[Token]) -> bool:
    """A change of particle that a fixed turn makes on purpose: 席を外しています → 席にいません (where someone
    is not), 委任状を要します → 委任状が必要です, 手数料を要します → 手数料がかかります (what is needed)."""
    lemmas = [tok.lemma for tok in before]
    if noun.endswith("席") and kept == {"に"} and any(away_from_seat(before, k) for k in range(len(before))):
        return True
    return "を" in particles and kept == {"が"} and "要する" in lemmas
