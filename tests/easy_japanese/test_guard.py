"""The meaning guard: every dimension it protects, with a rewrite that would break it.

Each case is (input, a broken rewrite of the kind word-by-word rules produce, a faithful rewrite):
the guard must name the dimension for the broken one and accept the faithful one. The engine tests
then plant a harmful rule and show that the guard refuses it, lists the refusal and lowers confidence.
"""

from __future__ import annotations

import pytest

from easy_japanese import RewriteOptions, check, rewrite
from easy_japanese.engine import run_rules
from easy_japanese.guard import compare
from easy_japanese.rules.base import Context, Edit, Rule

# (dimension word expected in the reason, input, broken rewrite, faithful rewrite)
CASES = [
    ("request", "こちらの書類にご記入いただけますか。", "こちらの書類に記入しますか。", "こちらの書類に書いてください。"),
    ("ます followed by でしょう", "こちらの書類にご記入いただけますでしょうか。", "こちらの書類に書いてもらいますでしょうか。",
     "こちらの書類に書いてください。"),
    ("question", "在留カードをお持ちですか。", "在留カードを持っています。", "在留カードを持っていますか。"),
    ("prohibition", "ここでたばこを吸わないでください。", "ここでたばこを吸ってください。", "ここでたばこを吸わないでください。"),
    ("instruction", "書類は窓口に提出すること。", "書類は窓口に出す。", "書類は窓口に出すこと。"),
    ("permission", "写真を撮らせていただけますでしょうか。", "写真を撮りますでしょうか。", "写真を撮ってもいいですか。"),
    ("negated", "保険証を持っていない人は窓口に来てください。", "保険証を持っている人は窓口に来てください。",
     "保険証を持っていない人は窓口に来てください。"),
    ("negated", "申請できないことはありません。", "申請できません。", "申請できます。"),
    ("negated", "分かりかねます。", "分かります。", "分かりません。"),
    ("tense", "書類を出しました。", "書類を出します。", "書類を出しました。"),
    ("aspect", "書類はもう届いています。", "書類はもう届きます。", "書類はもう届いています。"),
    ("aspect", "彼は病院に勤務しておられます。", "彼は病院に働いていれます。", "彼は病院で働いています。"),
    ("condition", "印鑑をお持ちでしたら、こちらに押してください。", "印鑑を持っていました、こちらに押してください。",
     "印鑑を持っていたら、こちらに押してください。"),
    ("condition", "保険料を払えば、保険証が使えます。", "保険料を払って、保険証が使えます。", "保険料を払えば、保険証を使うことができます。"),
    ("reason", "書類が足りないので、受け付けできません。", "書類が足りないが、受け付けできません。",
     "書類が足りません。ですから、受け付けできません。"),
    ("ことができる", "在留カードが確認できます。", "在留カードが確かめることができます。", "在留カードを確かめることができます。"),
    ("no object", "内科を受診してください。", "内科を病院に行ってください。", "内科で みてもらって ください。"),
    ("の directly before a verb", "申請書のご提出には印鑑が必要です。", "申請書の出すことには印鑑が必要です。", "申請書を出すには印鑑が必要です。"),
    ("number", "写真を2枚持ってきてください。", "写真を3枚持ってきてください。", "写真を2枚持ってきてください。"),
    ("number", "写真を二枚持ってきてください。", "写真を枚数分持ってきてください。", "写真を2枚持ってきてください。"),
    ("date", "4月1日から受け付けます。", "4月から受け付けます。", "4月1日から受け付けます。"),
    ("date", "令和8年4月から変わります。", "8年4月から変わります。", "2026年（令和8年）4月から変わります。"),
    ("date", "受付は17時までです。", "受付は午後7時までです。", "受付は午後5時までです。"),
    ("amount", "保険料は12,000円です。", "保険料は1,200円です。", "保険料は12000円です。"),
    ("name", "田中様、こちらへどうぞ。", "さん、こちらへどうぞ。", "田中さん、こちらへどうぞ。"),
    ("glossary term", "住民票を取ってください。", "紙を取ってください。", "住民票（あなたが 住んでいる ところを 証明する 紙）を取ってください。"),
    ("ending", "ここに名前を書いてください。", "ここに名前を書き。", "ここに名前を書いてください。"),
    ("いる or ある followed by 〜ている", "東京に滞在しています。", "東京にいています。", "東京に滞在しています。"),
    ("dictionary does not know", "ここに名前を書いてください。", "ここにｘｑｚｗを書いてください。", "ここに名前を書いてください。"),
]


@pytest.mark.parametrize(("dimension", "before", "broken", "faithful"), CASES, ids=[f"{c[0]}:{c[1][:10]}" for c in CASES])
def test_guard_names_what_a_rewrite_breaks(dimension: str, before: str, broken: str, faithful: str) -> None:
    reasons = compare(before, broken)
    assert any(dimension in reason for reason in reasons), reasons
    assert compare(before, faithful) == []


def _planted(find: str, replace: str) -> list[Rule]:
    def harm(text, tokens, ctx):  # type: ignore[no-untyped-def]
        """A rule with a bug: it swaps a string whatever it means."""
        start = text.find(find)
        return [Edit(start, start + len(find), replace, "planted.bug")] if start >= 0 else []

    return [Rule("planted.bug", "bug", "bug", (find, replace), harm, "vocabulary")]


def test_a_harmful_rule_is_refused_and_explained() -> None:
    text = "印鑑をお持ちでしたら、こちらに押してください。"
    rules = _planted("お持ちでしたら", "持っていました")
    unguarded, _ = run_rules(text, rules, Context(RewriteOptions()), guarded=False)
    assert unguarded == "印鑑を持っていました、こちらに押してください。"  # what the bug does on its own
    out, hits = run_rules(text, rules, Context(RewriteOptions()))
    assert out == text
    (hit,) = hits
    assert not hit.applied and hit.source == "お持ちでしたら"
    assert hit.note.startswith("left as is, because") and "condition" in hit.note


def test_only_the_harmful_edit_of_a_rule_is_refused() -> None:
    def two(text, tokens, ctx):  # type: ignore[no-untyped-def]
        """One good and one bad edit from the same rule."""
        return [Edit(0, 2, "名前", "planted.two"), Edit(text.index("2"), text.index("2") + 1, "3", "planted.two")]

    rules = [Rule("planted.two", "t", "t", ("", ""), two, "vocabulary")]
    out, hits = run_rules("氏名と2枚の写真が必要です。", rules, Context(RewriteOptions()))
    assert out == "名前と2枚の写真が必要です。"
    assert [h.applied for h in hits] == [True, False]


@pytest.mark.parametrize(
    "text",
    [
        "彼の成功には疑問がある。",  # 成功 → うまくいく would leave を on an intransitive verb
        "それが彼の失敗の原因だ。",  # 失敗 → うまくいかない would add a negation
        "あなたの援助に大変感謝しています。",  # 援助 → 手伝う would leave あなたを手伝うに感謝
        "君の答えは適切である。",  # 適切 → 正しい would leave 正しいである (a noun's edge turned into an adjective)
    ],
)
def test_real_rules_that_would_break_a_sentence_are_refused(text: str) -> None:
    off = rewrite(text, options=RewriteOptions(guard=False, gloss_counter_terms=False))
    on = rewrite(text, options=RewriteOptions(gloss_counter_terms=False))
    assert compare(text, off.text), off.text  # without the guard the sentence breaks
    assert compare(text, on.text) == [], on.text
    assert on.refusals and on.confidence < 1.0
    assert all(h.note.startswith("left as is, because") for h in on.refusals)
    assert on.to_dict()["rules"] and any(not r["applied"] for r in on.to_dict()["rules"])  # type: ignore[union-attr]


def test_issue_sentences_come_out_grammatical_and_faithful() -> None:
    cases = {
        "こちらの書類にご記入いただけますでしょうか。": "こちらの書類に書いてください。",
        "印鑑をお持ちでしたら、こちらに押してください。": "印鑑を持っていたら、こちらに押してください。",
        "こちらにお掛けになってお待ちください。": "こちらに座って待ってください。",
        "ご本人様ですか。": "本人ですか。",
        "書類はこちらでお受け取りになれます。": "書類はこちらでもらうことができます。",
        "お疲れ様でした。": "お疲れさまでした。",
        "電話をおかけください。": "電話をかけてください。",
    }
    options = RewriteOptions(gloss_counter_terms=False)
    for before, after in cases.items():
        result = rewrite(before, options=options)
        assert result.text == after
        assert compare(before, result.text) == []


def test_check_flags_a_broken_sentence() -> None:
    broken = check("こちらの書類に書いてもらいますでしょうか。")
    assert any(issue.kind == "grammar" for issue in broken.issues)
    assert broken.score < check("こちらの書類に書いてください。").score
    assert broken.score < 90


def test_check_flags_what_the_guard_refuses() -> None:
    report = check("それが彼の失敗の原因だ。")
    assert any(issue.kind == "left_as_is" for issue in report.issues)


def test_a_word_that_runs_into_the_next_one_is_refused() -> None:
    # 今日 → 日 before 中 reads as 日中 (daytime): the replacement no longer ends on a word boundary
    def swap(text, tokens, ctx):  # type: ignore[no-untyped-def]
        """A dictionary entry 今日 → 日, applied as a word rule."""
        return [Edit(0, 2, "日", "vocabulary.word")] if text.startswith("今日") else []

    rules = [Rule("vocabulary.word", "w", "w", ("", ""), swap, "vocabulary")]
    out, hits = run_rules("今日中に出してください。", rules, Context(RewriteOptions()))
    assert out == "今日中に出してください。"
    assert hits and "run into" in hits[0].note


def test_an_order_is_not_read_as_a_potential_form() -> None:
    # 楽しめよ is the imperative of 楽しむ; 楽しむことができろ is not Japanese
    assert rewrite("じゃーな、楽しめよ。").text == "じゃーな、楽しめよ。"
    assert rewrite("ここで写真を撮れません。").text == "ここで写真を撮ることができません。"
