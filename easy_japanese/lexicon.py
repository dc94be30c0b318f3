"""Our written dictionary of difficult → easy words, and how common a word is.

``data/easy_words.tsv`` is written by the project for counter, municipal and daily-life Japanese;
city staff can edit it (the format is described at the top of the file). Word frequency comes from the
``wordfreq`` package (its Japanese list), used to tell everyday words from rare ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from easy_japanese.kanji_grades import kanji_grade

DATA_DIR = Path(__file__).with_name("data")
KINDS = ("n", "s", "v", "a", "abbr", "adv", "hard")


@dataclass(frozen=True)
class LexEntry:
    word: str
    easy: str
    kind: str  # see KINDS and the header of easy_words.tsv
    noun_easy: str = ""  # for kind "s": replacement when the word is used as a noun
    source: str = "ours"  # ours | moj | snow (built_words.tsv)


def read_tsv_rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t")])
    return rows


BUILT = DATA_DIR / "built_words.tsv"


@lru_cache(maxsize=4)
def load_lexicon(path: Path = DATA_DIR / "easy_words.tsv", built: Path | None = BUILT) -> dict[str, LexEntry]:
    """Our written dictionary, over the pairs built from public sources (``build/build_lexicon.py``)."""
    entries: dict[str, LexEntry] = {}
    if built is not None and built.exists():
        for row in read_tsv_rows(built):
            if len(row) >= 3 and row[2] in KINDS:
                entries[row[0]] = LexEntry(row[0], row[1], row[2], "", row[3] if len(row) > 3 else "built")
    for row in read_tsv_rows(path):
        if len(row) < 3 or row[2] not in KINDS:
            raise ValueError(f"{path.name}: bad row {row!r} (need word, easy, kind)")
        entries[row[0]] = LexEntry(row[0], row[1], row[2], row[3] if len(row) > 3 else "")
    return entries


@lru_cache(maxsize=2)
def string_index(path: Path = DATA_DIR / "easy_words.tsv") -> dict[str, tuple[LexEntry, ...]]:
    """Entries matched as strings (n, abbr, adv, a), by first character, longest first."""
    index: dict[str, list[LexEntry]] = {}
    for entry in load_lexicon(path).values():
        if entry.kind in ("n", "abbr", "adv"):
            index.setdefault(entry.word[0], []).append(entry)
    return {ch: tuple(sorted(group, key=lambda e: -len(e.word))) for ch, group in index.items()}


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    import wordfreq

    return dict(wordfreq.get_frequency_dict("ja"))


def zipf(word: str) -> float:
    """wordfreq Zipf value (0 for unknown words; everyday words are 5 and above)."""
    freq = _frequencies().get(word, 0.0)
    return math.log10(freq) + 9 if freq > 0 else 0.0


@lru_cache(maxsize=1)
def easy_output_words() -> frozenset[str]:
    """Words our dictionary uses as easy replacements: known easy by construction."""
    words = set()
    for entry in load_lexicon().values():
        if entry.kind == "hard":
            continue  # counted as difficult, no easy word
        words.add(entry.easy)
        if entry.easy == entry.word:
            words.add(entry.word)
    return frozenset(words)


def max_kanji_grade(word: str) -> int:
    grades = [kanji_grade(ch) for ch in word if "\u4e00" <= ch <= "\u9fff"]
    return max(grades, default=0)


def is_everyday(word: str, min_zipf: float, surface: str = "") -> bool:
    """Common enough to need no help; the surface counts too (wordfreq lists stems such as 足り)."""
    best = max(zipf(word), zipf(surface)) if surface else zipf(word)
    return best >= min_zipf or word in easy_output_words()
