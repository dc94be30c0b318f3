"""Conjugating a replacement verb into the form of the verb it replaces.

Rules swap 伺い(ます) for 聞き(ます), おっ(て) for い(て), 申し(ます) for 言い(ます): the new verb takes the
original's unidic conjugation form. Before て/た the new verb's own euphonic stem is used and the
particle is voiced or unvoiced to match (読んで, 行って, 書いて).
"""

from __future__ import annotations

from functools import lru_cache

from easy_japanese.analyzer import Token, analyze, verb_type

# godan row → kana for the a, i, u, e, o grades
_ROWS = {
    "カ": "かきくけこ",
    "ガ": "がぎぐげご",
    "サ": "さしすせそ",
    "タ": "たちつてと",
    "ナ": "なにぬねの",
    "バ": "ばびぶべぼ",
    "マ": "まみむめも",
    "ラ": "らりるれろ",
    "ワア": "わいうえお",
}
_TE_FAMILY = {"て": "で", "た": "だ", "たら": "だら", "たり": "だり", "たろう": "だろう", "ちゃ": "じゃ", "ちゃう": "じゃう"}
_VOICED_TE = {v: k for k, v in _TE_FAMILY.items()}


def _godan_row(ctype: str) -> str:
    return ctype.removeprefix("五段-").removesuffix("行")


def _grade_for(cform: str) -> int:
    if cform.startswith("未然形"):
        return 0
    if cform.startswith("連用形"):
        return 1
    if cform.startswith(("終止形", "連体形")):
        return 2
    if cform.startswith(("仮定形", "命令形")):
        return 3
    return 4  # 意志推量形


def _te_stem(base: str, ctype: str) -> tuple[str, bool]:
    """Stem before て/た and whether the particle is voiced (で/だ)."""
    if ctype.startswith("五段"):
        row = _godan_row(ctype)
        if base.endswith(("行く", "いく")):
            return base[:-1] + "っ", False
        if row in ("カ", "ガ"):
            return base[:-1] + "い", row == "ガ"
        if row == "サ":
            return base[:-1] + "し", False
        if row in ("ナ", "バ", "マ"):
            return base[:-1] + "ん", True
        return base[:-1] + "っ", False
    if ctype.startswith("サ行変格"):
        return base[:-2] + "し", False
    if ctype.startswith("カ行変格"):
        return base[:-2] + ("来" if base.endswith("来る") else "き"), False
    return base[:-1], False  # 一段


def _stem_for(base: str, ctype: str, cform: str) -> str:
    grade = _grade_for(cform)
    if grade == 2:
        return base
    if ctype.startswith("五段"):
        row = _ROWS.get(_godan_row(ctype), "")
        return base[:-1] + row[grade] if row else base
    if ctype.startswith("サ行変格"):
        stem = base[:-2]
        return stem + ("し", "し", "する", "すれ" if cform.startswith("仮定") else "しろ", "しよ")[grade]
    if ctype.startswith("カ行変格"):
        stem = base[:-2] + ("来" if base.endswith("来る") else "")
        kana = ("こ", "き", "くる", "くれ" if cform.startswith("仮定") else "こい", "こよ")[grade]
        return stem + (kana[1:] if stem.endswith("来") and kana in ("こ", "き") else kana)
    stem = base[:-1]  # 一段
    return stem + ("", "", "る", "れ" if cform.startswith("仮定") else "ろ", "よ")[grade]


def conjugate(base: str, cform: str, next_surface: str = "") -> tuple[str, str | None]:
    """``base`` in the form ``cform``; returns (surface, replacement for the next token or None)."""
    ctype = verb_type(base)
    if not ctype:
        return base, None
    te_plain = _VOICED_TE.get(next_surface, next_surface)
    if te_plain in _TE_FAMILY and cform.startswith("連用形"):
        stem, voiced = _te_stem(base, ctype)
        wanted = _TE_FAMILY[te_plain] if voiced else te_plain
        return stem, (wanted if wanted != next_surface else None)
    if cform.startswith("連用形"):
        cform = "連用形-一般"
    if ctype.startswith("サ行変格") and cform.startswith("未然形") and next_surface.startswith(("ず", "ぬ", "ざ")):
        return base[:-2] + "せ", None  # なさらずに → せずに (しずに is not Japanese)
    return _stem_for(base, ctype, cform), None


def te_form(base: str) -> str:
    """書く → 書いて, 読む → 読んで, する → して: the て-form of a dictionary-form verb ("" if unknown)."""
    if not verb_type(base):
        return ""
    stem, particle = conjugate(base, "連用形-一般", "て")
    return stem + (particle or "て")


def masu_form(base: str, ending: str = "ます") -> str:
    """書く → 書きます (or 書きません, 書きました with ``ending``)."""
    return conjugate(base, "連用形-一般", "ます")[0] + ending


_STEM_TO_END = dict(zip("いきぎしちにびみり", "うくぐすつぬぶむる", strict=True))


def verb_of_stem(word: Token) -> str | None:
    """The verb whose 連用形 the word is: お持ち → 持つ, お帰り → 帰る, お問い合わせ → 問い合わせる. After お/ご
    the analyser often tags the stem as a noun; お越し is coming (来る), not crossing (越す)."""
    if word.pos1 == "動詞" and word.cform.startswith("連用形"):
        return "来る" if word.base == "越す" else word.base
    return _dictionary_form(word.surface) if word.pos1 == "名詞" and word.surface else None


@lru_cache(maxsize=1024)
def _dictionary_form(stem: str) -> str | None:
    """呼び → 呼ぶ, 問い合わせ → 問い合わせる: the godan reading first, then the ichidan one."""
    candidates = [stem[:-1] + _STEM_TO_END[stem[-1]]] if stem[-1] in _STEM_TO_END else []
    candidates.append(stem + "る")
    for candidate in candidates:
        parsed = analyze(candidate)
        if len(parsed) == 1 and parsed[0].pos1 == "動詞" and parsed[0].cform.startswith("終止形") and parsed[0].base == candidate:
            return candidate
    return None
