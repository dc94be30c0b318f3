"""SARI that does no harm, found on the SNOW dev rows in the fifth pass of issue 13 (one test per change;
each fails when the old behaviour is planted back). The sentences are ours, not SNOW's."""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, rewrite
from easy_japanese.analyzer import analyze
from easy_japanese.wellformed import problems

PLAIN = RewriteOptions(gloss_counter_terms=False)


@pytest.mark.parametrize(("before", "after"), [
    ("説明が分らない方は、聞いてください。", "説明が分からない方は、聞いてください。"),  # 送り仮名 of the 常用漢字表
    ("分りました。", "分かりました。"),
    ("バスは市役所の前に停まります。", "バスは市役所の前に止まります。"),  # 停 has no reading とまる
    ("犬が恐い方は、言ってください。", "犬が怖い方は、言ってください。"),
    ("時間は充分にあります。", "時間は十分にあります。"),
    ("暗証番号を思いだしてください。", "暗証番号を思い出してください。"),
    ("勿論、無料です。", "もちろん、無料です。"),  # kanji read outside the 常用漢字表: kana
    ("書類は沢山あります。", "書類はたくさんあります。"),
    ("明日届く筈です。", "明日届くはずです。"),
])
def test_a_spelling_outside_the_joyo_table_is_written_the_standard_way(before: str, after: str) -> None:
    assert rewrite(before, options=PLAIN).text == after


@pytest.mark.parametrize(("before", "kept"), [
    ("道が二つに分かれています。", "分かれて"),  # another verb (分かれる), already standard
    ("車はここに止まれません。", "止ま"),
    ("5時十分に来てください。", "5時10分"),  # ten minutes, not じゅうぶん
    ("一寸先も見えません。", "一寸"),  # いっすん (a measure), not ちょっと: left
])
def test_a_standard_spelling_or_another_word_is_left_as_it_is(before: str, kept: str) -> None:
    assert kept in rewrite(before, options=PLAIN).text


def test_juubun_is_not_a_difficult_word() -> None:
    result = rewrite("時間は十分にあります。", options=PLAIN)
    assert result.unknown_difficult_words == () and result.confidence == 1.0


def test_the_longest_set_phrase_is_the_one_applied() -> None:
    result = rewrite("少々お待ちくださいませ。", options=PLAIN)  # not 少々お待ちください + ませ, refused as a command
    assert result.text == "少し待ってください。" and result.refusals == () and result.confidence == 1.0


@pytest.mark.parametrize(("before", "after"), [  # pairs of the Immigration Services Agency's vocabulary
    ("予約は不要です。", "予約はいりません。"),
    ("手続きは不要ですか。", "手続きは必要ないですか。"),  # not いりませんか, which reads as an offer
    ("不要な書類は捨ててください。", "いらない書類は捨ててください。"),
    ("税金に関する相談はこちらです。", "税金についての相談はこちらです。"),
    ("ただちに逃げてください。", "すぐに逃げてください。"),
    ("料金を一括して払うことができます。", "料金をまとめて払うことができます。"),
])
def test_a_word_of_the_agency_vocabulary_we_lacked(before: str, after: str) -> None:
    assert rewrite(before, options=PLAIN).text == after


@pytest.mark.parametrize(("before", "after"), [
    ("高価な物は持ってこないでください。", "高い物は持ってこないでください。"),
    ("早起きしないと、間に合いませんよ。", "早く起きないと、間に合いませんよ。"),
    ("悪天候のため、中止します。", "悪い天気のため、やめます。"),
    ("バスはめったに来ません。", "バスはほとんど来ません。"),  # the negation stays
    ("早起きは大切です。", "早起きは大切です。"),  # the noun alone is left
])
def test_a_word_snow_rewrites_the_same_way_read_in_context(before: str, after: str) -> None:
    assert rewrite(before, options=PLAIN).text == after


@pytest.mark.parametrize(("before", "after"), [
    ("この時計は高価だった。", "この時計は高かった。"),  # not 高いだった
    ("この時計は高価でした。", "この時計は高かったです。"),  # not 高いでした
    ("場所は不明だった。", "場所は分からなかった。"),  # not 分からないだった (it passed, at confidence 1.0)
    ("住所が不明です。", "住所が分からないです。"),
])
def test_an_adjective_easy_side_takes_the_past_of_the_copula(before: str, after: str) -> None:
    result = rewrite(before, options=PLAIN)
    assert result.text == after and result.confidence == 1.0


@pytest.mark.parametrize("broken", ["場所は分からないだった。", "時計は高いでした。", "行きたいだった。"])
def test_a_predicate_before_the_past_copula_does_not_parse(broken: str) -> None:
    assert "predicate_before_copula" in {p.kind for p in problems(analyze(broken))}


@pytest.mark.parametrize(("before", "after"), [
    ("彼はその仕事に適切だった。", "彼はその仕事に適切だった。"),  # suited to: not 仕事に正しかった ("right for")
    ("適切な方法で捨ててください。", "正しい方法で捨ててください。"),
])
def test_tekisetsu_with_ni_is_suited_to_and_is_left(before: str, after: str) -> None:
    assert rewrite(before, options=PLAIN).text == after
