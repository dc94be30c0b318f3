"""The administrator's dashboard in real Chromium: charts from a seeded store, live state, a token
created and revoked."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.relay.seed import seed_history


def test_dashboard_charts_live_state_and_tokens(live_relay: LiveRelay, new_context: Any) -> None:
    relay = live_relay
    seeded = relay.call(seed_history(relay.ctx.store, time.time()))
    relay.create_session("vi", counter="税務課 2番")
    page = new_context(viewport=(1280, 1000)).new_page()
    errors = console_errors(page)
    page.goto("/admin")
    page.get_by_label("管理者トークン").fill(relay.tokens["admin"])
    page.get_by_role("button", name="サインイン").click()

    by_language = page.get_by_role("figure", name="言語別の受付数")
    expect(by_language.locator("rect")).to_have_count(len(seeded.by_language))
    label = by_language.get_by_role("img").get_attribute("aria-label") or ""
    expected = {**seeded.by_language, "vi": seeded.by_language["vi"] + 1}  # and today's open session
    for name, count in (("ベトナム語", expected["vi"]), ("中国語", expected["zh"]), ("英語", expected["en"])):
        assert f"{name} {count}件" in label, label
    expect(page.get_by_role("figure", name="日別の受付数（言語別）").locator("rect")).to_have_count(6)
    expect(page.get_by_role("figure", name="通訳者を呼んだ理由")).to_contain_text("確信度が低い")
    expect(page.locator("#kpis-history")).to_contain_text("25%")  # 1 of 4 ended waits within 30 s
    expect(page.locator("#counters")).to_contain_text("税務課 2番")
    expect(page.locator("#engines")).to_contain_text("準備完了")
    shot(page, "admin-dashboard")
    page.get_by_role("heading", name="履歴").scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    shot(page, "admin-history")

    page.get_by_label("役割").select_option("operator")
    page.get_by_label("名前").fill("ネパール語 通訳 山田")
    page.get_by_role("button", name="トークンを作成").click()
    token = page.locator("#new-token-value")
    expect(token).to_have_text(re.compile(r"^mdg_operator_\S+$"))
    plaintext = token.text_content()
    assert _status(relay, plaintext) == 200

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="ネパール語 通訳 山田 のトークンを無効にする").click()
    expect(page.locator("#token-rows").get_by_role("row").filter(has_text="ネパール語 通訳 山田")).to_contain_text("無効")
    expect(page.locator("#audit-rows")).to_contain_text("token.revoke")
    assert _status(relay, plaintext) == 401, "a revoked token stops working"
    assert not errors, errors


def _status(relay: LiveRelay, token: str) -> int:
    request = urllib.request.Request(relay.url + "/api/languages", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("role", ["clerk", "operator"])
def test_dashboard_refuses_other_tokens(live_relay: LiveRelay, new_context: Any, role: str) -> None:
    page = new_context().new_page()
    page.goto("/admin")
    page.get_by_label("管理者トークン").fill(live_relay.tokens[role])
    page.get_by_role("button", name="サインイン").click()
    expect(page.get_by_role("alert").filter(has_text="管理者のトークンではありません")).to_be_visible()
