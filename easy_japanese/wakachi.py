"""分かち書き: a space between phrases (文節), as in printed やさしい日本語 (あなたが 住んでいる ところを …).

A phrase starts at a content word; particles, auxiliaries, suffixes, する after a noun and the helper
verbs after 〜て (いる, ある, おく, しまう …) stay attached. ください starts its own phrase.
"""

from __future__ import annotations

import itertools

from easy_japanese.analyzer import Token, analyze

_PHRASE_START = {"名詞", "代名詞", "動詞", "形容詞", "形状詞", "副詞", "連体詞", "接続詞", "感動詞", "接頭辞"}
_OPENERS = "（(「『【 　"


def _starts_phrase(prev: Token, tok: Token) -> bool:
    if tok.pos1 not in _PHRASE_START or prev.pos1 in ("接頭辞", "補助記号", "空白"):
        return False
    if tok.pos1 == "名詞" and prev.pos1 in ("名詞", "代名詞"):
        return False  # compounds and number + counter: 健康診断, 2枚
    if tok.lemma == "為る" and prev.pos1 == "名詞":
        return False
    if tok.pos2 == "非自立可能" and tok.lemma != "下さる":
        return False  # 住んでいる, 書いておく
    return not (tok.pos1 == "動詞" and prev.pos1 == "動詞")


def wakachigaki(text: str) -> str:
    """``text`` with a space before every phrase that does not already follow a space or bracket."""
    out: list[str] = []
    pos = 0
    tokens = analyze(text)
    for prev, tok in itertools.pairwise(tokens):
        if _starts_phrase(prev, tok) and tok.start > 0 and text[tok.start - 1] not in _OPENERS:
            out.append(text[pos : tok.start])
            out.append(" ")
            pos = tok.start
    out.append(text[pos:])
    return "".join(out)
