"""The counter tablet as a clerk with no training meets it: nothing is lost by one stray tap, and what
goes wrong is said in plain Japanese with what to do, never as a bare code."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors
from tests.browser.test_counter import open_counter


def test_unregistering_the_tablet_asks_first(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    errors = console_errors(page)
    page.goto(f"/counter#token={live_relay.tokens['clerk']}")
    start = page.get_by_role("heading", name="新しい受付を始める")
    expect(start).to_be_visible()

    page.get_by_role("button", name="この端末の登録を解除").click()  # a stray tap beside 受付開始
    dialog = page.get_by_role("dialog", name="この端末の登録を解除しますか？")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="戻る").click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(start).to_be_visible()  # still registered: the token was kept

    page.get_by_role("button", name="この端末の登録を解除").click()
    dialog.get_by_role("button", name="解除する").click()
    expect(page.get_by_role("heading", name="この端末の登録")).to_be_visible()
    assert not errors, errors


def test_a_token_that_is_not_a_clerks_is_explained(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto(f"/counter#token={live_relay.tokens['operator']}")  # IT gave the interpreter's token
    page.get_by_label("窓口名").fill("市民課 1番")
    page.get_by_role("button", name="受付開始").click()
    expect(page.get_by_role("alert").filter(has_text="職員用のトークンではありません")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="forbidden")).to_have_count(0)


def test_a_connection_refused_for_good_is_shown(live_relay: LiveRelay, new_context: Any) -> None:
    context = new_context()
    page = open_counter(live_relay, context)
    # the tablet is re-registered with a token that may not run a counter while a session is open
    page.evaluate(f"localStorage.setItem('madoguchi.clerkToken', {live_relay.tokens['operator']!r})")
    page.reload()
    banner = page.get_by_role("alert").filter(has_text="リレーに接続できません")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("情報システム担当")
