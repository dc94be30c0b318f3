"""Glossary of municipal terms: preferred translations and a やさしい日本語 explanation for each.

The data lives in ``pipelines/data/glossary.tsv`` (tab-separated, UTF-8, one term a row, header row
``ja reading easy <lang> <lang> ...``), editable by city staff as a plain file. MT protects these
terms through placeholders; the easy-Japanese rewriter keeps them and adds the explanation in brackets.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipelines.languages import DEFAULT_RESIDENT_LANGUAGES, is_known
from pipelines.tsv import read_language_table

DEFAULT_GLOSSARY = Path(__file__).with_name("data") / "glossary.tsv"


@dataclass(frozen=True)
class GlossaryEntry:
    ja: str
    reading: str
    easy: str  # やさしい日本語 explanation, e.g. 「あなたが 住んでいる ところを 証明する 紙」
    translations: dict[str, str] = field(default_factory=dict)


def read_glossary(path: Path = DEFAULT_GLOSSARY) -> list[GlossaryEntry]:
    return [GlossaryEntry(v["ja"], v["reading"], v["easy"], translations)
            for v, translations in read_language_table(path, ("ja", "reading", "easy"))]


def ensure_glossary_file(path: Path) -> Path:
    """An editable glossary at ``path``: where none exists yet it starts as a copy of the built-in one
    (setting ``[mt] glossary_path`` to a new file is how a city makes its glossary editable)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".glossary-", suffix=".tsv", dir=path.parent)
        os.close(fd)
        shutil.copyfile(DEFAULT_GLOSSARY, tmp_name)
        os.replace(tmp_name, path)  # atomic: two relays starting together both see a whole file
    return path


@lru_cache(maxsize=4)
def load_glossary(path: Path = DEFAULT_GLOSSARY) -> tuple[GlossaryEntry, ...]:
    """The glossary, longest terms first (so 国民健康保険 wins over 健康保険)."""
    return tuple(sorted(read_glossary(path), key=lambda e: -len(e.ja)))


# ---------------------------------------------------------------- editing (admin API, `madoguchi glossary`)

FIXED_COLUMNS = ("ja", "reading", "easy")
_READING_CHARS = re.compile(r"^[\u3041-\u309f\u30fc\s・]+$")  # hiragana, ー, spaces
_FORBIDDEN = ("\t", "\n", "\r")


def validate_entry(entry: GlossaryEntry, required_languages: Sequence[str] = (),
                   need_a_translation: bool = False) -> None:
    """Raise ``ValueError`` saying what is wrong with ``entry`` (for the admin API and the TSV loader).

    A language may be left without a translation: MT then protects the term only on a pivot's step that
    has it on both sides (ja→en keeps the English term on the way to that language) and otherwise
    translates it as it would any word. ``required_languages`` (the shipped glossary's test) must each
    have one; ``need_a_translation`` (the admin API) asks for at least one language besides Japanese,
    since a term with none is never used by MT (only by やさしい日本語 and the recogniser)."""
    if not entry.ja.strip():
        raise ValueError("the Japanese term (ja) is empty")
    if not entry.easy.strip():
        raise ValueError(f"{entry.ja}: the やさしい日本語 explanation (easy) is empty")
    if not _READING_CHARS.match(entry.reading):
        raise ValueError(f"{entry.ja}: the reading must be hiragana, got {entry.reading!r}")
    texts = {"ja": entry.ja, "reading": entry.reading, "easy": entry.easy, **entry.translations}
    for column, text in texts.items():
        if any(ch in text for ch in _FORBIDDEN):
            raise ValueError(f"{entry.ja}: {column} contains a tab or a line break")
        if text != text.strip():
            raise ValueError(f"{entry.ja}: {column} has leading or trailing spaces")
    for lang in entry.translations:
        if not is_known(lang) or lang == "ja":
            raise ValueError(f"{entry.ja}: unknown language code {lang!r}")
    missing = [lang for lang in required_languages if not entry.translations.get(lang)]
    if missing:
        raise ValueError(f"{entry.ja}: no preferred translation for {', '.join(missing)}")
    if need_a_translation and not any(entry.translations.values()):
        raise ValueError(f"{entry.ja}: give a translation in at least one language besides Japanese")


def save_glossary(entries: Sequence[GlossaryEntry], path: Path = DEFAULT_GLOSSARY) -> None:
    """Validate every entry and write the TSV atomically (a reader never sees half a file).

    Raises ``ValueError`` for an invalid or duplicated entry; the file is then left untouched."""
    seen: set[str] = set()
    for entry in entries:
        validate_entry(entry)
        if entry.ja in seen:
            raise ValueError(f"{entry.ja}: the term appears twice")
        seen.add(entry.ja)
    languages = _column_languages(entries)
    fd, tmp_name = tempfile.mkstemp(prefix=".glossary-", suffix=".tsv", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter="\t", lineterminator="\n")
            writer.writerow([*FIXED_COLUMNS, *languages])
            for entry in entries:
                writer.writerow([entry.ja, entry.reading, entry.easy,
                                 *(entry.translations.get(lang, "") for lang in languages)])
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    load_glossary.cache_clear()


def _column_languages(entries: Sequence[GlossaryEntry]) -> list[str]:
    """The default languages in their usual order, then any other language a city added."""
    used = {lang for entry in entries for lang in entry.translations}
    ordered = [lang for lang in DEFAULT_RESIDENT_LANGUAGES if lang in used]
    return ordered + sorted(used - set(ordered))
