"""Counter terms kept and glossed; furigana on hard words only; wakachigaki."""

from __future__ import annotations

import re

from easy_japanese import RewriteOptions, rewrite
from easy_japanese.furigana import render_html, render_paren, ruby_spans
from easy_japanese.rules.protect import counter_terms

EXPLAIN = {term: easy for term, _reading, easy in counter_terms()}


def test_counter_term_is_kept_and_explained_once() -> None:
    out = rewrite("住民票を2枚ください。住民票は窓口で渡します。").text
    assert out.startswith(f"住民票（{EXPLAIN['住民票']}）を2枚")
    assert out.count("住民票（") == 1  # only the first occurrence is glossed


def test_longest_term_wins_and_is_not_replaced_by_the_dictionary() -> None:
    out = rewrite("国民健康保険に入ってください。").text
    assert out.startswith("国民健康保険（")
    assert "健康保険（" not in out.replace("国民健康保険（", "")


def test_existing_explanation_is_not_doubled() -> None:
    text = f"在留カード（{EXPLAIN['在留カード']}）を見せてください。"
    assert rewrite(text).text.count("在留カード（") == 1


def test_gloss_can_be_switched_off() -> None:
    assert rewrite("住民票を取ってください。", options=RewriteOptions(gloss_counter_terms=False)).text == "住民票を取ってください。"


def test_hard_kanji_get_furigana_and_easy_words_do_not() -> None:
    text = "住民票と今日の学校"
    spans = {text[s.start : s.end]: s.reading for s in ruby_spans(text)}
    assert spans.get("住民票") == "じゅうみんひょう"
    assert "今日" not in spans and "学校" not in spans


def test_okurigana_stays_outside_the_ruby() -> None:
    text = "書類を届けてください"
    spans = {text[s.start : s.end]: s.reading for s in ruby_spans(text)}
    assert spans["届"] == "とど"


def test_common_misreadings_are_fixed() -> None:
    for word, reading in (("世帯主", "せたいぬし"), ("出張所", "しゅっちょうじょ")):
        spans = ruby_spans(f"{word}に行ってください")
        assert spans[0].reading == reading


def test_grade_zero_puts_furigana_on_every_kanji_word() -> None:
    text = "今日は学校"
    assert ruby_spans(text, RewriteOptions(furigana_kanji_grade=0))
    assert not ruby_spans(text, RewriteOptions(furigana_kanji_grade=2))


def test_html_and_paren_renderings() -> None:
    text = "住民票<b>"
    spans = ruby_spans(text)
    assert render_html(text, spans) == "<ruby>住民票<rt>じゅうみんひょう</rt></ruby>&lt;b&gt;"
    assert render_paren(text, spans) == "住民票(じゅうみんひょう)<b>"


def test_ruby_offsets_point_into_the_returned_text() -> None:
    result = rewrite("申請書を提出してください。在留カードも必要です。")
    for span in result.ruby:
        piece = result.text[span.start : span.end]
        assert re.search(r"[\u4e00-\u9fff]", piece), piece


def test_wakachigaki_spaces_phrases_but_keeps_words_whole() -> None:
    out = rewrite("ここに名前を書いてください。", options=RewriteOptions(wakachigaki=True)).text
    assert out == "ここに 名前を 書いて ください。"
    out = rewrite("日本に住んでいる人", options=RewriteOptions(wakachigaki=True, gloss_counter_terms=False)).text
    assert out == "日本に 住んでいる 人"


def test_an_easy_word_we_write_gets_ruby_like_any_other_word() -> None:
    """外国 (our easy word for 海外) is easy to understand, not necessarily to read (Zipf 4.9 < 5.0): it
    used to be left without ruby, also inside our own explanations (外国人が 日本に 住む ための カード)."""
    shown = rewrite("在留カードを見せてください。").with_paren_ruby()
    assert "外国人(がいこくじん)が" in shown  # the whole word, not 外国(がいこく)人
    assert "外国(がいこく)へ" in rewrite("海外へ引っ越す方は、来てください。").with_paren_ruby()


def test_everyday_words_of_low_grade_kanji_are_left_without_ruby_unless_asked() -> None:
    """The policy (furigana_kanji_grade 2, furigana_min_zipf 5.0): 日本, 学校, 今日 are read by every
    resident who reads any kanji; furigana_kanji_grade = 0 puts ruby on every kanji word."""
    text = "日本の学校は今日休みです。"
    assert not {"日本", "学校", "今日"} & {text[s.start : s.end] for s in ruby_spans(text)}
    every = {text[s.start : s.end] for s in ruby_spans(text, RewriteOptions(furigana_kanji_grade=0))}
    assert {"日本", "学校", "今日"} <= every
