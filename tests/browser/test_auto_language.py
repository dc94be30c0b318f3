"""自動 (the resident's language left for later) on the tablet and the phone: the resident chooses its
language on the phone, typed text and the clerk's words then reach the other side; an error the page has
no special words for is still told to the person, in their language, and their text is not lost."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, MakeLiveRelay
from tests.browser.test_counter import bubbles, open_counter, resident_url, say


def test_resident_chooses_its_language_on_the_phone_in_auto_mode(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, new_context(), lang="自動")
    notices = counter.get_by_role("list", name="お知らせ")
    notices.get_by_text("住民の言語がまだ分かりません").wait_for()

    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True, locale="en-US").new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("heading", name="Choose your language").wait_for()
    # typed before choosing: kept in the box, and the resident is told why
    phone.get_by_placeholder("Type your message").fill("Xin chào")
    phone.get_by_role("button", name="Send").click()
    phone.get_by_role("status").filter(has_text="Choose your language first").wait_for()
    expect(phone.get_by_placeholder("Type your message")).to_have_value("Xin chào")

    phone.get_by_role("button", name="Tiếng Việt").click()
    phone.get_by_role("button", name="Gửi").wait_for()  # the page now speaks Vietnamese
    expect(phone.get_by_role("heading", name="Choose your language")).to_have_count(0)
    phone.get_by_role("button", name="Gửi").click()
    said = bubbles(counter).filter(has_text="Xin chào")
    said.get_by_text("[ja] Xin chào").wait_for()
    expect(said).to_have_attribute("data-speaker", "resident")
    notices.get_by_text("住民の言語はベトナム語です（住民がスマートフォンで選びました）").wait_for()

    say(counter, "お名前を書いてください")
    phone.get_by_role("log").get_by_text("[vi] お名前を書いてください").wait_for()


def test_tablet_keeps_the_residents_typed_words_until_the_language_is_known(live_relay: LiveRelay,
                                                                             new_context: Any) -> None:
    counter = open_counter(live_relay, new_context(), lang="自動")
    box = counter.get_by_label("住民の入力（言語はまだ不明）")
    expect(box).to_have_attribute("placeholder", "住民の言語が決まると送れます")  # what the clerk can expect, not a blank name
    say(counter, "Hello", who="住民の入力（言語はまだ不明）")
    counter.get_by_role("list", name="お知らせ").get_by_text("住民の言語が決まるまで、住民の入力は送れません").wait_for()
    expect(box).to_have_value("Hello")


def test_a_refused_text_is_told_to_the_resident_and_stays_in_the_box(make_live_relay: MakeLiveRelay,
                                                                     new_context: Any) -> None:
    relay = make_live_relay(relay={"max_text_chars": 20})
    counter = open_counter(relay, new_context())
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    long_text = "Tôi muốn hỏi về giấy chứng nhận cư trú của tôi"
    phone.get_by_placeholder("Nhập tin nhắn").fill(long_text)
    phone.get_by_role("button", name="Gửi").click()
    phone.get_by_role("status").filter(has_text="Đã xảy ra lỗi").wait_for()
    expect(phone.get_by_placeholder("Nhập tin nhắn")).to_have_value(long_text)
