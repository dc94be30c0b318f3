"""Long sentences split into short ones: one message per sentence.

A sentence longer than ``max_sentence_chars`` is cut after a reason (〜ので、〜から、〜ため、), a contrast
(〜が、〜けど、) or a sequence (〜て、 / 連用形、). The first part gets a proper sentence end in the same
register (です/ます if the sentence is polite) and the second starts with ですから / でも / それから,
so the order — conditions and reasons first — is kept.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token
from easy_japanese.conjugation import conjugate
from easy_japanese.rules.base import Context, Edit

_CONTRAST = {"が", "けど", "けれど", "けれども"}
_ENDS = "。！？!?"


def _sentences(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = [[]]
    for tok in tokens:
        groups[-1].append(tok)
        if tok.surface in _ENDS or (tok.surface and tok.surface[-1] in _ENDS):
            groups.append([])
    return [g for g in groups if g]


def _is_polite(sentence: list[Token]) -> bool:
    return any(t.lemma in ("ます", "です") or t.surface.startswith("ください") for t in sentence[-4:])


def _ends_with_request(sentence: list[Token]) -> bool:
    return any(t.surface in ("ください", "下さい") for t in sentence[-3:])


def _finish(pred: Token, polite: bool, before: Token | None) -> str | None:
    """The predicate ``pred`` rewritten as a sentence end, or None when we cannot do it safely."""
    if pred.lemma in ("ます", "です") or pred.surface in ("ました", "でした"):
        return pred.surface
    if pred.surface == "ん" and before is not None and before.surface == "ませ":
        return "ん"
    if pred.pos1 == "動詞" and pred.cform.startswith(("終止形", "連体形")):
        base = "する" if pred.lemma == "為る" else pred.base
        return conjugate(base, "連用形-一般", "ます")[0] + "ます" if polite else pred.surface
    if pred.lemma == "ない" and pred.pos1 == "助動詞" and before is not None and before.pos1 == "動詞" and polite:
        return None  # handled by _negative_end, which also rewrites the verb
    if pred.pos1 == "形容詞" or pred.lemma == "ない":
        return pred.surface + ("です" if polite else "")
    if pred.surface in ("な", "だ") and before is not None and before.pos1 in ("名詞", "形状詞"):
        return "です" if polite else "だ"
    if pred.lemma == "た" and before is not None and before.lemma in ("ます", "です"):
        return pred.surface  # 廃止されましたので、 → 廃止されました。ですから、 (まし + た: the sentence end is there)
    if pred.lemma == "た" and before is not None and before.pos1 == "動詞" and polite:
        base = "する" if before.lemma == "為る" else before.base
        return None if before.surface.endswith("ん") else conjugate(base, "連用形-一般", "ます")[0] + "ました"
    return None


def _connective(sent: list[Token], k: int) -> tuple[str, int] | None:
    """(kind, index of the predicate) when sent[k] ends a clause: reason, contrast or sequence."""
    conn = sent[k]
    if conn.surface == "で" and k >= 2 and sent[k - 1].surface == "の" and sent[k - 1].pos2 == "準体助詞":
        return "reason", k - 2
    if conn.pos2 != "接続助詞":
        return None
    if conn.surface == "から":
        return "reason", k - 1
    if conn.surface in _CONTRAST:
        return "contrast", k - 1
    if conn.surface in ("て", "で") and sent[k - 1].pos1 == "動詞":
        return "sequence", k - 1
    return None


def _split_edit(sent: list[Token], k: int, polite: bool, request: bool) -> Edit | None:
    found = _connective(sent, k)
    if found is None or found[1] < 1:
        return None
    kind, p = found
    pred, before, comma = sent[p], sent[p - 1], sent[k + 1]
    if kind == "sequence":
        finished = sent[k].surface + "ください" if request else _te_sentence_end(pred, polite)
        start = sent[k].start if request else pred.start
        word = "それから"
    elif (negative := _negative_end(pred, before, polite)) is not None:
        start, finished = negative
        word = ("ですから" if polite else "だから") if kind == "reason" else "でも"
    else:
        finished, start = _finish(pred, polite, before), pred.start
        word = ("ですから" if polite else "だから") if kind == "reason" else "でも"
    if finished is None:
        return None
    return Edit(start, comma.end, f"{finished}。{word}、", "split.long_sentence")


def _negative_end(pred: Token, before: Token, polite: bool) -> tuple[int, str] | None:
    """出さなければならない → 出さなければなりません; 行かない → 行きません (polite sentences only)."""
    if not polite or pred.lemma != "ない" or pred.pos1 != "助動詞" or before.pos1 != "動詞":
        return None
    base = "する" if before.lemma == "為る" else before.base
    return before.start, conjugate(base, "連用形-一般", "ます")[0] + "ません"


def _te_sentence_end(pred: Token, polite: bool) -> str | None:
    base = "する" if pred.lemma == "為る" else pred.base
    if not polite:
        return base
    return conjugate(base, "連用形-一般", "ます")[0] + "ます"


def long_sentences(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """Cut sentences over the length limit at clause ends (〜ので、〜が、〜て、)."""
    limit = ctx.options.max_sentence_chars
    edits: list[Edit] = []
    for sent in _sentences(tokens):
        if sent[-1].end - sent[0].start <= limit:
            continue
        polite, request = _is_polite(sent), _ends_with_request(sent)
        for k in range(1, len(sent) - 2):
            if sent[k + 1].surface not in ("、", ",", "，") or sent[k].start - sent[0].start < 6:
                continue
            if sent[-1].end - sent[k + 1].end < 6:
                continue
            edit = _split_edit(sent, k, polite, request)
            if edit is not None:
                edits.append(edit)
    return edits
