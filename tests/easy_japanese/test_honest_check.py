"""Loose ends of issue 13, item 5 (fifth pass): what a clerk is told and what the confidence counts.

(a) 〜される場合 / 〜される方 of a サ変 verb with no object, said of the resident, is 尊敬語 or a passive
    (郵送される前に: "before you mail it" or "before it is mailed"): left, but counted and flagged (since the
    eighth pass, a step only the resident takes, 申請される場合, is made plain: see test_eighth_pass.py);
(b) a set phrase the rewriter changes (少々お待ちください) is told to the clerk with its easy form, as a word is;
(c) a difficult word our dictionary has an easy word for, left because the rules cannot change it there
    (翌月分から), lowers the confidence and is flagged.
The sentences are ours, as a clerk would say or write them (none from the gold test half).
"""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, check, rewrite

PLAIN = RewriteOptions(gloss_counter_terms=False)


@pytest.mark.parametrize(("before", "left"), [
    ("書類を郵送される前に、電話で確認してください。", "郵送される"),  # the city mails things too
    ("内容を変更される場合は、窓口に来てください。", "変更される"),  # the city changes things too
])
def test_an_honorific_suru_with_no_object_is_counted_and_flagged(before: str, left: str) -> None:
    result = rewrite(before, options=PLAIN)
    assert left in result.text and left in result.honorifics_left, result.honorifics_left
    assert result.confidence < 1.0
    assert any(issue.kind == "honorific" and issue.text == left for issue in check(before).issues)


@pytest.mark.parametrize(("before", "passive"), [
    ("予定が変更された場合は、お知らせします。", "変更され"),  # the plan is changed: a passive
    ("紹介された方は、こちらでお待ちください。", "紹介され"),  # the people introduced
    ("市から指定された日に出してください。", "指定され"),  # 市から: who does it
    ("来月の15日に支給されます。", "支給され"),  # the city pays it
    ("児童手当は、申請の翌月に支給される場合があります。", "支給され"),  # the topic is what is paid
])
def test_a_passive_of_a_suru_verb_is_not_counted_as_an_honorific(before: str, passive: str) -> None:
    result = rewrite(before, options=PLAIN)
    assert passive in result.text and not any(passive in word for word in result.honorifics_left)


@pytest.mark.parametrize(("before", "phrase", "easy"), [
    ("少々お待ちください。", "少々お待ちください", "少し待ってください"),
    ("ご本人様ですか。", "ご本人様", "本人"),
    ("袋は結構です。", "結構です", "いりません"),
    ("説明会が行われます。", "が行われます", "があります"),
])
def test_check_tells_the_easy_form_of_a_set_phrase(before: str, phrase: str, easy: str) -> None:
    report = check(before)
    assert any(i.kind == "set_phrase" and i.text == phrase and i.suggestion == easy for i in report.issues), report.issues
    assert report.score < check(rewrite(before).text).score


def test_a_dictionary_word_left_in_a_compound_lowers_the_confidence_and_is_flagged() -> None:
    before = "支給は申請した月の翌月分からです。"  # 翌月分: the rule must leave 翌月 (分から would read as 分かる)
    result = rewrite(before, options=PLAIN)
    assert "翌月" in result.text and "翌月" in result.unknown_difficult_words
    assert result.confidence < 1.0
    assert any(i.kind == "difficult_word" and i.text == "翌月" for i in check(before).issues)


def test_a_word_the_rewriter_changed_is_flagged_once_with_its_easy_form() -> None:
    issues = [i for i in check("書類を返送してください。").issues if i.kind == "difficult_word"]  # 返送: rare, in our dictionary
    assert len(issues) == 1 and issues[0].suggestion.startswith("送り返"), issues
