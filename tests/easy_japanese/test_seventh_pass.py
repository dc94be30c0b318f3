"""Do no harm, seventh pass of issue 13: the sixth pass's loose ends (this file) and fresh notice
sentences (``test_notices.py``).

Each test fails when the old behaviour is planted back (each was planted back once and seen to fail)."""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, check, rewrite
from easy_japanese.guard import compare

PLAIN = RewriteOptions(gloss_counter_terms=False)


def easy(text: str) -> str:
    return rewrite(text, options=PLAIN).text


def _word_issues(text: str) -> list[tuple[str, str, str]]:
    return [(i.text, i.suggestion, i.message) for i in check(text).issues if i.kind == "difficult_word"]


@pytest.mark.parametrize(("text", "word", "easy_form"), [
    ("この商品は高価すぎる。", "高価すぎる", "高すぎる"),  # was 高価 → 高: the clerk was told to write 高
    ("高価そうな時計ですね。", "高価そう", "高そう"),
    ("この仕事は困難すぎる。", "困難すぎる", "難しすぎる"),
    ("この薬は高価です。", "高価", "高い"),
])
def test_check_tells_a_replacement_the_clerk_can_write(text: str, word: str, easy_form: str) -> None:
    issues = _word_issues(text)
    assert (word, easy_form) in [(t, s) for t, s, _ in issues]
    assert all(suggestion not in ("高", "難し") for _, suggestion, _ in issues)
    assert easy_form in rewrite(text).text


def test_check_tells_a_change_on_the_words_it_was_made_on() -> None:
    # an earlier rule rewrote the double negative; the word rule then changed 受け取る inside it:
    # the clerk must be told 受け取る → もらう on 受け取れ, not that the whole phrase becomes もらう
    issues = _word_issues("この書類は、本人でなければ受け取れないことはありません。")
    assert [(t, s) for t, s, _ in issues] == [("受け取れ", "もらう")]
    assert "「受け取る」→「もらう」" in issues[0][2]


@pytest.mark.parametrize(("before", "after"), [
    # the double negative denies "only the person themself"; resolved literally (本人でなければもらうことが
    # できます) it said the opposite: "if it is not the person themself, they can receive it"
    ("この書類は、本人でなければ受け取れないことはありません。", "この書類は、本人でなくてももらうことができます。"),
    ("予約しなければ入れないことはないです。", "予約しなくても入れます。"),
    ("印鑑がないと受け取れないことはない。", "印鑑がなくてももらうことができる。"),
    ("本人でなくては受け取れないことはありません。", "本人でなくてももらうことができます。"),
    # a denied obligation with ことはない is "need not" (was 出さなければなります)
    ("書類を出さなければならないことはありません。", "書類を出さなくてもいいです。"),
    # a double negative without a negative condition is resolved as before
    ("今日でも行けないことはないです。", "今日でも行くことができます。"),
    ("雨が降れば、行けないことはない。", "雨が降れば、行くことができる。"),
])
def test_a_double_negative_keeps_its_truth(before: str, after: str) -> None:
    result = rewrite(before, options=PLAIN)
    assert result.text == after and result.confidence == 1.0


@pytest.mark.parametrize(("source", "wrong"), [
    ("本人でなければ受け取れないことはありません。", "本人でなければ受け取れます。"),  # the literal, opposite reading
    ("予約しなければ入れないことはないです。", "予約すれば入れます。"),
    ("本人でなくても受け取れます。", "本人でなければ受け取れます。"),
    ("本人でなくても受け取れます。", "本人が受け取れます。"),  # the concession dropped
])
def test_the_guard_refuses_a_double_negative_read_literally(source: str, wrong: str) -> None:
    assert compare(source, wrong)


@pytest.mark.parametrize(("before", "after"), [
    # 折り返し before a call is "(we will call you) back, later"; it was left for the resident to look up
    ("担当者から折り返しお電話いたします。", "あとで電話します。"),
    ("確認して、折り返しご連絡いたします。", "あとで連絡します。"),
    ("折り返しお電話ください。", "あとで電話してください。"),
    # 席を外している is "is not at the desk"; it was left as is (a learner reads 外す as "take off")
    ("担当者はただいま席を外しております。", "席にいません。"),
    ("担当の者が席を外しておりますので、少々お待ちください。", "席にいませんので、少し待ってください。"),
    ("担当者が席を外しておりまして、申し訳ありません。", "席にいなくて、すみません。"),
    ("先ほどまで席を外していました。", "席にいませんでした。"),
])
def test_a_counter_idiom_gets_its_easy_form(before: str, after: str) -> None:
    result = rewrite(before, options=PLAIN)
    assert after in result.text and result.refusals == ()


@pytest.mark.parametrize(("source", "kept"), [
    ("次の角で折り返してください。", "折り返して"),  # turn back: another sense
    ("少し席を外していただけますか。", "席を外して"),  # "please step out": another sense
    ("袖を折り返して着てください。", "折り返して"),
])
def test_another_sense_of_the_idiom_is_left(source: str, kept: str) -> None:
    assert kept in easy(source)


@pytest.mark.parametrize(("source", "right", "wrong"), [
    ("田中はただいま席を外しています。", "田中はただいま席にいません。", "田中はただいま席にいます。"),  # away → at the desk
    ("田中は席を外していました。", "田中は席にいませんでした。", "田中は席にいません。"),  # the tense
])
def test_the_guard_reads_the_idiom_as_a_negation(source: str, right: str, wrong: str) -> None:
    assert compare(source, right) == [] and compare(source, wrong)


@pytest.mark.parametrize(("before", "after"), [
    # SARI steps taken on the SNOW dev rows, each right for residents (SNOW's writers make the same change in
    # every training row with the word); あいにくの雨 and あいにくですが are other uses
    ("あいにく母は留守です。", "残念ながら母は留守です。"),
    ("あいにく担当者は席を外しております。", "残念ながら"),
    ("バスが来て彼女は乗りこんだ。", "彼女は乗った。"),
    ("あいにくですが、本日は終了しました。", "残念ですが、"),
    ("あなたが幸せならそれでかまわない。", "それでいい。"),  # かまう is not a learner's word
    ("印鑑がなければ、サインで構いません。", "サインでいいです。"),
    ("要するに人生は短い。", "つまり人生は短い。"),
])
def test_a_sari_step_that_is_right_for_residents(before: str, after: str) -> None:
    assert after in easy(before)


def test_another_use_of_a_sari_word_is_left() -> None:
    assert easy("あいにくの雨です。") == "あいにくの雨です。"
