"""A resident whose phone cannot read the QR code joins with the short address and number the clerk
reads out from the tablet (relay/http/join.py, counter/join-code.js, resident/join.js)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.test_counter import bubbles, open_counter


def test_a_resident_types_the_number_from_the_tablet_and_talks(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, new_context())
    counter.get_by_text("QRコードが読めないとき").click()
    number = counter.get_by_label("番号", exact=True)
    expect(number).to_have_text(re.compile(r"^\d{3} \d{3}$"))  # large, in two groups, to read out
    address = counter.get_by_label("アドレス", exact=True).inner_text()
    read_out = number.inner_text()
    assert address == f"{live_relay.url}/j"  # short enough to type
    panel = counter.locator(".qr-fallback")
    expect(panel.get_by_text("Open this address on your phone and enter the number.")).to_be_visible()
    expect(panel.get_by_text("Mở địa chỉ này trên điện thoại và nhập mã số.")).to_be_visible()  # the resident's own
    shot(counter, "counter-join-number")

    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True, locale="vi-VN").new_page()
    errors = console_errors(phone)
    phone.goto(address)
    field = phone.get_by_label("Mã số (6 chữ số)")
    expect(field).to_have_attribute("inputmode", "numeric")  # the phone offers its number pad
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    wrong = f"{(int(read_out.replace(' ', '')) + 1) % 1_000_000:06d}"
    field.fill(wrong)
    phone.get_by_role("button", name="Tham gia").click()
    expect(phone.get_by_role("alert")).to_have_text(
        "Mã số không đúng. Vui lòng xem lại số trên màn hình tại quầy và nhập lại.")
    shot(phone, "resident-phone-join-number")
    field.fill(read_out)  # as read out: 123 456
    phone.get_by_role("button", name="Tham gia").click()

    phone.get_by_placeholder("Nhập tin nhắn").fill("Tôi muốn đăng ký địa chỉ")
    phone.get_by_role("button", name="Gửi").click()
    expect(bubbles(counter).filter(has_text="Tôi muốn đăng ký địa chỉ")).to_have_attribute("data-speaker", "resident")
    assert "token" not in phone.url, "the token left the address bar, as after a scanned QR code"
    # the refused number is the browser's own note of a 404, nothing the page threw
    assert all("Failed to load resource" in error for error in errors), errors


def test_an_old_number_and_guessing_are_told_in_the_residents_language(live_relay: LiveRelay,
                                                                        new_context: Any) -> None:
    counter = open_counter(live_relay, new_context())
    counter.get_by_text("QRコードが読めないとき").click()
    number = counter.get_by_label("番号", exact=True)
    expect(number).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    read_out = number.inner_text()
    counter.get_by_role("button", name="受付終了").click()  # the conversation ended meanwhile
    counter.get_by_role("dialog").get_by_role("button", name="終了する").click()

    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True, locale="th-TH").new_page()
    phone.goto("/j")
    field = phone.get_by_label("หมายเลข (6 หลัก)")
    field.fill(read_out)
    phone.get_by_role("button", name="เข้าร่วม").click()
    alert = phone.get_by_role("alert")
    expect(alert).to_have_text("หมายเลขนี้ใช้ไม่ได้แล้ว กรุณาขอหมายเลขใหม่จากเจ้าหน้าที่")
    field.fill("12345")  # one digit short: said on the phone, nothing sent
    phone.get_by_role("button", name="เข้าร่วม").click()
    expect(alert).to_have_text("กรุณากรอกตัวเลขให้ครบ 6 หลัก")
    for n in range(6):  # the old number was one: six more wrong ones, and the phone must wait
        field.fill(f"{(int(read_out.replace(' ', '')) + n + 1) % 1_000_000:06d}")
        phone.get_by_role("button", name="เข้าร่วม").click()  # waits while the last try is on its way
    expect(alert).to_have_text("กรอกหมายเลขผิดหลายครั้งเกินไป กรุณารอสักครู่แล้วลองอีกครั้ง")
