"""Bad input never raises; numbers and negation are never lost (property tests)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from easy_japanese import check, rewrite

ODD_INPUTS = [
    "",
    "   ",
    "😀👍 こんにちは🎌",
    "ｼﾞｭｳﾐﾝﾋｮｳｦｸﾀﾞｻｲ",
    "juuminhyou wo kudasai",
    "我想办理住民票，请问在哪里？",
    "えーとあのすみませんじゅうみんひょうがほしいんですけどどこでもらえますかあと保険証もなくしちゃって",
    "。。。、、、！？",
    "（（（",
    "\n\n\t",
    "ご",
    "お",
    "令和元年",
    "99時",
]

PHRASES = [
    "転入届を出してください",
    "保険料は12,000円です",
    "電話番号は090-1234-5678です",
    "お待ちください",
    "令和8年4月1日から",
    "17時30分までに来てください",
    "児童手当は6月に振り込みます",
    "二枚必要です",
    "ご記入いただけますか",
    "ごみは朝8時までに出します",
    "在留カードをお持ちですか",
    "マイナンバーは123456789012です",
]
NEGATIVES = [
    "書類がありません",
    "今日は受け付けできません",
    "ここでたばこを吸わないでください",
    "保険証を持っていない",
    "お支払いいただけません",
    "まだ届いていないです",
    "申請はできないです",
    "窓口は開いていません",
]
NEGATION = re.compile(r"ない|ません|なかった|ず|ぬ|いりません|だめ|ないで")


def numbers_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", unicodedata.normalize("NFKC", text).replace(",", ""))]


def hour_equivalent(n: int) -> set[int]:
    return {n, n - 12, 12} if n >= 12 else {n, 12}


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_gives_a_result(text: str) -> None:
    result = rewrite(text)
    assert isinstance(result.text, str)
    assert check(text).score >= 0
    result.to_dict()


def test_ten_thousand_characters() -> None:
    text = "書類を提出してください。住民票は窓口でお受け取りください。" * 340
    result = rewrite(text[:10_000])
    assert len(result.sentences) > 300


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PHRASES), min_size=1, max_size=4), st.sampled_from(["。", "、", "", " "]))
def test_digits_in_are_digits_out(parts: list[str], glue: str) -> None:
    text = glue.join(parts)
    out = rewrite(text).text
    out_numbers = numbers_in(out)
    for n in numbers_in(text):
        # a 24-hour clock hour may be written as 午後 n-12 時; every other number is kept as it was
        assert any(m in out_numbers for m in hour_equivalent(n)), (text, out)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_arbitrary_text_never_raises(text: str) -> None:
    rewrite(text)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(NEGATIVES), st.sampled_from(["", "すみませんが、", "今日は、", "えーと"]))
def test_negative_sentence_stays_negative(sentence: str, lead: str) -> None:
    out = rewrite(lead + sentence + "。").text
    assert NEGATION.search(out), out
