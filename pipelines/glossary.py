"""Glossary of municipal terms: preferred translations and a やさしい日本語 explanation for each.

The data lives in ``pipelines/data/glossary.tsv`` (tab-separated, UTF-8, one term a row, header row
``ja reading easy <lang> <lang> ...``), editable by city staff as a plain file. MT protects these
terms through placeholders; the easy-Japanese rewriter keeps them and adds the explanation in brackets.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DEFAULT_GLOSSARY = Path(__file__).with_name("data") / "glossary.tsv"


@dataclass(frozen=True)
class GlossaryEntry:
    ja: str
    reading: str
    easy: str  # やさしい日本語 explanation, e.g. 「あなたが 住んでいる ところを 証明する 紙」
    translations: dict[str, str] = field(default_factory=dict)


def read_glossary(path: Path = DEFAULT_GLOSSARY) -> list[GlossaryEntry]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        entries = []
        for row in reader:
            fixed = {k: (row.pop(k) or "").strip() for k in ("ja", "reading", "easy")}
            translations = {lang: text.strip() for lang, text in row.items() if lang and text and text.strip()}
            entries.append(GlossaryEntry(fixed["ja"], fixed["reading"], fixed["easy"], translations))
    return entries


@lru_cache(maxsize=4)
def load_glossary(path: Path = DEFAULT_GLOSSARY) -> tuple[GlossaryEntry, ...]:
    """The glossary, longest terms first (so 国民健康保険 wins over 健康保険)."""
    return tuple(sorted(read_glossary(path), key=lambda e: -len(e.ja)))
