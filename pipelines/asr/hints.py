"""Recognition that knows the counter's words: the municipal glossary as Whisper's prompt, and near-miss
glossary terms corrected by their reading.

Whisper base mishears municipal terms it has rarely seen (「電入届け」 for 転入届, 「国民健康保健」 for
国民健康保険, 「財流カード」 for 在留カード). Two remedies, both from ``pipelines/data/glossary.tsv`` (or the
file ``[asr] glossary_path`` names), re-read when the file changes:

- **Prompt.** The glossary terms in the utterance's language are given to Whisper as the previous text
  (``<|startofprev|>``), bounded to ``glossary_hint_chars`` characters. Whisper leans on the end of its
  prompt most, so the terms this session already used come last, after the glossary's own order.
- **Correction by reading.** In a Japanese final, a span that *sounds* like a glossary term but is
  written differently is replaced by the term, where that is safe: the whole span reads exactly like a
  term of at least five kana (国民健康保健 → 国民健康保険, 財流カード → 在留カード), or it is the term with
  one kanji swapped for one that reads nearly the same (電入届 → 転入届: デン/テン). A span that is itself
  a glossary term is never touched (保険料 stays 保険料 even though 保険証 is one kanji away), and short
  terms are never corrected: 保健 and 保険 are both words.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.asr.agreement import UNSPACED_LANGUAGES
from pipelines.asr.scoring import edit_distance

MIN_HOMOPHONE_KANA = 5
MIN_SLIP_CHARS = 3


@dataclass(frozen=True)
class Term:
    text: str
    reading: str  # katakana
    translations: tuple[tuple[str, str], ...] = ()


def katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


class GlossaryHints:
    """Thread-safe; the glossary file is re-read when its modification time changes."""

    def __init__(self, path: Path, hint_chars: int = 80) -> None:
        self._path = path
        self._hint_chars = hint_chars
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._terms: tuple[Term, ...] = ()

    def terms(self) -> tuple[Term, ...]:
        with self._lock:
            try:
                stamp = self._path.stat().st_mtime
            except OSError:
                return self._terms  # a file being replaced: keep what we had
            if stamp != self._stamp:
                from pipelines.glossary import read_glossary

                self._terms = tuple(Term(e.ja, katakana(e.reading), tuple(e.translations.items()))
                                    for e in read_glossary(self._path))
                self._stamp = stamp
            return self._terms

    # ------------------------------------------------------------------ prompt

    def words(self, lang: str) -> list[str]:
        """The glossary's terms in ``lang`` (Japanese terms, or their preferred translations)."""
        if lang == "ja":
            return [t.text for t in self.terms()]
        return [dict(t.translations).get(lang, "") for t in self.terms() if dict(t.translations).get(lang)]

    def prompt(self, lang: str, used: Sequence[str] = ()) -> str:
        """Glossary terms for Whisper's prompt: the glossary's order, then ``used`` (most relevant) last."""
        words = self.words(lang)
        recent = [w for w in dict.fromkeys(used) if w in words]
        separator = "、" if lang == "ja" else ", "
        chosen: list[str] = []
        # a Japanese character is about one token, an English word about one token per four characters
        limit = self._hint_chars if lang in UNSPACED_LANGUAGES else 3 * self._hint_chars
        budget = limit - sum(len(w) + len(separator) for w in recent)
        for word in words:
            if word in recent or len(word) + len(separator) > budget:
                continue
            chosen.append(word)
            budget -= len(word) + len(separator)
        return separator.join(chosen + recent) + ("。" if lang == "ja" else ".")

    def used_in(self, text: str, lang: str) -> list[str]:
        return [w for w in self.words(lang) if w and w in text]

    def echoes_prompt(self, text: str, lang: str) -> bool:
        """Whisper sometimes writes out its prompt instead of the audio: three glossary terms in a row,
        or one term twice (「転入届、転入届、」)."""
        separator = "、" if lang == "ja" else ","
        parts = [p.strip(" 。.") for p in text.split(separator)]
        words = set(self.words(lang))
        run = 0
        for index, part in enumerate(parts):
            run = run + 1 if part in words else 0
            if run >= 3 or (run >= 2 and part == parts[index - 1]):
                return True
        return False

    # ------------------------------------------------------------------ correction

    def correct(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """``text`` with near-miss glossary terms replaced, and the (heard, term) replacements made."""
        terms = sorted(self.terms(), key=lambda t: -len(t.text))  # 国民健康保険 before 健康保険
        known = {t.text for t in terms}
        made: list[tuple[str, str]] = []
        spans = _morpheme_spans(text)
        for term in terms:
            for start, end in _homophones(text, spans, term) + _one_kanji_slips(text, term):
                heard = text[start:end]
                if heard == term.text or heard in known or any(heard in k and heard != k for k in known):
                    continue
                text = text[:start] + term.text + text[end:]
                made.append((heard, term.text))
                spans = _morpheme_spans(text)
                break
        return text, made


def _morpheme_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, katakana reading) of each morpheme found verbatim in ``text`` (OpenJTalk rewrites
    digits, so a morpheme it changed is left out and no span crosses it)."""
    import pyopenjtalk

    spans: list[tuple[int, int, str]] = []
    cursor = 0
    for node in pyopenjtalk.run_frontend(text):
        surface = node["string"]
        at = text.find(surface, cursor)
        if at != cursor or not surface:
            spans.append((-1, -1, ""))
            continue
        spans.append((at, at + len(surface), node["read"] if node["pos"] != "記号" else ""))
        cursor = at + len(surface)
    return spans


def _homophones(text: str, spans: list[tuple[int, int, str]], term: Term) -> list[tuple[int, int]]:
    if len(term.reading) < MIN_HOMOPHONE_KANA:
        return []
    found = []
    for first in range(len(spans)):
        reading = ""
        for last in range(first, min(len(spans), first + 8)):
            start, end, read = spans[last]
            if start < 0 or not read or (last > first and start != spans[last - 1][1]):
                break
            reading += read
            if reading == term.reading:
                found.append((spans[first][0], end))
            if len(reading) >= len(term.reading):
                break
    return found


def _one_kanji_slips(text: str, term: Term) -> list[tuple[int, int]]:
    size = len(term.text)
    if size < MIN_SLIP_CHARS:
        return []
    found = []
    for start in range(len(text) - size + 1):
        window = text[start:start + size]
        diffs = [i for i in range(size) if window[i] != term.text[i]]
        if len(diffs) == 1 and _is_kanji(window[diffs[0]]) and _is_kanji(term.text[diffs[0]]) and (
            _reads_alike(window[diffs[0]], term.text[diffs[0]])
        ):
            found.append((start, start + size))
    return found


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _reads_alike(a: str, b: str) -> bool:
    """Two kanji whose readings (OpenJTalk, on their own) differ by at most one kana: 電/転, 点/転."""
    return edit_distance(list(_reading(a)), list(_reading(b))) <= 1


@functools.lru_cache(maxsize=8192)
def _reading(text: str) -> str:
    import pyopenjtalk

    return "".join(node["read"] for node in pyopenjtalk.run_frontend(text))


def merge_used(used: list[str], new: Iterable[str], keep: int = 8) -> list[str]:
    """The terms a session used, most recent last, at most ``keep``."""
    merged = [w for w in used if w not in set(new)] + list(dict.fromkeys(new))
    return merged[-keep:]
