"""Phrasebook of verified counter phrases: an exact or near match bypasses MT.

The data lives in ``pipelines/data/phrasebook.tsv`` (tab-separated, UTF-8, header ``phrase_id category
ja <lang> ...``; not ``id``, which is the code of Indonesian), written and checked by people, so a match
is sent as ``kind: phrasebook`` with confidence 1.0 and its audio can be synthesised ahead of time. A phrase may hold numeric slots such as ``{yen}``:
``手数料は{yen}円です`` matches 「手数料は300円です」 and fills ``{yen}`` in every translation. Slot
phrases match only exactly (after normalisation); fixed phrases also match near variants.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from pipelines.tsv import read_language_table

DEFAULT_PHRASEBOOK = Path(__file__).with_name("data") / "phrasebook.tsv"
DEFAULT_MIN_SIMILARITY = 0.9
SLOT = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_NUMBER = r"[0-9][0-9]*"

# Spelling and politeness variants that do not change what the clerk means.
_JA_VARIANTS = (
    ("下さいませ", "ください"), ("くださいませ", "ください"), ("下さい", "ください"),
    ("お願い致します", "お願いします"), ("お願いいたします", "お願いします"), ("致します", "いたします"),
    ("頂", "いただ"), ("御座います", "ございます"), ("有難う", "ありがとう"), ("有り難う", "ありがとう"),
    ("すいません", "すみません"), ("宜しく", "よろしく"), ("ませんでしょうか", "ませんか"),
    ("でしょうか", "ですか"), ("一寸", "ちょっと"), ("少しお待ち", "少々お待ち"),
)
_NEGATIONS = ("ない", "ません", "ぬ", "ず")
_CONTENT_CHAR = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\u30a0-\u30ff0-9a-z々]")


@dataclass(frozen=True)
class PhrasebookEntry:
    id: str
    category: str
    ja: str
    translations: dict[str, str] = field(default_factory=dict)

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(SLOT.findall(self.ja))

    @property
    def presynthesizable(self) -> bool:
        """Whether the audio can be made ahead of time (no numbers to fill in)."""
        return not self.slots

    def text(self, lang: str) -> str | None:
        return self.ja if lang == "ja" else self.translations.get(lang)


@dataclass(frozen=True)
class PhrasebookMatch:
    entry: PhrasebookEntry  # slots already filled in
    similarity: float  # 1.0 for an exact match after normalisation


def normalise(text: str, lang: str = "ja") -> str:
    """Fold width, case, punctuation, spacing and (Japanese) polite spelling variants."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(" " if _is_ignorable(ch) else ch for ch in folded)
    if lang in ("ja", "zh", "th", "my"):
        kept = kept.replace(" ", "")
        for variant, canonical in _JA_VARIANTS if lang == "ja" else ():
            kept = kept.replace(variant, canonical)
        return kept
    return " ".join(kept.split())


def _is_ignorable(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch.isspace() or category.startswith("P") or category in ("So", "Sk")


class Phrasebook:
    def __init__(self, entries: Sequence[PhrasebookEntry], min_similarity: float = DEFAULT_MIN_SIMILARITY):
        self.entries = tuple(entries)
        self.min_similarity = min_similarity
        self._index: dict[str, dict[str, PhrasebookEntry]] = {}
        self._templates: dict[str, list[tuple[re.Pattern[str], PhrasebookEntry]]] = {}

    def __iter__(self) -> Iterator[PhrasebookEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def coverage(self, lang: str) -> float:
        """Share of phrases with a verified translation in ``lang`` (for ``/api/languages``)."""
        if not self.entries:
            return 0.0
        return sum(1 for e in self.entries if e.text(lang)) / len(self.entries)

    def match(self, text: str, target_lang: str, source_lang: str = "ja") -> PhrasebookEntry | None:
        found = self.lookup(text, target_lang, source_lang)
        return found.entry if found else None

    def lookup(self, text: str, target_lang: str, source_lang: str = "ja") -> PhrasebookMatch | None:
        """The phrase ``text`` says, when it has a translation into ``target_lang``."""
        key = normalise(text, source_lang)
        if not key:
            return None
        found = self._exact(key, source_lang) or self._templated(key, source_lang)
        if found is None and source_lang == "ja":
            found = self._near(key)
        if found is None or found.entry.text(target_lang) is None:
            return None
        return found

    def _exact(self, key: str, lang: str) -> PhrasebookMatch | None:
        entry = self._index_for(lang).get(key)
        return PhrasebookMatch(entry, 1.0) if entry else None

    def _templated(self, key: str, lang: str) -> PhrasebookMatch | None:
        for pattern, entry in self._templates_for(lang):
            hit = pattern.fullmatch(key)
            if hit:
                return PhrasebookMatch(_fill(entry, hit.groupdict()), 1.0)
        return None

    def _near(self, key: str) -> PhrasebookMatch | None:
        best: PhrasebookMatch | None = None
        for candidate, entry in self._index_for("ja").items():
            if not _same_content(key, candidate):
                continue
            ratio = SequenceMatcher(None, key, candidate, autojunk=False).ratio()
            if ratio >= self.min_similarity and (best is None or ratio > best.similarity):
                best = PhrasebookMatch(entry, ratio)
        return best

    def _index_for(self, lang: str) -> dict[str, PhrasebookEntry]:
        if lang not in self._index:
            self._index[lang] = {
                normalise(text, lang): e for e in self.entries if not e.slots and (text := e.text(lang))
            }
        return self._index[lang]

    def _templates_for(self, lang: str) -> list[tuple[re.Pattern[str], PhrasebookEntry]]:
        if lang not in self._templates:
            self._templates[lang] = [
                (_template_pattern(text, lang), e) for e in self.entries if e.slots and (text := e.text(lang))
            ]
        return self._templates[lang]


def _template_pattern(template: str, lang: str) -> re.Pattern[str]:
    parts = SLOT.split(template)  # literal, slot, literal, slot, ...
    pattern = ""
    for i, part in enumerate(parts):
        if i % 2:
            pattern += f"(?P<{part}>{_NUMBER})"
        else:
            literal = normalise(part, lang)
            if lang not in ("ja", "zh", "th", "my") and literal:
                literal = f" ?{re.escape(literal)} ?"  # spaces around a number are optional
                pattern += literal
            else:
                pattern += re.escape(literal)
    return re.compile(pattern)


def _fill(entry: PhrasebookEntry, values: dict[str, str]) -> PhrasebookEntry:
    def fill(text: str) -> str:
        return SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), text)

    return replace(entry, ja=fill(entry.ja), translations={k: fill(v) for k, v in entry.translations.items()})


def _same_content(a: str, b: str) -> bool:
    """Near matches may differ only in hiragana (particles, politeness), never in negation."""
    if sorted(_CONTENT_CHAR.findall(a)) != sorted(_CONTENT_CHAR.findall(b)):
        return False
    return all((neg in a) == (neg in b) for neg in _NEGATIONS)


def read_phrasebook(path: Path = DEFAULT_PHRASEBOOK) -> list[PhrasebookEntry]:
    return [PhrasebookEntry(v["phrase_id"], v["category"], v["ja"], translations)
            for v, translations in read_language_table(path, ("phrase_id", "category", "ja"))]


def validate_phrase(entry: PhrasebookEntry) -> None:
    """Raise ``ValueError`` when a phrase cannot be used (empty, or slots that differ by language)."""
    if not entry.id or not entry.ja:
        raise ValueError(f"phrase {entry.id!r}: id and ja are required")
    expected = sorted(entry.slots)
    for lang, text in entry.translations.items():
        if sorted(SLOT.findall(text)) != expected:
            raise ValueError(f"phrase {entry.id}: the {lang} text must use the slots {expected}")


def build_phrasebook(path: Path, min_similarity: float = DEFAULT_MIN_SIMILARITY) -> Phrasebook:
    """Read and validate the phrasebook at ``path`` (uncached: the MT engine reloads it on change)."""
    entries = read_phrasebook(path)
    ids: set[str] = set()
    for entry in entries:
        validate_phrase(entry)
        if entry.id in ids:
            raise ValueError(f"phrase {entry.id}: the id appears twice")
        ids.add(entry.id)
    return Phrasebook(entries, min_similarity)


@lru_cache(maxsize=4)
def _load_cached(path: Path, min_similarity: float) -> Phrasebook:
    return build_phrasebook(path, min_similarity)


def load_phrasebook(path: Path | None = None, min_similarity: float = DEFAULT_MIN_SIMILARITY) -> Phrasebook:
    """The phrasebook at ``path`` (the built-in one when ``None``); iterate it for its entries."""
    return _load_cached(path or DEFAULT_PHRASEBOOK, min_similarity)


def match(text: str, target_lang: str, source_lang: str = "ja") -> PhrasebookEntry | None:
    """Look ``text`` up in the built-in phrasebook."""
    return load_phrasebook().match(text, target_lang, source_lang)
