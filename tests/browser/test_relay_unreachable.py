"""The console and the dashboard while the relay cannot be reached: they say so in plain Japanese (never
the browser's "TypeError: Failed to fetch"), keep trying, and come back by themselves when it answers."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, in_a_while

UNREACHABLE = "中継サーバーに接続できません"


def no_raw_error(page: Any) -> None:
    for raw in ("TypeError", "Failed to fetch"):
        expect(page.locator("body")).not_to_contain_text(raw, use_inner_text=True)


def sign_in_while_the_relay_is_down(page: Any, live_relay: LiveRelay, path: str, token_label: str,
                                    role: str) -> Any:
    """The page loads, then the relay goes down and the person signs in: the page says in plain Japanese that
    it cannot sign in. Returns that alert."""
    page.clock.install()
    page.goto(path)
    live_relay.go_down()
    page.get_by_label(token_label).fill(live_relay.tokens[role])
    page.get_by_role("button", name="サインイン").click()
    alert = page.get_by_role("alert").filter(has_text=UNREACHABLE)
    expect(alert).to_contain_text("サインインできません")
    no_raw_error(page)
    return alert


def test_console_says_the_relay_is_unreachable_and_comes_back(live_relay: LiveRelay, new_context: Any) -> None:
    console = new_context(viewport=(1280, 800)).new_page()
    # down before the interpreter signs in
    alert = sign_in_while_the_relay_is_down(console, live_relay, "/operator", "通訳者トークン", "operator")

    live_relay.come_back()
    in_a_while(console, expect(console.locator("#link-state")).to_have_text, "接続済み")  # signed in by itself
    expect(alert).to_have_count(0)
    console.locator('#language-list input[value="vi"]').check()
    console.get_by_role("radio", name="受付可").check()
    expect(console.locator("#state-now")).to_have_text("受付可")

    live_relay.go_down()  # down while the interpreter waits for calls
    in_a_while(console, expect(alert).to_be_visible)
    expect(console.locator("#link-state")).to_contain_text("自動で再接続しています")
    no_raw_error(console)

    live_relay.come_back()
    in_a_while(console, expect(console.locator("#link-state")).to_contain_text, "再接続しました")
    expect(console.locator("#state-now")).to_have_text("受付可")
    expect(console.locator("#banner")).to_be_hidden()


def test_dashboard_says_the_relay_is_unreachable_and_comes_back(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context(viewport=(1280, 800)).new_page()
    alert = sign_in_while_the_relay_is_down(page, live_relay, "/admin", "管理者トークン", "admin")

    live_relay.come_back()
    in_a_while(page, expect(page.get_by_role("heading", name="現在の状況")).to_be_visible)  # signed in by itself
    expect(page.locator("#live-updated")).to_contain_text("更新")

    live_relay.go_down()
    # the next refresh fails (a section still loading when the relay went down may have said so first:
    # the live view's message comes with its next refresh, up to 5 s later)
    in_a_while(page, expect(alert).to_contain_text, "現在の状況を取得できません")
    no_raw_error(page)

    live_relay.come_back()
    live_relay.create_session("vi", counter="市民課 3番")
    in_a_while(page, expect(page.locator("#counters")).to_contain_text, "市民課 3番")  # polling again
    expect(page.locator("#banner")).to_be_hidden()  # every section loaded again: no message left
