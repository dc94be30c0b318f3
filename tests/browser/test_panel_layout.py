"""The resident's panel on a 1024×768 tablet with everything on the clerk's side at once (自動, a call
for an interpreter waiting, two notices): the resident reads every language of the choice and then the
latest sentence whole, without scrolling, while the QR code gives up size instead."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors, shot
from tests.browser.phrases import PhraseTranslator
from tests.browser.test_counter import open_counter, say
from tests.fakes import fake_engines

QUEUE = {"queue": {"offer_timeout_s": 5.0, "max_wait_s": 120.0}}
SENTENCE = "住民票の写しを発行します。本人確認書類をお持ちですか。"
VIETNAMESE = "Chúng tôi sẽ cấp bản sao phiếu cư trú. Bạn có mang theo giấy tờ tùy thân không?"
OVERFLOW = "e => e.scrollHeight - e.clientHeight"


def test_the_panel_gives_its_height_to_what_the_resident_reads(make_live_relay: MakeLiveRelay,
                                                               new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()), **QUEUE)
    page = open_counter(relay, new_context(viewport=(1024, 768)), lang="自動")
    errors = console_errors(page)
    notices = page.get_by_role("list", name="お知らせ")
    resident_box = page.get_by_label("住民の入力（言語はまだ不明）")
    resident_box.fill("Xin chào")
    resident_box.press("Enter")  # kept in its box, and said why: a second notice
    notices.get_by_text("住民の言語が決まるまで").wait_for()
    page.get_by_role("button", name="通訳者を呼ぶ").first.click()
    page.get_by_role("status").filter(has_text="通訳者を呼んでいます").wait_for()
    expect(notices.get_by_role("listitem")).to_have_count(2)

    panel = page.get_by_role("region", name="住民向け表示")
    face = page.locator("#panel-face")
    languages = panel.get_by_role("group", name="言語 · Language")
    for button in languages.get_by_role("button").all():  # every language in view, none scrolled away
        expect(button).to_be_in_viewport(ratio=1)
    assert face.evaluate(OVERFLOW) <= 1, "the language choice scrolls inside the panel"

    languages.get_by_role("button", name="Tiếng Việt").click()
    notices.get_by_text("住民の言語はベトナム語です").wait_for()
    say(page, SENTENCE)
    latest = panel.locator(".panel-main")
    expect(latest).to_have_text(VIETNAMESE)
    expect(latest).to_be_in_viewport(ratio=1)  # whole, not cut after two lines
    assert face.evaluate(OVERFLOW) <= 1, "the resident would have to scroll the panel for the latest sentence"
    qr = page.get_by_role("img", name="住民用ページのQRコード")
    expect(qr).to_be_in_viewport(ratio=1)  # smaller, still there for a resident who wants it on the phone
    assert qr.bounding_box()["height"] >= 119, "the QR code stays scannable"
    expect(page.get_by_role("button", name="呼び出しを取り消す")).to_be_in_viewport(ratio=1)
    shot(page, "counter-panel-busy")
    assert not errors, errors
