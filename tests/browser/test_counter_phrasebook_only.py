"""The counter with no translation model installed (the relay's real translator, "phrasebook only"): the
notices say what is installed, one at a time, and never promise what does not work — typed text is not
translated, 自動 has no language to warn about yet, a language found is not "translated from now on", and
back from the interpreter it is fixed phrases, not "AI translation"; the phrases that do translate are
offered to tap (the relay's phrasebook)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from pipelines.mt import MtConfig
from pipelines.mt.engine import ArgosTranslator
from tests.browser.conftest import MakeLiveRelay, console_errors
from tests.browser.test_counter import CLERK_INPUT, bubbles, open_counter, resident_url, say
from tests.browser.test_counter_flows import QUEUE, Operator, _only_session
from tests.fakes import fake_engines

PHRASES_ONLY = "ベトナム語の翻訳は入っていません。翻訳されるのは定型文だけです"


def phrasebook_only() -> ArgosTranslator:
    return ArgosTranslator(MtConfig(), {}, missing_reason="phrasebook only: no Argos package installed")


def test_only_fixed_phrases_are_promised_and_offered_to_tap(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=phrasebook_only()))
    counter = open_counter(relay, new_context(), lang="自動")
    errors = console_errors(counter)
    notices = counter.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("住民の言語がまだ分かりません")
    expect(notices).not_to_contain_text("翻訳が始まります")  # there is no model to start
    expect(notices).not_to_contain_text("翻訳は入っていません")  # no language to say it of yet
    expect(counter.get_by_role("list", name="定型文")).to_be_hidden()

    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("button", name="Tiếng Việt").click()
    expect(notices).to_contain_text(PHRASES_ONLY)
    expect(notices.get_by_role("listitem").filter(has_text="翻訳")).to_have_count(1)  # one notice, no contradiction
    expect(notices).not_to_contain_text("翻訳を始めます")
    expect(notices).not_to_contain_text("文字入力は使えます")

    phrase = counter.get_by_role("list", name="定型文").get_by_role("button", name="少々お待ちください。")
    phrase.click()
    said = bubbles(counter).filter(has_text="少々お待ちください。")
    expect(said.get_by_text("Xin vui lòng chờ một chút.")).to_be_visible()  # the phrasebook's translation
    phone.get_by_role("log").get_by_text("Xin vui lòng chờ một chút.").wait_for()
    say(counter, "来週の月曜日にもう一度来てください。", CLERK_INPUT)  # not a phrase: said not to reach the resident
    expect(bubbles(counter).filter(has_text="来週の月曜日")).to_contain_text("翻訳できず、住民の方には届いていません")
    assert not errors, errors


def test_back_from_the_interpreter_it_is_fixed_phrases_not_ai_translation(make_live_relay: MakeLiveRelay,
                                                                         new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=phrasebook_only()), **QUEUE)
    operator = Operator(relay, "vi")  # at work for Vietnamese: the relay calls them by itself in 翻訳
    operator.run(operator.connect())
    operator.run(operator.expect("operator.status", state="available"))  # at work before the session starts
    counter = open_counter(relay, new_context(), mode="翻訳")
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    session_id = relay.call(_only_session(relay))  # the relay called one by itself: nothing translates here
    operator.run(operator.expect("escalation", state="offered", session_id=session_id))
    operator.run(operator.send(type="accept", session_id=session_id))
    counter.get_by_role("status").filter(has_text="通訳者と接続中").wait_for()
    operator.run(operator.send(type="release", to="ai"))
    call_bar = counter.get_by_role("status").filter(has_text="通訳者が退出しました")
    expect(call_bar).to_contain_text("通訳者が退出しました。翻訳されるのは定型文だけです。")
    expect(call_bar).not_to_contain_text("AI翻訳")
    expect(phone.get_by_role("status")).to_have_text("Phiên dịch viên đã rời đi. Từ giờ chỉ dịch được các câu mẫu.")
    expect(counter.locator("#panel")).to_contain_text("Từ giờ chỉ dịch được các câu mẫu.")
    operator.run(operator.close())
