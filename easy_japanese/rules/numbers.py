"""Numbers, dates and times: digits instead of kanji numerals, 午前/午後 instead of 24-hour time,
the Western year beside era years. Amounts, phone numbers and names are never touched: these rules
only rewrite a clock hour, an era year, or a kanji numeral directly before a counter."""

from __future__ import annotations

import re

from easy_japanese.analyzer import Token
from easy_japanese.rules.base import Context, Edit, next_token, prev_token

ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911}
_ERA_YEAR = re.compile(r"(令和|平成|昭和|大正)(元|\d{1,2})年(度)?(?!（\d)")
# 14時, 14時30分, 14:30 — not 3時間 (a duration), not already 午後2時
_CLOCK = re.compile(r"(?<![\d:：.])(\d{1,2})(?:時(?![間代点期刻])(半|\d{1,2}分)?|[:：](\d{2})(?!\d))")
_DAYPART_BEFORE = ("午前", "午後", "朝", "夜", "晩", "夕方", "昼", "深夜", "明け方", "夜の", "朝の", "昼の")
_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_COUNTERS = frozenset(
    ["つ", "人", "回", "度", "枚", "階", "歳", "才", "杯", "本", "個", "件", "通", "冊", "台", "週間", "か月", "ヶ月", "カ月", "箇月", "年", "年間", "日間", "時間", "分間", "円", "万", "番目", "名", "部", "点", "社"]
)


def era_years(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """令和8年 → 2026年（令和8年）: many residents count years only in the Western calendar."""
    edits = []
    for m in _ERA_YEAR.finditer(text):
        number = 1 if m.group(2) == "元" else int(m.group(2))
        western = ERAS[m.group(1)] + number
        year = "年度" if m.group(3) else "年"  # 令和8年度 → 2026年度（令和8年度）, a fiscal year
        if text[max(0, m.start() - 7) : m.start()].endswith(f"{western}{year}（"):
            continue
        edits.append(Edit(m.start(), m.end(), f"{western}{year}（{m.group(0)}）", "numbers.era_year"))
    return edits


def _clock_words(hour: int, rest: str) -> str | None:
    """Only unambiguous 24-hour times change: 9時 may be morning or evening, 21時 cannot."""
    if hour > 24 or 0 < hour < 12:
        return None
    if hour == 12:
        return f"昼の12時{rest}"
    if hour in (0, 24):
        return f"夜の12時{rest}"
    return f"午後{hour - 12}時{rest}"


def clock_times(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """14時30分 → 午後2時30分, 0時 → 夜の12時, 17:15 → 午後5時15分: 24-hour time is easy to misread."""
    edits = []
    for m in _CLOCK.finditer(text):
        if text[: m.start()].rstrip().endswith(_DAYPART_BEFORE):
            continue
        hour = int(m.group(1))
        if m.group(3) is not None:  # 14:30 form
            minutes = int(m.group(3))
            if minutes > 59:
                continue
            rest = f"{minutes}分" if minutes else ""
        else:
            rest = m.group(2) or ""
        words = _clock_words(hour, rest)
        if words and words != m.group(0):
            edits.append(Edit(m.start(), m.end(), words, "numbers.clock"))
    return edits


def kanji_value(surface: str) -> int | None:
    if surface == "十":
        return 10
    if all(ch in _KANJI_DIGITS for ch in surface) and len(surface) == 1:
        return _KANJI_DIGITS[surface]
    if "十" in surface and len(surface) <= 3:
        tens, _, ones = surface.partition("十")
        t = _KANJI_DIGITS.get(tens, 1 if not tens else -100)
        o = _KANJI_DIGITS.get(ones, 0 if not ones else -100)
        value = t * 10 + o
        return value if value > 0 else None
    return None


def _numeral_runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last) token indices of runs of kanji-numeral tokens (十 + 四 → 十四)."""
    runs: list[tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        if tok.pos2 != "数詞" or not all(ch in _KANJI_DIGITS or ch == "十" for ch in tok.surface):
            continue
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


# counters that are also words of their own, counted only with the reading they have after a number
# (三時 さんじ "three o'clock", 五分 ごふん "five minutes"; 十分 じゅうぶん "enough" is one word)
_COUNTER_READINGS = {"時": ("じ",), "分": ("ふん", "ぷん"), "倍": ("ばい",), "周": ("しゅう",),
                     "秒": ("びょう",), "匹": ("ひき", "びき", "ぴき"), "ドル": ("どる",)}


def _is_counter(tok: Token) -> bool:
    if tok.surface in _COUNTER_READINGS:
        return tok.reading in _COUNTER_READINGS[tok.surface]
    return any(tok.surface.startswith(c) for c in _COUNTERS | {"日", "月", "週"})


_ICHIJI_WORDS = frozenset(["金", "的", "払い", "預かり", "保育", "停止", "帰国"])  # 一時金, 一時的 …


def _idiom(prev: Token | None, nxt: Token, after: Token | None) -> bool:
    """もう一度, もう一人 ("again", "one more") and 二度と ("never again") are written in words; so is
    一時 ("for a while", "lump") inside a word: 一時金, 一時保育 are not 1時金 ("one o'clock money")."""
    if nxt.surface == "時" and after is not None and after.surface in _ICHIJI_WORDS:
        return True
    return (prev is not None and prev.surface == "もう") or (nxt.surface == "度" and after is not None and after.surface == "と")


def kanji_numerals(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """一つ → 1つ, 十四日 → 14日, 一人 → 1人: the guideline asks for Arabic numerals before counters."""
    edits = []
    for first, last in _numeral_runs(tokens):
        nxt, prev = next_token(tokens, last), prev_token(tokens, first)
        if nxt is None or not _is_counter(nxt) or (prev is not None and prev.pos2 == "数詞"):
            continue
        if _idiom(prev, nxt, next_token(tokens, last + 1)):
            continue
        value = kanji_value(text[tokens[first].start : tokens[last].end])
        if value is not None and not (value == 1 and nxt.surface == "日" and nxt.reading == "たち"):
            edits.append(Edit(tokens[first].start, tokens[last].end, str(value), "numbers.kanji_numeral"))
    for tok in tokens:  # 一人, 二人 are single words to the analyser
        if len(tok.surface) == 2 and tok.surface[0] in "一二三" and tok.surface[1] == "人":
            edits.append(Edit(tok.start, tok.start + 1, str(_KANJI_DIGITS[tok.surface[0]]), "numbers.kanji_numeral"))
    return edits
