"""The interpreter console from one call to the next, as a new interpreter used it: nothing of the last
call steers the next one (the reply target), ending the counter's whole session is asked first, a
complaint about the console's state goes when that state changes, and the serving view fits a laptop."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.test_counter import bubbles, open_counter, say
from tests.browser.test_operator_console import sign_in, take_the_call


def serve(counter: Any, console: Any) -> None:
    take_the_call(counter, console).get_by_role("button", name="受ける").click()
    expect(console.locator("#state-now")).to_have_text("対応中")


def send(console: Any, text: str) -> None:
    console.get_by_label("返答").fill(text)
    console.get_by_role("button", name="送信", exact=True).click()


def test_the_next_call_starts_with_replies_to_the_resident(live_relay: LiveRelay, new_context: Any) -> None:
    """A note 職員へ in one call must not send the next resident's greeting to the clerk as Japanese."""
    console = new_context(viewport=(1280, 800)).new_page()
    errors = console_errors(console)
    sign_in(console, live_relay, ["vi"])
    first = open_counter(live_relay, new_context())
    serve(first, console)
    console.get_by_role("radio", name="職員へ（日本語）").check()
    send(console, "住民の方は住民票が必要です")
    bubbles(first).filter(has_text="住民の方は住民票が必要です").wait_for()
    console.get_by_label("返答").fill("Cảm ơn")  # a draft for this resident, never sent
    console.get_by_role("button", name="AIに戻す").click()
    expect(console.get_by_role("region", name="対応中")).to_be_hidden()
    console.get_by_role("radio", name="受付可").click()  # back from the wrap-up at once

    second = open_counter(live_relay, new_context())
    serve(second, console)
    expect(console.get_by_role("radio", name="住民へ（ベトナム語）")).to_be_checked()
    expect(console.get_by_label("返答")).to_have_value("")  # the last resident's draft is not this one's
    send(console, "Xin chào, tôi là phiên dịch viên.")
    panel = second.get_by_role("region", name="住民向け表示")
    expect(panel).to_contain_text("Xin chào, tôi là phiên dịch viên.")  # the resident got it, in Vietnamese
    assert not errors, errors


def test_ending_the_counter_s_session_is_asked_first(live_relay: LiveRelay, new_context: Any) -> None:
    console = new_context(viewport=(1280, 800)).new_page()
    errors = console_errors(console)
    sign_in(console, live_relay, ["vi"])
    counter = open_counter(live_relay, new_context())
    serve(counter, console)
    end = console.get_by_role("button", name="窓口の受付を終了（住民の画面も閉じます）")
    end.click()
    question = console.get_by_role("dialog", name="窓口の受付を終了しますか？")
    expect(question).to_contain_text("住民のスマートフォンの画面も閉じます")
    expect(question).to_contain_text("「AIに戻す」")  # what to press to end only the interpreting
    shot(console, "operator-close-dialog")
    question.get_by_role("button", name="戻る").click()
    expect(question).to_be_hidden()
    say(counter, "まだ話しています")  # nothing ended: the conversation goes on
    expect(console.get_by_role("log", name="会話")).to_contain_text("まだ話しています")
    expect(counter.get_by_role("heading", name="受付の記録")).to_be_hidden()

    end.click()
    question.get_by_role("button", name="終了する").click()
    expect(counter.get_by_role("heading", name="受付の記録")).to_be_visible()
    expect(counter.get_by_role("status").filter(has_text="通訳者が受付を終了しました")).to_be_visible()
    expect(console.get_by_role("region", name="対応中")).to_be_hidden()
    assert not errors, errors


def test_a_complaint_about_the_state_goes_when_the_state_changes(live_relay: LiveRelay, new_context: Any) -> None:
    """取る before 受付可: the console says what to do, in Japanese without the relay's code (that is in the
    tooltip, for IT); once 受付可 is chosen the complaint is gone, also through the offer that follows."""
    console = new_context(viewport=(1280, 800)).new_page()
    console.goto("/operator")
    console.get_by_label("通訳者トークン").fill(live_relay.tokens["operator"])
    console.get_by_role("button", name="サインイン").click()
    expect(console.locator("#state-now")).to_have_text("受付前")
    session = live_relay.create_session("vi", counter="市民課 4番")
    live_relay.call(live_relay.ctx.escalation.backend.enqueue(session["session_id"], "vi", reason="button"))
    console.get_by_role("button", name="ベトナム語の窓口を取る").click()
    alert = console.get_by_role("alert").filter(has_text="受付の状態がまだ設定されていません")
    expect(alert).to_be_visible()
    expect(alert).not_to_contain_text("unknown_operator")
    expect(alert).to_have_attribute("title", re.compile(r"^unknown_operator"))  # for IT, in the tooltip

    console.get_by_role("checkbox", name="Tiếng Việt").check()
    console.get_by_role("radio", name="受付可").click()
    offer = console.get_by_role("alertdialog", name="通訳の依頼")
    expect(offer).to_be_visible()  # the call that waited is offered now
    expect(alert).to_be_hidden()
    offer.get_by_role("button", name="受ける").click()
    expect(console.locator("#state-now")).to_have_text("対応中")
    expect(console.locator("#banner")).to_be_hidden()


def test_the_serving_view_fits_a_laptop_screen(live_relay: LiveRelay, new_context: Any) -> None:
    """At 1280×800 the reply buttons and the ending buttons are on screen; a long conversation scrolls
    inside the log, not the page. The log says once that the counter waited, however often its place in
    line changed."""
    ahead = live_relay.create_session("vi", counter="市民課 2番")
    live_relay.call(live_relay.ctx.escalation.backend.enqueue(ahead["session_id"], "vi", reason="button"))
    counter = open_counter(live_relay, new_context())
    for n in range(1, 11):
        say(counter, f"{n}点目の確認です")
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    expect(counter.locator("#escalation")).to_contain_text("2番目")
    live_relay.call(live_relay.ctx.escalation.backend.cancel(ahead["session_id"]))
    expect(counter.locator("#escalation")).to_contain_text("1番目")  # its place changed: told again

    console = new_context(viewport=(1280, 800)).new_page()
    errors = console_errors(console)
    console.goto("/operator")
    console.get_by_label("通訳者トークン").fill(live_relay.tokens["operator"])
    console.get_by_role("button", name="サインイン").click()
    expect(console.locator("#state-now")).to_have_text("受付前")  # the relay's view first: it sets the boxes
    console.get_by_role("checkbox", name="Tiếng Việt").check()
    console.get_by_role("radio", name="受付可").click()
    console.get_by_role("alertdialog", name="通訳の依頼").get_by_role("button", name="受ける").click()
    log = console.get_by_role("log", name="会話")
    expect(log).to_contain_text("10点目の確認です")
    expect(log.get_by_text("窓口が通訳者を呼びました")).to_have_count(1)  # once, however often its place changed
    expect(log.get_by_text("通訳者を待っています")).to_have_count(0)  # read just after accepting: not a wait
    for name in ("送信", "押して話す", "AIに戻す", "窓口の受付を終了（住民の画面も閉じます）"):
        expect(console.get_by_role("button", name=name, exact=True)).to_be_in_viewport(ratio=1)
    expect(console.get_by_role("radio", name="職員へ（日本語）")).to_be_in_viewport(ratio=1)
    expect(log.get_by_role("listitem").last).to_be_in_viewport()  # the latest line, scrolled to
    assert console.evaluate("document.scrollingElement.scrollHeight") <= 800, "the page scrolls"
    assert console.evaluate("(() => { const l = document.querySelector('#log'); return l.scrollHeight > l.clientHeight; })()"), \
        "the conversation scrolls inside its log"
    shot(console, "operator-serving-1280x800")
    assert not errors, errors
