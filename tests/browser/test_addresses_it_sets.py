"""What the pages say when IT's set-up keeps something from working: a page opened over plain HTTP has no
microphone (browsers give one only to HTTPS or to localhost), and a QR code made from the server's own
loopback address (``server.public_url`` empty, the tablet opened as http://127.0.0.1) no phone can open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LAN_HOST, LiveRelay, MakeLiveRelay
from tests.browser.test_counter import CLERK_INPUT, bubbles, open_counter, resident_url, say

HTTPS_NEEDED = "マイクは HTTPS で開いたページでしか使えません"
LOCAL_QR = "このQRコードとアドレスはスマートフォンから開けません"


@pytest.fixture
def lan_context(browser: Any) -> Iterator[Any]:
    """A context for pages opened by the relay's LAN name over plain HTTP, as the tester opened them."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context.set_default_timeout(30_000)
    yield context
    context.close()


def lan_url(relay: LiveRelay, url: str) -> str:
    return url.replace(relay.url, f"http://{LAN_HOST}:{relay.port}", 1)


def test_over_plain_http_the_tablet_says_the_microphone_needs_https(live_relay: LiveRelay, lan_context: Any) -> None:
    page = lan_context.new_page()
    page.goto(lan_url(live_relay, f"{live_relay.url}/counter#token={live_relay.tokens['clerk']}"))
    page.get_by_label("窓口名").fill("市民課 1番")
    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_role("button", name="受付開始").click()
    page.get_by_text("接続済み").wait_for()
    page.get_by_role("button", name="🎤 マイク").click()
    notices = page.get_by_role("list", name="お知らせ")
    expect(notices.get_by_text(HTTPS_NEEDED)).to_be_visible()
    expect(notices.get_by_text("ブラウザーでマイクを許可")).to_have_count(0)  # no permission would help
    say(page, "住所を書いてください", CLERK_INPUT)  # typing still works
    expect(bubbles(page).filter(has_text="住所を書いてください").first).to_be_visible()


def test_over_plain_http_the_phone_says_voice_does_not_work_here(live_relay: LiveRelay, new_context: Any,
                                                                   lan_context: Any) -> None:
    counter = open_counter(live_relay, new_context())
    phone = lan_context.new_page()
    phone.goto(lan_url(live_relay, resident_url(counter)))
    phone.get_by_role("button", name="Nói").click()
    status = phone.get_by_role("status")
    expect(status).to_have_text("Kết nối này không hỗ trợ nói bằng giọng. Vui lòng nhập chữ.")
    expect(status).to_have_attribute("lang", "vi")


def test_a_qr_code_of_the_servers_own_address_is_flagged_for_it(make_live_relay: MakeLiveRelay,
                                                                new_context: Any) -> None:
    relay = make_live_relay(server={"public_url": ""})
    page = open_counter(relay, new_context())
    assert resident_url(page).startswith("http://127.0.0.1:")
    notice = page.get_by_role("list", name="お知らせ").get_by_text(LOCAL_QR)
    expect(notice).to_be_visible()
    notice.click()  # the whole text: what to ask IT for
    expect(notice).to_contain_text("public_url")


def test_with_public_url_set_the_tablet_does_not_warn(live_relay: LiveRelay, new_context: Any) -> None:
    page = open_counter(live_relay, new_context())
    expect(page.locator("#qr-image")).to_have_attribute("src", re.compile("^blob:"))
    expect(page.get_by_role("list", name="お知らせ").get_by_text(LOCAL_QR)).to_have_count(0)
