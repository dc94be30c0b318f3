"""The resident's words that the relay could not translate, while an interpreter is in the session: they
do reach someone — the interpreter reads them on the console — so the phone says the interpreter will pass
them on, not that the staff never got them (a resident who read that thought they had to say it again)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors, shot
from tests.browser.test_counter import open_counter, resident_url
from tests.browser.test_operator_console import sign_in, take_the_call
from tests.fakes import FakeTranslator, fake_engines

NOT_GOT = "⚠ Không dịch được sang tiếng Nhật: nhân viên chưa nhận được tin nhắn này."
PASSED_ON = "⚠ Không dịch được sang tiếng Nhật: phiên dịch viên đã đọc và sẽ chuyển lời cho nhân viên."


def write(phone: Any, text: str) -> Any:
    phone.get_by_placeholder("Nhập tin nhắn").fill(text)
    phone.get_by_role("button", name="Gửi").click()
    return phone.get_by_role("log").get_by_role("listitem").filter(has_text=text)


def test_the_phone_says_the_interpreter_passes_on_what_was_not_translated(make_live_relay: MakeLiveRelay,
                                                                          new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(fail=True)))
    console = new_context(viewport=(1280, 800)).new_page()
    sign_in(console, relay, ["vi"])
    counter = open_counter(relay, new_context())
    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    before = write(phone, "Tôi cần giấy cư trú")
    expect(before).to_contain_text(NOT_GOT)  # nobody read it yet

    take_the_call(counter, console).get_by_role("button", name="受ける").click()
    expect(phone.get_by_role("status")).to_contain_text("Phiên dịch viên đã tham gia")
    expect(before).to_contain_text(PASSED_ON)  # the interpreter reads the whole conversation, this too
    during = write(phone, "Bao nhiêu tiền?")
    expect(during).to_contain_text(PASSED_ON)
    expect(console.get_by_role("log", name="会話")).to_contain_text("Bao nhiêu tiền?")  # as the phone says
    expect(phone.get_by_role("log").get_by_text(NOT_GOT)).to_have_count(0)
    shot(phone, "resident-phone-untranslated-interpreter")

    console.get_by_role("button", name="AIに戻す").click()
    expect(phone.get_by_role("status")).to_contain_text("Phiên dịch viên đã rời đi")
    after = write(phone, "Cảm ơn")
    expect(after).to_contain_text(NOT_GOT)  # nobody reads it now
    expect(during).to_contain_text(PASSED_ON)  # what the interpreter read stays so

    phone.reload()  # the same marks from the stored events
    expect(phone.get_by_role("log").get_by_text(PASSED_ON)).to_have_count(2)
    expect(phone.get_by_role("log").get_by_text(NOT_GOT)).to_have_count(1)
    assert not errors, errors
