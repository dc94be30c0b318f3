"""Each rule on its own, on before/after pairs we wrote from counter situations.

The pairs live in easy_japanese/data/counter_examples.tsv (so the benchmark can use them too); each
test runs only the named rule, so a failure points at one rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from easy_japanese import RULES, RewriteOptions, rewrite
from easy_japanese.rules import RULES_BY_ID

PAIRS_FILE = Path(__file__).resolve().parents[2] / "easy_japanese" / "data" / "counter_examples.tsv"


def _pairs() -> list[tuple[str, str, str]]:
    rows = []
    for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rule, before, after = line.split("\t")
            rows.append((rule, before, after))
    return rows


PAIRS = _pairs()


def only(rule_id: str) -> RewriteOptions:
    return RewriteOptions(only_rules=(rule_id,))


def test_there_are_enough_pairs_and_every_rule_has_some() -> None:
    assert len(PAIRS) >= 150
    covered = {rule for rule, _, _ in PAIRS}
    # glossing depends on the municipal glossary, which city staff edit: it is tested in test_gloss_furigana
    assert covered == set(RULES_BY_ID) - {"gloss.counter_term"}, set(RULES_BY_ID) ^ covered


@pytest.mark.parametrize(("rule_id", "before", "after"), PAIRS, ids=[f"{r}:{b[:12]}" for r, b, _ in PAIRS])
def test_rule_pair(rule_id: str, before: str, after: str) -> None:
    assert rewrite(before, options=only(rule_id)).text == after


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_table_example_is_true(rule) -> None:  # type: ignore[no-untyped-def]
    before, after = rule.example
    out = rewrite(before, options=only(rule.id)).text
    if rule.id == "gloss.counter_term":  # the explanation text comes from the editable glossary
        assert out.startswith("住民票（") and out.endswith("）を取ってください。")
    else:
        assert out == after


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_is_documented(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.title and rule.description and rule.apply.__doc__
    docs = Path(__file__).resolve().parents[2] / "docs" / "easy_japanese.md"
    assert rule.id in docs.read_text(encoding="utf-8")


def test_every_change_is_explained_with_its_source_span() -> None:
    text = "国保の手続きは、本日17時までにご来庁いただけますか。"
    result = rewrite(text)
    assert result.rules
    for hit in result.rules:
        assert text[hit.start : hit.end] == hit.source
        assert hit.rule_id in RULES_BY_ID


def test_a_rule_can_be_switched_off() -> None:
    text = "こちらでお待ちください。"
    assert rewrite(text, options=RewriteOptions(disabled_rules=("honorific",))).text == text


@pytest.mark.parametrize(("before", "kept"), [
    ("お世話になりました。", "お世話になりました"),
    ("いつもお世話になっております。", "お世話になって"),
    ("大変お世話になりました。ありがとうございました。", "お世話になりました"),
])
def test_set_phrases_of_thanks_are_not_read_as_honorific_verbs(before: str, kept: str) -> None:
    # お〜になる is usually an honorific verb (お読みになる → 読む), but お世話になる is a set phrase of
    # thanks: 「世話しました」 would say the opposite (I took care of you)
    out = rewrite(before).text
    assert kept in out and "世話し" not in out, out
