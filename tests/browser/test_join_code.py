"""A resident whose phone cannot read the QR code joins with the short address and number the clerk
reads out from the tablet (relay/http/join.py, counter/join-code.js, resident/join.js)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.test_counter import bubbles, open_counter, say


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


def test_a_reload_of_the_tablet_keeps_the_number_a_resident_may_be_typing(live_relay: LiveRelay,
                                                                           new_context: Any) -> None:
    """The relay keeps only a hash of the number and cannot give it back: the tablet keeps it (and its
    expiry) across a reload, or the resident still typing the number read out before is told "wrong"."""
    counter = open_counter(live_relay, new_context())
    errors = console_errors(counter)
    counter.get_by_text("QRコードが読めないとき").click()
    number = counter.get_by_label("番号", exact=True)
    expect(number).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    read_out = number.inner_text()
    expiry = counter.locator("#join-expiry").inner_text()

    counter.reload()  # the panel was open: it is open again, with the same number and expiry
    counter.get_by_text("接続済み").wait_for()
    expect(number).to_have_text(read_out)
    expect(counter.locator("#join-expiry")).to_have_text(expiry)
    counter.get_by_text("QRコードが読めないとき").click()  # closed, reloaded, opened again: still the same
    expect(number).to_be_hidden()  # closed (its toggle event saved that) before the reload, not racing it
    counter.reload()
    counter.get_by_text("接続済み").wait_for()
    expect(number).to_be_hidden()
    counter.get_by_text("QRコードが読めないとき").click()
    expect(number).to_have_text(read_out)

    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True, locale="vi-VN").new_page()
    phone.goto("/j")
    phone.get_by_label("Mã số (6 chữ số)").fill(read_out)  # the number read out before both reloads
    phone.get_by_role("button", name="Tham gia").click()
    expect(phone.get_by_placeholder("Nhập tin nhắn")).to_be_visible()  # in the conversation, not "wrong"
    assert not errors, errors


def test_the_residents_instruction_follows_a_change_of_language(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, new_context(), lang="自動")
    counter.get_by_text("QRコードが読めないとき").click()
    help_lines = counter.locator(".qr-fallback").get_by_role("listitem")
    expect(help_lines).to_have_count(2)  # やさしい日本語 and English while the language is 自動
    panel = counter.get_by_role("region", name="住民向け表示")
    panel.get_by_role("group", name="言語 · Language").get_by_role("button", name="ไทย").click()
    expect(help_lines.filter(has_text="เปิดที่อยู่นี้")).to_have_attribute("lang", "th")  # the same number, now in Thai too
    expect(help_lines).to_have_count(3)
    panel.get_by_role("button", name="🌐 ไทย").click()  # changed again by touch
    panel.get_by_role("button", name="Tiếng Việt").click()
    expect(help_lines.filter(has_text="Mở địa chỉ này trên điện thoại và nhập mã số.")).to_be_visible()
    expect(help_lines).to_have_count(3)  # Thai gave way to Vietnamese


# the text of each line a label takes on screen, read character by character
LINES = """e => {
  const lines = new Map();
  for (const node of [...e.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE)) {
    for (let i = 0; i < node.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const top = Math.round(r.getClientRects()[0].top);
      lines.set(top, (lines.get(top) || '') + node.data[i]);
    }
  }
  return [...lines.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text);
}"""
WHOLE_OR_BY_PHRASE = (["QRコードが読めないとき"], ["QRコードが", "読めないとき"])


@pytest.mark.parametrize("viewport", [(800, 1280), (1280, 800), (1024, 690)],
                         ids=["upright", "side-by-side", "side-by-side-in-a-browser"])
def test_the_join_panel_is_read_whole_on_the_tablet(live_relay: LiveRelay, new_context: Any,
                                                    viewport: tuple[int, int]) -> None:
    """「QRコードが読めないとき」 never breaks off a character alone (upright it left き on a line of its
    own), and opened — also beside a long sentence on the resident's panel, a call waiting and two
    notices — all it holds, down to the long link at its foot, is in view without scrolling in the card."""
    counter = open_counter(live_relay, new_context(viewport=viewport), lang="自動")
    label = counter.get_by_text("QRコードが読めないとき")
    assert label.evaluate(LINES) in WHOLE_OR_BY_PHRASE, label.evaluate(LINES)
    panel = counter.get_by_role("region", name="住民向け表示")
    panel.get_by_role("group", name="言語 · Language").get_by_role("button", name="မြန်မာ").click()
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    say(counter, "住民票の写しを申請するには、この用紙に名前と住所と生年月日を書いて、本人確認書類と一緒に三番の窓口に出してください。")
    expect(panel.locator(".panel-main")).to_contain_text("[my] 住民票の写し")
    label.click()
    card = counter.locator(".qr-fallback")
    expect(counter.get_by_label("番号", exact=True)).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    expect(card.get_by_role("listitem")).to_have_count(3)  # やさしい日本語, English, Myanmar
    for part in (counter.get_by_label("アドレス", exact=True), counter.get_by_label("番号", exact=True),
                 counter.locator("#join-expiry"), *card.get_by_role("listitem").all(), counter.locator("#qr-url")):
        expect(part).to_be_in_viewport(ratio=1.0)  # not cut off by the card's foot, nor by the screen's
    assert label.evaluate(LINES) == ["QRコードが読めないとき"]
    if viewport == (800, 1280):
        shot(counter, "counter-join-number-upright")
