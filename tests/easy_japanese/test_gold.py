"""The gold set: 500+ counter and notice sentences; no output may be rejected by the guard or the
re-analysis, and no fact may be lost. (Figures such as SARI are printed by bench/easy_japanese_eval.py.)"""

from __future__ import annotations

from collections import Counter

import pytest

from easy_japanese.gold_metrics import evaluate, fact_kept
from tests.easy_japanese.gold import SITUATIONS, gold_sentences

GOLD = gold_sentences()


def test_the_gold_set_covers_every_situation_in_both_halves() -> None:
    assert len(GOLD) >= 500
    per_situation = Counter(s.situation for s in GOLD)
    assert set(per_situation) == set(SITUATIONS) and len(SITUATIONS) >= 12
    assert min(per_situation.values()) >= 30
    halves = Counter(s.split for s in GOLD)
    assert min(halves.values()) >= 200
    for sentence in GOLD:  # every fact is stated by the source and kept by our reference
        assert all(fact_kept(f, sentence.source) and fact_kept(f, sentence.reference) for f in sentence.facts), sentence


@pytest.mark.parametrize("split", ["dev", "test"])
def test_no_output_is_rejected_and_no_fact_is_lost(split: str) -> None:
    rows = gold_sentences(split)
    report = evaluate([(s.source, s.facts) for s in rows])
    assert report.rejected == []
    assert report.lost == []
    assert report.changed >= len(rows) // 2  # the rewriter does something on counter speech


def test_fact_check_sees_a_lost_or_changed_fact() -> None:
    assert fact_kept("17時", "受付は午後5時までです。")
    assert not fact_kept("17時", "受付は午後7時までです。")
    assert not fact_kept("住民票", "紙を取ってください。")
    assert fact_kept("市役所の駐車場", "市役所（市の 仕事を する ところ）の駐車場に来ます。")


def test_the_reading_dev_table_has_no_rejected_output_and_no_lost_fact() -> None:
    """187 more dev sentences written for reading the outputs (gold/reading_dev.py), 12 situations."""
    from tests.easy_japanese.gold.reading_dev import READING_DEV

    assert len({situation for situation, _, _ in READING_DEV}) == len(SITUATIONS)
    assert not {source for _, source, _ in READING_DEV} & {s.source for s in GOLD if s.split == "test"}
    report = evaluate([(source, tuple(facts)) for _, source, facts in READING_DEV])
    assert report.rejected == []
    assert report.lost == []
