"""Verb argument patterns: a replaced predicate keeps the case particles that say who does what to whom.

The rules fit the easy side to the arguments the sentence gives (病院に通院 → 病院に通う, 受付を終了 →
受付を終わらせる); the guard refuses what still does not fit (two を objects, the same argument twice,
を on a verb that takes no object).
"""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, check, rewrite
from easy_japanese.analyzer import analyze
from easy_japanese.arguments import Fitted
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
    ("私はこの学校に2年前に入学した。", "私はこの学校に2年前に学校に入った。", "私はこの学校に2年前に入った。"),
    ("彼はその問題を理解している。", "彼はその問題を分かっている。", "彼はその問題が分かっている。"),
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
    assert rewrite("彼は6時に帰宅しますか。", options=OPTIONS).text == "彼は6時に家に帰りますか。"  # 6時 is when, not where


def test_an_easy_side_that_already_takes_the_object_is_left_alone() -> None:
    # 終える → 終わらせる is causative already: no second transitive form (終わらせるせる)
    assert rewrite("仕事を終えたら帰ります。", options=OPTIONS).text == "仕事を終わらせたら帰ります。"


@pytest.mark.parametrize(
    ("dimension", "before", "broken"),
    [
        ("two objects", "車を駐車してください。", "車を車をとめてください。"),
        ("same argument twice", "病院に通院しています。", "病院に病院に通っています。"),
        ("same argument twice", "私はこの学校に2年前に入学した。", "私はこの学校に2年前に学校に入った。"),
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

    monkeypatch.setattr(vocabulary, "fit_to_arguments", lambda tokens, i, easy: Fitted(easy))
    for before, _, _ in FITTED:
        result = rewrite(before, options=OPTIONS)
        assert compare(before, result.text) == []
        assert result.refusals and result.confidence < 1.0, result.text


def test_check_reports_a_broken_argument_pattern() -> None:
    assert any(issue.kind == "grammar" for issue in check("車を車をとめてください。").issues)


@pytest.mark.parametrize(
    ("before", "broken"),
    [
        ("田中さんに書類を渡してください。", "田中さんが書類を渡してください。"),  # the one who receives now gives
        ("子どもを保育園に預けます。", "子どもに保育園を預けます。"),
    ],
)
def test_guard_refuses_a_change_of_who_does_what_to_whom(before: str, broken: str) -> None:
    assert any("who does what to whom" in reason for reason in compare(before, broken))


def test_a_particle_the_new_predicate_needs_is_not_a_change_of_roles() -> None:
    assert compare("日本語が話せますか。", "日本語を話すことができますか。") == []  # can do: が → を
    assert compare("申請書のご提出には印鑑が必要です。", "申請書を出すには印鑑が必要です。") == []


def test_a_rule_that_swaps_roles_is_refused() -> None:
    from easy_japanese.engine import run_rules
    from easy_japanese.rules.base import Context, Edit, Rule

    def swap(text, tokens, ctx):  # type: ignore[no-untyped-def]
        """A planted bug: に → が after a person."""
        k = text.find("さんに")
        return [Edit(k + 2, k + 3, "が", "vocabulary.word")] if k >= 0 else []

    rules = [Rule("vocabulary.word", "w", "w", ("", ""), swap, "vocabulary")]
    text = "田中さんに書類を渡してください。"
    assert run_rules(text, rules, Context(OPTIONS), guarded=False)[0] == "田中さんが書類を渡してください。"
    out, hits = run_rules(text, rules, Context(OPTIONS))
    assert out == text and "who does what to whom" in hits[0].note


def test_a_person_is_not_made_the_subject() -> None:
    # 彼を理解する → 彼が分かる would say that he understands: the change is refused instead
    result = rewrite("先生は彼を理解していなかった。", options=OPTIONS)
    assert "彼が" not in result.text and compare("先生は彼を理解していなかった。", result.text) == []
