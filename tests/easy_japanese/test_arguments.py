"""Verb argument patterns: a replaced predicate keeps the case particles that say who does what to whom.

The rules fit the easy side to the arguments the sentence gives (病院に通院 → 病院に通う, 受付を終了 →
受付を終わらせる); the guard refuses what still does not fit (two を objects, the same argument twice,
を on a verb that takes no object).
"""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, check, rewrite
from easy_japanese.analyzer import analyze
from easy_japanese.guard import compare
from easy_japanese.wellformed import problems

OPTIONS = RewriteOptions(gloss_counter_terms=False)

# (input, what word-for-word replacement gives, the fitted rewrite)
FITTED = [
    ("病院に通院しています。", "病院に病院に通っています。", "病院に通っています。"),
    ("車を駐車してください。", "車を車をとめてください。", "車をとめてください。"),
    ("自転車を駐車しないでください。", "自転車を車をとめないでください。", "自転車をとめないでください。"),
    ("来月、国に帰国します。", "来月、国に国に帰ります。", "来月、国に帰ります。"),
    ("受付を終了しました。", "受付を終わりました。", "受付を終わらせました。"),
    ("パソコンを破損しました。", "パソコンを壊れました。", "パソコンを壊しました。"),
]


@pytest.mark.parametrize(("before", "word_for_word", "fitted"), FITTED, ids=[f[0][:8] for f in FITTED])
def test_the_easy_side_is_fitted_to_the_arguments_the_sentence_gives(before: str, word_for_word: str, fitted: str) -> None:
    assert compare(before, word_for_word), word_for_word  # the guard sees the break
    result = rewrite(before, options=OPTIONS)
    assert result.text.replace("次の月", "来月") == fitted
    assert compare(before, result.text) == [] and not result.refusals


def test_an_argument_the_sentence_does_not_give_is_kept() -> None:
    # nothing says where: the easy phrase brings its own argument (車を, 国に)
    assert rewrite("ここに駐車しないでください。", options=OPTIONS).text == "ここに車をとめないでください。"
    assert rewrite("来月帰国します。", options=OPTIONS).text == "来月国に帰ります。"
    assert rewrite("手続きが完了しました。", options=OPTIONS).text == "手続きが終わりました。"  # no object: 終わる stays


@pytest.mark.parametrize(
    ("dimension", "before", "broken"),
    [
        ("two objects", "車を駐車してください。", "車を車をとめてください。"),
        ("same argument twice", "病院に通院しています。", "病院に病院に通っています。"),
        ("no object", "受付を終了しました。", "受付を終わりました。"),
        ("no object", "パソコンを破損しました。", "パソコンを壊れました。"),
    ],
)
def test_guard_names_a_broken_argument_pattern(dimension: str, before: str, broken: str) -> None:
    assert any(dimension in reason for reason in compare(before, broken))


@pytest.mark.parametrize("text", ["午後3時に窓口に来てください。", "書類を出して、写真を撮ってください。", "本を3冊、ノートを2冊買います。"])
def test_two_different_arguments_are_not_a_repeated_one(text: str) -> None:
    assert problems(analyze(text)) == []


def test_without_fitting_the_rule_is_refused_not_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plant the bug the fitting prevents: the guard still keeps the sentence whole and says why."""
    import easy_japanese.rules.vocabulary as vocabulary

    monkeypatch.setattr(vocabulary, "fit_to_arguments", lambda tokens, i, easy: easy)
    for before, _, _ in FITTED:
        result = rewrite(before, options=OPTIONS)
        assert compare(before, result.text) == []
        assert result.refusals and result.confidence < 1.0, result.text


def test_check_reports_a_broken_argument_pattern() -> None:
    assert any(issue.kind == "grammar" for issue in check("車を車をとめてください。").issues)
