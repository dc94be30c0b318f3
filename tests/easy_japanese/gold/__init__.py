"""The gold set: counter and notice sentences in 12 situations, written by the Madoguchi team, each with
a reference やさしい日本語 version and the facts that must survive a rewrite.

The split is fixed by a checksum of the source sentence (adding sentences never moves old ones): the
``test`` half is for measuring only and is never used to write or tune rules; the ``dev`` half is.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from tests.easy_japanese.gold.sentences_a import (
    CERTIFICATES,
    CHILDCARE,
    HEALTH_INSURANCE,
    MOVING,
    PENSION,
    TAX,
)
from tests.easy_japanese.gold.sentences_b import COUNTER_GUIDE, DISASTER, GARBAGE, MEDICAL, RESIDENCE, SCHOOL
from tests.easy_japanese.gold.sentences_c import MORE

SITUATIONS = {
    "転入・転出": MOVING,
    "住民票・証明書": CERTIFICATES,
    "税": TAX,
    "国民健康保険": HEALTH_INSURANCE,
    "年金": PENSION,
    "子育て・児童手当": CHILDCARE,
    "保育園・学校": SCHOOL,
    "ごみ": GARBAGE,
    "防災・避難": DISASTER,
    "医療・健診": MEDICAL,
    "在留手続き": RESIDENCE,
    "窓口の案内": COUNTER_GUIDE,
}


@dataclass(frozen=True)
class GoldSentence:
    situation: str
    source: str
    reference: str
    facts: tuple[str, ...]

    @property
    def split(self) -> str:
        return "test" if zlib.crc32(self.source.encode("utf-8")) % 2 else "dev"


def gold_sentences(split: str | None = None) -> list[GoldSentence]:
    """Every gold sentence (or one split), slot values filled in, duplicates removed."""
    found: dict[str, GoldSentence] = {}
    for situation, entries in SITUATIONS.items():
        for source, reference, facts, variants in entries:
            for values in variants:
                sentence = GoldSentence(situation, source.format(**values), reference.format(**values),
                                        tuple(f.format(**values) for f in facts))
                found.setdefault(sentence.source, sentence)
    for situation, source, reference, facts in MORE:
        found.setdefault(source, GoldSentence(situation, source, reference, tuple(facts)))
    rows = list(found.values())
    return [row for row in rows if split is None or row.split == split]
