"""The interpreter console in real Chromium against a real relay with fake engines."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.ws_peer import WsPeer


def sign_in(page: Any, relay: LiveRelay, languages: list[str]) -> None:
    page.goto("/operator")
    page.get_by_label("通訳者トークン").fill(relay.tokens["operator"])
    page.get_by_role("button", name="サインイン").click()
    expect(page.get_by_role("status").filter(has_text="未サインイン")).to_be_visible()
    for code in languages:
        page.locator(f'#language-list input[value="{code}"]').check()
    page.get_by_role("radio", name="受付可").check()
    expect(page.locator("#state-now")).to_have_text("受付可")


def test_operator_takes_an_offer_replies_corrects_and_releases(live_relay: LiveRelay, new_context: Any) -> None:
    relay = live_relay
    session = relay.create_session("vi")
    counter = WsPeer(relay).connect("counter", relay.tokens["clerk"], session["session_id"])
    resident = WsPeer(relay).connect("resident", session["resident_token"], session["session_id"])
    page = new_context(viewport=(1280, 860)).new_page()
    errors = console_errors(page)
    sign_in(page, relay, ["vi", "en"])

    counter.send(type="text", speaker="clerk", text="住民票の写しが必要ですか")
    ai = resident.wait_for("translation", kind="translation")
    counter.send(type="escalate", reason="複雑な手続き")
    offer = page.get_by_role("alertdialog", name="通訳の依頼")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("ベトナム語")
    expect(offer).to_contain_text(re.compile(r"残り \d+ 秒"))
    shot(page, "operator-offer")
    offer.get_by_role("button", name="受ける").click()

    log = page.get_by_role("log", name="会話")
    expect(log).to_contain_text("住民票の写しが必要ですか")  # the conversation so far
    expect(page.locator("#state-now")).to_have_text("対応中")
    counter.wait_for("escalation", state="connected")

    page.get_by_label("返答").fill("Vâng, bạn cần một bản sao.")
    page.get_by_role("button", name="送信").click()
    to_resident = resident.wait_for("translation", kind="operator")
    assert (to_resident["lang"], to_resident["text"]) == ("vi", "Vâng, bạn cần một bản sao.")
    page.get_by_role("radio", name="職員へ（日本語）").check()
    page.get_by_label("返答").fill("身分証明書も必要と伝えました")
    page.get_by_role("button", name="送信").click()
    to_clerk = counter.wait_for("translation", kind="operator", lang="ja")
    assert to_clerk["text"] == "身分証明書も必要と伝えました"
    assert not any(m.get("text") == "身分証明書も必要と伝えました" for m in resident.seen)

    page.get_by_role("button", name="このベトナム語の翻訳を訂正").first.click()
    page.get_by_label("訂正した訳").fill("Bạn có cần bản sao giấy cư trú không?")
    page.get_by_role("button", name="訂正を送る").click()
    fixed = resident.wait_for("translation", kind="operator", replaces=ai["utterance_id"])
    assert fixed["text"] == "Bạn có cần bản sao giấy cư trú không?"
    expect(page.locator(".line.replaced .text")).to_have_text(ai["text"])
    shot(page, "operator-console")

    page.get_by_label("メモ（記録に残ります）").fill("住民票の写し 1通")
    page.get_by_role("button", name="AIに戻す").click()
    counter.wait_for("escalation", state="returned")
    expect(page.locator("#session")).to_be_hidden()
    expect(page.locator("#state-now")).not_to_have_text("対応中")
    for peer in (counter, resident):
        peer.close()
    assert not errors, errors
