"""A translation model installed one way only (Argos packages are per direction: vi→ja without ja→vi):
the counter says which side's words are translated and which side's reach the other as fixed phrases
only, offers the phrases to tap only when the clerk's words need them, and the language picker says it
before the session starts (`GET /api/languages`: `mt`)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors
from tests.browser.test_counter import CLERK_INPUT, bubbles, say
from tests.browser.test_counter_flows import QUEUE, Operator, _only_session
from tests.fakes import FakeTranslator, fake_engines

RESIDENT_INPUT = "住民の入力（ベトナム語）"


def _start(relay: Any, context: Any, label: str) -> Any:
    page = context.new_page()
    page.goto(f"/counter#token={relay.tokens['clerk']}")
    page.get_by_label("窓口名").fill("市民課 1番")
    vietnamese = page.get_by_role("button", name=f"Tiếng Việt（ベトナム語・{label}）")
    expect(vietnamese).to_be_visible()  # said before the session starts
    vietnamese.click()
    page.get_by_role("button", name="受付開始").click()
    page.get_by_text("接続済み").wait_for()
    return page


def test_the_resident_s_words_translate_and_the_clerk_s_are_fixed_phrases(make_live_relay: MakeLiveRelay,
                                                                           new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi")])),
                            queue={"max_wait_s": 120.0})
    page = _start(relay, new_context(), "翻訳は住民→職員のみ")
    errors = console_errors(page)
    notices = page.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("ベトナム語の翻訳は片方向だけです。住民の言葉は翻訳されます。職員の言葉は定型文だけです")
    expect(notices).not_to_contain_text("翻訳は入っていません")
    expect(page.get_by_role("list", name="定型文")).to_be_visible()  # what still reaches the resident
    say(page, "Tôi muốn đổi địa chỉ", RESIDENT_INPUT)
    expect(bubbles(page).filter(has_text="Tôi muốn đổi địa chỉ")).to_contain_text("[ja] Tôi muốn đổi địa chỉ")
    assert not errors, errors


def test_the_clerk_s_words_translate_and_the_resident_s_are_fixed_phrases(make_live_relay: MakeLiveRelay,
                                                                           new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("vi", "ja")])),
                            queue={"max_wait_s": 120.0})
    page = _start(relay, new_context(), "翻訳は職員→住民のみ")
    errors = console_errors(page)
    notices = page.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("ベトナム語の翻訳は片方向だけです。職員の言葉は翻訳されます。住民の言葉は定型文と同じ文だけ")
    say(page, "住所変更の手続きですね", CLERK_INPUT)
    expect(bubbles(page).filter(has_text="住所変更の手続きですね")).to_contain_text("[vi] 住所変更の手続きですね")
    expect(page.get_by_role("list", name="定型文")).to_be_hidden()  # the clerk's words need no phrase list
    assert not errors, errors


def test_the_call_bar_says_the_language_translates_one_way(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    """The relay calls an interpreter by itself for a language that does not translate both ways: the call
    bar says why in those words, and back from the interpreter it says which side is translated."""
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi")])), **QUEUE)
    operator = Operator(relay, "vi")
    operator.run(operator.connect())
    page = _start(relay, new_context(), "翻訳は住民→職員のみ")
    errors = console_errors(page)
    session_id = relay.call(_only_session(relay))
    operator.run(operator.expect("escalation", state="offered", session_id=session_id))
    call_bar = page.get_by_role("status").filter(has_text="通訳者")
    expect(call_bar).to_contain_text("この言語は片方向しか翻訳できないため、自動で")
    operator.run(operator.send(type="accept", session_id=session_id))
    page.get_by_role("status").filter(has_text="通訳者と接続中").wait_for()
    operator.run(operator.send(type="release", to="ai"))
    expect(page.get_by_role("status").filter(has_text="通訳者が退出しました")).to_contain_text(
        "通訳者が退出しました。住民の言葉は翻訳されます。職員の言葉は定型文だけです。")
    operator.run(operator.close())
    assert not errors, errors
