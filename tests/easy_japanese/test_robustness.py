"""Bad input never raises; numbers and negation are never lost (property tests)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
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
# the positive twins of some NEGATIVES: the negation check must say "not negative" for these
POSITIVES = ["書類があります", "今日は受け付けできます", "ここでたばこを吸ってください", "窓口は開いています"]
LEADS = ["", "すみませんが、", "今日は、", "えーと"]
NEGATION = re.compile(r"ない|ません|なかった|ず|ぬ|いりません|だめ|ないで")


def numbers_in(text: str) -> list[tuple[int, bool]]:
    """Every number written in digits, and whether it is an hour (followed by 時 or a colon)."""
    plain = unicodedata.normalize("NFKC", text).replace(",", "")
    return [(int(m[1]), bool(m[2])) for m in re.finditer(r"(\d+)(時(?!間)|:)?", plain)]


def allowed_forms(n: int, is_hour: bool) -> set[int]:
    """A 24-hour clock hour may be written as 午後 n−12 時 (0 and 24 時 as 夜の12時); any other number
    must come out as it went in. Only an hour ever changes, so no other number can stand in for it."""
    if is_hour and 13 <= n <= 24:
        return {n, n - 12}
    if is_hour and n == 0:
        return {0, 12}
    return {n}


def is_negative(rewritten: str) -> bool:
    """Negation in the sentence's own predicate: the last clause, glosses in （…） left out, so a lead
    such as 「すみませんが、」 (which contains ません) cannot make a positive sentence pass."""
    without_glosses = re.sub(r"（[^）]*）", "", rewritten)
    last_clause = re.split(r"[、,]", without_glosses.rstrip("。 "))[-1]
    return NEGATION.search(last_clause) is not None


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
@example(["マイナンバーは123456789012です", "17時30分までに来てください"], "。")  # a gloss says 12けた
def test_digits_in_are_digits_out(parts: list[str], glue: str) -> None:
    text = glue.join(parts)
    out = rewrite(text).text
    out_numbers = [n for n, _ in numbers_in(out)]
    for n, is_hour in numbers_in(text):
        assert allowed_forms(n, is_hour) & set(out_numbers), (text, out)
        out_numbers.remove(next(m for m in out_numbers if m in allowed_forms(n, is_hour)))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_arbitrary_text_never_raises(text: str) -> None:
    rewrite(text)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(NEGATIVES), st.sampled_from(LEADS))
def test_negative_sentence_stays_negative(sentence: str, lead: str) -> None:
    out = rewrite(lead + sentence + "。").text
    assert is_negative(out), out


@pytest.mark.parametrize("lead", LEADS)
def test_the_negation_check_tells_a_positive_sentence_apart(lead: str) -> None:
    for sentence in POSITIVES:
        out = rewrite(lead + sentence + "。").text
        assert not is_negative(out), out
