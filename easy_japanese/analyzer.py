"""Morphological analysis with fugashi + unidic-lite, shared by every rule.

fugashi's Tagger is not safe to share between threads, and the relay calls us from worker threads,
so each thread gets its own Tagger (creating one costs a few milliseconds, once per thread).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import jaconv

_local = threading.local()


class AnalyzerUnavailable(RuntimeError):
    """fugashi or its dictionary could not be loaded."""


@dataclass(frozen=True)
class Token:
    surface: str
    base: str  # dictionary form as written (orthBase), e.g. 伺う for 伺い
    lemma: str  # unidic lemma, e.g. 下さる for ください
    pos1: str
    pos2: str
    pos3: str
    ctype: str  # conjugation type, e.g. 五段-ラ行
    cform: str  # conjugation form, e.g. 連用形-促音便
    reading: str  # hiragana reading of the surface ("" when unknown)
    goshu: str  # word origin: 和 / 漢 / 外 / 混 / 固 ...
    start: int
    end: int
    unknown: bool = False  # not in the dictionary (the analyser guessed the word)

    @property
    def is_content(self) -> bool:
        return self.pos1 in {"名詞", "動詞", "形容詞", "形状詞", "副詞"} and self.pos2 != "非自立可能"


def _tagger():  # type: ignore[no-untyped-def]
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        try:
            import fugashi

            tagger = fugashi.Tagger()
        except Exception as exc:  # any load failure means the same thing to the caller
            raise AnalyzerUnavailable(f"fugashi/unidic-lite cannot load: {exc}") from exc
        _local.tagger = tagger
    return tagger


def _field(feature: object, name: str) -> str:
    value = getattr(feature, name, None)
    return "" if value in (None, "*") else str(value)


def analyze(text: str) -> list[Token]:
    """Tokens of ``text`` with character offsets into it (whitespace is skipped)."""
    if len(text) > 400:  # long texts are analysed once; sentences and the guard's candidates repeat
        return _analyze(text)
    return list(_analyze_cached(text))


@lru_cache(maxsize=8192)
def _analyze_cached(text: str) -> tuple[Token, ...]:
    """Tokens are immutable, so a cached analysis is safe to share between threads."""
    return tuple(_analyze(text))


def _analyze(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    for word in _tagger()(text):
        surface = word.surface
        start = text.find(surface, pos)
        if start < 0:  # the tagger normalised something; fall back to the running offset
            start = pos
        end = start + len(surface)
        pos = end
        f = word.feature
        kana = _field(f, "kana")
        tokens.append(
            Token(
                surface=surface,
                base=_field(f, "orthBase") or surface,
                lemma=_field(f, "lemma") or surface,
                pos1=_field(f, "pos1"),
                pos2=_field(f, "pos2"),
                pos3=_field(f, "pos3"),
                ctype=_field(f, "cType"),
                cform=_field(f, "cForm"),
                reading=jaconv.kata2hira(kana) if kana else "",
                goshu=_field(f, "goshu"),
                start=start,
                end=end,
                unknown=bool(getattr(word, "is_unk", False)),
            )
        )
    return tokens


def analyzer_status() -> tuple[bool, str]:
    """(ready, detail) for health reports."""
    try:
        analyze("確認")
    except AnalyzerUnavailable as exc:
        return False, str(exc)
    return True, "fugashi + unidic-lite"


@lru_cache(maxsize=4096)
def verb_type(base: str) -> str:
    """Conjugation type of a dictionary-form verb or adjective (e.g. 五段-カ行), by analysing it."""
    for text in (base, "ここで" + base):  # かける alone reads as a name; in a clause it is a verb
        tokens = analyze(text)
        if tokens and tokens[-1].pos1 in ("動詞", "形容詞") and tokens[-1].surface.endswith(base[-1:]):
            return tokens[-1].ctype
        if len(tokens) > 1 and tokens[-1].lemma in ("せる", "させる", "れる", "られる") and tokens[-1].surface == base[-len(tokens[-1].surface):]:
            return "下一段-サ行"  # 終わらせる, 知らせる: a causative or passive verb conjugates like 一段
    return ""


def has_kanji(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or ch in "々〆ヶ" for ch in text)
