"""The facts a rewrite must keep: numbers with their units (dates, times, amounts), with 14時 and
午後2時 read as the same fact, and so 令和8年 and 2026年. Part of the meaning guard."""

from __future__ import annotations

import unicodedata

from easy_japanese.analyzer import Token
from easy_japanese.rules.numbers import ERAS, kanji_value


def _number_at(words: list[Token], k: int) -> tuple[str, int] | None:
    """(value, tokens used) for a number starting at words[k]: 12,000 / 二十三 / 5."""
    text, used = "", 0
    while k + used < len(words) and words[k + used].pos2 == "数詞":
        text += words[k + used].surface
        used += 1
    text = unicodedata.normalize("NFKC", text).replace(",", "")
    if not used:
        return None
    if text.isdigit():
        return str(int(text)), used
    value = kanji_value(text)
    return (str(value), used) if value is not None else None


def facts(tokens: list[Token]) -> frozenset[str]:
    """Numbers with their unit; clock hours on the 24-hour clock and era years as Western years."""
    words = [t for t in tokens if t.surface not in ("、", "，", ",")]
    found: set[str] = set()
    k = 0
    while k < len(words):
        tok = words[k]
        if tok.surface == "正午":
            found.add("12時")
        if len(tok.surface) == 2 and tok.surface[0] in "一二三" and tok.surface[1] == "人" and not (k and words[k - 1].surface == "もう"):
            found.add(f"{kanji_value(tok.surface[0])}人")
        number = _number_at(words, k) if not (k and words[k - 1].surface == "もう") else None  # もう一度: again
        if number is None:
            k += 1
            continue
        value, used = number
        unit = words[k + used].surface if k + used < len(words) else ""
        if unit in (":", "：") and (minutes := _number_at(words, k + used + 1)) is not None:
            found.add(_normalised(words, k, value, "時"))
            found.add(f"{int(minutes[0])}分" if minutes[0] != "0" else "")
            k += used + 1 + minutes[1]
            continue
        found.add(_normalised(words, k, value, unit))
        k += used
    return frozenset(found - {""})


def _normalised(words: list[Token], k: int, value: str, unit: str) -> str:
    prev = words[k - 1].surface if k else ""
    prev2 = words[k - 2].surface if k > 1 else ""
    if unit == "時" and value.isdigit():
        hour = int(value)
        if prev == "午後" and hour < 12:
            hour += 12
        elif prev == "の" and prev2 in ("夜", "夜中") and hour == 12:
            hour = 0
        return f"{hour % 24}時"
    if unit in ("年", "年度") and prev in ERAS and value.isdigit():
        return f"{ERAS[prev] + int(value)}{unit}"
    if unit == "年" and prev == "元" and prev2 in ERAS:
        return f"{ERAS[prev2] + 1}年"
    return f"{value}{unit}"
