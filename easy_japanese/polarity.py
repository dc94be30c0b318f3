"""Polarity: how many negations a sentence has, with double negatives (〜ないことはない) counted as
resolved and idioms (すみません, 差し支えない, 構わない, 〜ていただけませんか) not counted. Part of the meaning guard."""

from __future__ import annotations

from easy_japanese.analyzer import Token
from easy_japanese.idioms import away_from_seat, double_negative_at
from easy_japanese.modality import FINE_BEFORE_KEKKOU
from easy_japanese.sentence_kind import CAUSATIVE, GIVING

# negatives that are part of a fixed, positive phrase: すみません, 差し支えない, 構わない, 申し訳ない
_IDIOM_NEGATIVE_HEADS = {"済む", "差し支える", "差し支え", "構う", "申し訳", "仕方", "しょう", "違い", "間", "程", "ほど"}


def negations(words: list[Token]) -> int:
    """Negative endings and negative words; 〜ないことはない / 〜ないわけではない count as resolved (0)."""
    count, k = 0, 0
    while k < len(words):
        second = double_negative_at(words, k)
        if second is not None:
            k = second + 1
            continue
        if (_is_negation(words, k) and not _polite_request_negative(words, k)) or away_from_seat(words, k):
            count += 1  # 席を外している says 席にいない
        k += 1
    return count


def _polite_request_negative(words: list[Token], k: int) -> bool:
    """〜ていただけませんか / 〜てくれないでしょうか: a polite request, not a negation."""
    rest = words[k + 1 : k + 4]
    if not rest or rest[-1].surface != "か" or any(t.pos1 not in ("助動詞", "助詞") for t in rest):
        return False
    verb = next((t for t in reversed(words[:k]) if t.pos1 == "動詞"), None)
    return verb is not None and verb.lemma in GIVING


def _is_negation(words: list[Token], k: int) -> bool:
    tok = words[k]
    negative = tok.lemma in ("ない", "ず", "ぬ") and tok.pos1 == "助動詞"
    negative = negative or (tok.lemma == "無い" and tok.pos1 == "形容詞")
    negative = negative or (tok.lemma == "兼ねる" and tok.pos1 == "接尾辞")  # 分かりかねます: cannot
    negative = negative or _refusal(words, k) or _negative_word(tok)
    if not negative:
        return False
    window = words[max(0, k - 3) : k]
    heads = {t.lemma for t in window} | {t.surface for t in window}
    if heads & _IDIOM_NEGATIVE_HEADS and not any(t.lemma in CAUSATIVE for t in window):
        return False  # すみません is an idiom; 済ませない (済む + せる + ない) is a real negation
    if k >= 1 and words[k - 1].lemma in ("ます", "ませ") and k >= 2:
        return not ({words[k - 2].lemma} & _IDIOM_NEGATIVE_HEADS)
    return True


_NOT_NEGATIVE = frozenset(["不安", "不動産", "無理", "非常", "未来", "不思議", "無事", "無駄", "不幸", "非常口", "未満"])


# words that say something is not paid (払わないでいる): a rewrite that says so keeps the negation
_NOT_PAYING = frozenset(["滞納"])


def _negative_word(tok: Token) -> bool:
    """不明, 不備, 未納, 無料, 非課税: words that carry a negation (分からない, 足りない …)."""
    if tok.pos1 == "接頭辞":
        return tok.surface in ("不", "未", "無", "非")
    if tok.surface in _NOT_PAYING:
        return True
    return (
        tok.pos1 in ("名詞", "形状詞") and len(tok.surface) >= 2 and tok.surface[0] in "不未無非"
        and tok.surface not in _NOT_NEGATIVE and tok.pos2 != "固有名詞"
    )


def _refusal(words: list[Token], k: int) -> bool:
    """結構です declines (no, thank you; いりません says the same), except after で/も or a condition
    (ここで結構です, なければ結構です: that is fine)."""
    tok = words[k]
    if tok.surface != "結構" or k + 1 >= len(words) or words[k + 1].lemma != "です":
        return False
    return not (k > 0 and words[k - 1].surface in FINE_BEFORE_KEKKOU)
