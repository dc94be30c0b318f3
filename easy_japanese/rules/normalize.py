"""Width normalisation before any other rule: half-width katakana (ｶﾞｲｺｸｼﾞﾝ) becomes full-width and
full-width Latin letters and digits (１２３) become half-width, so later rules see one spelling."""

from __future__ import annotations

import jaconv

from easy_japanese.analyzer import Token
from easy_japanese.rules.base import Context, Edit


def _normal_char(ch: str) -> str:
    if "\uff61" <= ch <= "\uff9f":
        return ch  # handled as a run below (dakuten combine with the preceding kana)
    if "\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a":
        return chr(ord(ch) - 0xFEE0)
    return ch


def width(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """ｶﾞｲｺｸ → ガイコク, ２０２６ → 2026."""
    edits = []
    i = 0
    while i < len(text):
        if "\uff66" <= text[i] <= "\uff9f":
            j = i
            while j < len(text) and "\uff61" <= text[j] <= "\uff9f":
                j += 1
            edits.append(Edit(i, j, jaconv.h2z(text[i:j], kana=True, ascii=False, digit=False), "normalize.width"))
            i = j
            continue
        new = _normal_char(text[i])
        if new != text[i]:
            edits.append(Edit(i, i + 1, new, "normalize.width"))
        i += 1
    return edits
