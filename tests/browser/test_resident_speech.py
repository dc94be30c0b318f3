"""What the resident's phone says about speech it will not hear: an older message not read aloud (the
relay's speech queue fell too far behind), a message whose speech failed, and the resident's own speech
that could not be recorded — each in the resident's language, with the text still on screen."""

from __future__ import annotations

import threading
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors
from tests.browser.test_counter import bubbles, open_counter, resident_url, say
from tests.fakes import FakeSynthesizer, fake_engines

SAID = ["一つ目です", "二つ目です", "三つ目です", "四つ目です", "五つ目です"]


def open_phone(counter: Any, new_context: Any) -> Any:
    phone = new_context(viewport=(390, 844), is_mobile=True).new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("button", name="Nói").wait_for()
    return phone


def test_an_older_message_not_read_aloud_is_told_on_the_phone_in_its_language(make_live_relay: MakeLiveRelay,
                                                                              new_context: Any) -> None:
    hold = threading.Event()  # the first utterance's speech stays busy: the others wait behind it
    relay = make_live_relay(fake_engines(synthesizer=FakeSynthesizer(voices=("vi",), sentences=1, hold=hold)))
    try:
        counter = open_counter(relay, new_context())
        phone = open_phone(counter, new_context)
        errors = console_errors(phone)
        for text in SAID:  # one spoken, three waiting: the fifth pushes the second out
            say(counter, text)
            phone.get_by_role("log").get_by_text(f"[vi] {text}").wait_for()
        status = phone.get_by_role("status")
        expect(status).to_have_text("Một tin nhắn trước đó không được đọc thành tiếng. Nội dung vẫn có trên màn hình.")
        expect(status).to_have_attribute("lang", "vi")
        expect(phone.get_by_role("log").get_by_text("[vi] 二つ目です")).to_be_visible()  # its text stands
        # the counter tablet speaks the same translations: the clerk is told too, in Japanese
        counter.get_by_role("list", name="お知らせ").get_by_text("古い文の読み上げを省きました").wait_for()
        assert not errors, errors
    finally:
        hold.set()


def test_a_failure_of_speech_has_its_own_words_on_the_phone(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(fake_engines(synthesizer=FakeSynthesizer(voices=("vi",), fail=True)))
    counter = open_counter(relay, new_context())
    phone = open_phone(counter, new_context)
    say(counter, "住所を書いてください")
    phone.get_by_role("log").get_by_text("[vi] 住所を書いてください").wait_for()
    expect(phone.get_by_role("status")).to_have_text("Không đọc được tin nhắn này thành tiếng. Vui lòng đọc trên màn hình.")
    expect(phone.get_by_text("Không gửi được")).to_have_count(0)  # not the words for a message that was not sent
    expect(bubbles(counter).first).to_be_visible()
