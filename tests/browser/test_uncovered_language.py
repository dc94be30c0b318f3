"""A call for a language that no interpreter at work covers: the counter says so, with what it can do
instead of waiting for nobody, and the dashboard flags the call; an interpreter who adds the language
takes it, and the counter says so."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.sign_in import sign_in_to_dashboard
from tests.browser.test_counter import open_counter
from tests.browser.test_operator_console import sign_in


def test_a_call_nobody_covers_says_so_and_what_to_do(live_relay: LiveRelay, new_context: Any) -> None:
    console = new_context(viewport=(1280, 800)).new_page()
    sign_in(console, live_relay, ["pt"])  # the only interpreter at work: Portuguese only
    counter = open_counter(live_relay, new_context(viewport=(768, 1024)))
    errors = console_errors(counter)
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    call = counter.get_by_role("status").filter(has_text="通訳者を呼んでいます")
    expect(call).to_contain_text("通訳者を呼んでいます（1番目）が、今はベトナム語の通訳者がいません")  # it still waits
    easy = counter.get_by_role("button", name="やさしい日本語で話す")
    expect(easy).to_be_visible()
    expect(counter.get_by_role("button", name="呼び出しを取り消す")).to_be_visible()
    shot(counter, "counter-call-uncovered")

    admin = new_context(viewport=(1280, 900)).new_page()
    sign_in_to_dashboard(admin, live_relay.tokens["admin"])
    waiting = admin.locator("#queue").get_by_role("row").filter(has_text="ベトナム語")
    expect(waiting).to_contain_text("対応できる通訳者なし")

    counter.get_by_role("button", name="受付を終了する").click()  # asked first, as 受付終了 is
    question = counter.get_by_role("dialog", name="受付を終了しますか？")
    question.get_by_role("button", name="戻る").click()
    expect(question).to_be_hidden()
    easy.click()  # the clerk speaks やさしい日本語 meanwhile; the call still waits
    expect(easy).to_be_hidden()
    expect(call).to_contain_text("通訳者がいません")

    console.get_by_role("checkbox", name="Tiếng Việt").check()  # an interpreter adds Vietnamese
    console.get_by_role("button", name="言語を更新").click()
    expect(console.get_by_role("alertdialog", name="通訳の依頼")).to_be_visible()
    connecting = counter.get_by_role("status").filter(has_text="通訳者につないでいます")  # someone covers it now
    expect(connecting).to_contain_text("通訳者を呼びました")  # their offer rings: no 'about a minute' (0 s)
    expect(connecting).not_to_contain_text("あと約")
    expect(counter.get_by_role("button", name="受付を終了する")).to_be_hidden()
    assert not errors, errors
