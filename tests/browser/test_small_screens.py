"""The staff pages on screens they were not first drawn for, as a walkthrough found them: the
interpreter's console on a 1024×768 laptop (the conversation not the narrowest column), the dashboard
and the console on a 360×640 phone (nothing cut off at the right edge, no word broken down the side),
the counter page on a phone (the input boxes wide enough to type in)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors
from tests.browser.sign_in import sign_in_to_dashboard
from tests.browser.test_counter import CLERK_INPUT, open_counter, say
from tests.browser.test_operator_console import sign_in, take_the_call

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
LINE_HEIGHT = "e => parseFloat(getComputedStyle(e).lineHeight) || 1.5 * parseFloat(getComputedStyle(e).fontSize)"


def one_line(locator: Any) -> bool:
    return locator.bounding_box()["height"] < 1.6 * locator.evaluate(LINE_HEIGHT)


def test_the_console_on_a_1024_laptop_gives_the_conversation_room(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, new_context())
    say(counter, "住民票の写しが必要ですか")
    console = new_context(viewport=(1024, 768)).new_page()
    errors = console_errors(console)
    sign_in(console, live_relay, ["vi"])
    take_the_call(counter, console).get_by_role("button", name="受ける").click()
    log = console.get_by_role("log")
    expect(log).to_contain_text("住民票の写しが必要ですか")
    ending = console.get_by_role("button", name="AIに戻す")
    expect(ending).to_be_in_viewport()
    assert log.bounding_box()["width"] >= 340, "the conversation squeezed between the side column and the tools"
    assert log.bounding_box()["width"] > ending.locator("xpath=ancestor::section[1]").bounding_box()["width"]
    assert console.evaluate(NO_SIDEWAYS_SCROLL)
    assert not errors, errors


def test_the_dashboard_and_the_console_on_a_phone(live_relay: LiveRelay, new_context: Any) -> None:
    live_relay.create_session("vi")
    phone = new_context(viewport=(360, 640), is_mobile=True, has_touch=True)
    dashboard = phone.new_page()
    errors = console_errors(dashboard)
    sign_in_to_dashboard(dashboard, live_relay.tokens["admin"])
    expect(dashboard.get_by_role("heading", name="現在の状況")).to_be_visible()
    expect(dashboard.locator("figure.chart").first).to_be_attached()
    for name in ("現在の状況", "履歴", "トークン", "監査ログ", "用語集", "保存期間"):
        assert one_line(dashboard.get_by_role("link", name=name)), f"{name} broken over lines"
    assert dashboard.evaluate(NO_SIDEWAYS_SCROLL), "a card or chart runs past the right edge"
    assert not errors, errors

    console = phone.new_page()
    sign_in(console, live_relay, ["vi"])
    for name in ("受付可", "離席"):
        assert one_line(console.locator("#availability label").filter(has_text=name)), f"{name} broken over lines"
    assert console.evaluate(NO_SIDEWAYS_SCROLL)


def test_the_counter_on_a_phone_keeps_its_input_boxes_usable(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, new_context(viewport=(360, 640), is_mobile=True, has_touch=True))
    for box in (counter.get_by_label(CLERK_INPUT), counter.get_by_label("住民の入力（ベトナム語）")):
        assert box.bounding_box()["width"] >= 200, "a box too narrow to see what is typed"
    panel = counter.get_by_role("region", name="住民向け表示")
    assert panel.bounding_box()["width"] >= 300, "the resident's panel squeezed beside the QR code"
    assert counter.evaluate(NO_SIDEWAYS_SCROLL)
