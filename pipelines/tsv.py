"""The data files city staff edit (glossary, phrasebook): UTF-8, tab-separated, a header row, some fixed
columns, then one column per language code."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path


def read_language_table(path: Path, fixed: Sequence[str]) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Each row as ``(fixed column → text, language → text)``; empty language cells are left out."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = []
        for row in csv.DictReader(f, delimiter="\t"):
            values = {k: (row.pop(k) or "").strip() for k in fixed}
            languages = {lang: text.strip() for lang, text in row.items() if lang and text and text.strip()}
            rows.append((values, languages))
    return rows
