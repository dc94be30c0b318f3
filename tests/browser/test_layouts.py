"""The pages on the screens a city has: a 1024×768 counter tablet held either way, a 360×740 phone.
Whatever a person needs (the clerk's buttons, both input rows, the resident's message box and buttons)
stays on the screen without scrolling sideways or down, also with a call queued, a notice and a long
unbreakable text (an address) in the conversation."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot
from tests.browser.test_counter import CLERK_INPUT, bubbles, open_counter, resident_url, say
from tests.fakes import FakeTranslator, fake_engines

QUEUE = {"queue": {"offer_timeout_s": 5.0, "max_wait_s": 120.0}}
ADDRESS = "https://www.city.example.lg.jp/kurashi/todokede/juminhyo/utsushi-no-seikyu.html"


def assert_on_screen(page: Any, *targets: Any) -> None:
    """Each target wholly inside the viewport as the page first shows it (nothing scrolled), and the
    page no wider than the screen."""
    page.evaluate("window.scrollTo(0, 0)")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page needs sideways scrolling: {width}"
    for target in targets:
        expect(target).to_be_in_viewport(ratio=1.0)


# a 1024×768 tablet's browser shows the page in about 1024×690 once its address and tab bars are drawn
@pytest.mark.parametrize("viewport", [(1024, 768), (1024, 690), (768, 1024)],
                         ids=["landscape", "landscape-in-a-browser", "portrait"])
def test_counter_tablet_keeps_every_control_on_screen(make_live_relay: MakeLiveRelay, new_context: Any,
                                                      viewport: tuple[int, int]) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(fail=True)), **QUEUE)
    page = open_counter(relay, new_context(viewport=viewport))
    errors = console_errors(page)
    say(page, f"詳しくは {ADDRESS} をご覧ください")
    page.get_by_role("list", name="お知らせ").get_by_text("翻訳または音声認識がうまく動きませんでした").wait_for()
    bubbles(page).filter(has_text="詳しくは").first.wait_for()
    page.get_by_role("button", name="通訳者を呼ぶ").first.click()
    page.get_by_role("status").filter(has_text="通訳者を呼んでいます").wait_for()  # nobody covers it: its choices too

    send = page.get_by_role("button", name="送信", exact=True)
    qr = page.get_by_role("img", name="住民用ページのQRコード")
    panel = page.locator("#panel-face")
    assert_on_screen(page, page.get_by_role("button", name="🎤 マイク"), page.get_by_role("button", name="受付終了"),
                     page.get_by_role("button", name="呼び出しを取り消す"),
                     page.get_by_role("button", name="やさしい日本語で話す"), page.get_by_role("button", name="受付を終了する"),
                     page.get_by_label(CLERK_INPUT), send, page.get_by_label("住民の入力（ベトナム語）"),
                     page.get_by_role("button", name="住民の入力を送信"), panel, qr)
    if viewport[0] < viewport[1]:  # upright: the resident across the counter sees the panel above the conversation
        assert panel.bounding_box()["y"] < page.get_by_role("log").bounding_box()["y"]
    assert not errors, errors
    if viewport != (1024, 768):
        shot(page, {(768, 1024): "counter-portrait", (1024, 690): "counter-landscape-in-a-browser"}[viewport])


def test_the_microphone_buttons_say_what_they_do(live_relay: LiveRelay, new_context: Any) -> None:
    """A clerk who never had training reads, beside the buttons, what each one does."""
    page = open_counter(live_relay, new_context(viewport=(1024, 690)))
    expect(page.get_by_role("button", name="🎤 マイク")).to_have_accessible_description(
        "「🎤 マイク」：押すと話を聞き続けます。もう一度押すと止まります。")
    expect(page.get_by_role("button", name="押して話す")).to_have_accessible_description(
        "「押して話す」：押している間だけ聞きます。")
    expect(page.get_by_role("button", name="🔇 音声を止める")).to_have_accessible_description("「🔇」：読み上げを止めます。")
    for hint in ("押すと話を聞き続けます", "押している間だけ聞きます", "読み上げを止めます"):
        expect(page.get_by_text(hint)).to_be_in_viewport(ratio=1.0)


@pytest.mark.parametrize("large", [False, True], ids=["normal-text", "large-text"])
def test_resident_phone_keeps_its_box_and_buttons_on_screen(make_live_relay: MakeLiveRelay, new_context: Any,
                                                            large: bool) -> None:
    relay = make_live_relay(**QUEUE)
    counter = open_counter(relay, new_context())
    for n in range(6):  # more conversation than the screen holds
        say(counter, f"{n + 1}点目：詳しくは {ADDRESS} をご覧ください")
    phone = new_context(viewport=(360, 740), is_mobile=True, has_touch=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    phone.get_by_role("log").get_by_text("6点目").wait_for()
    if large:
        phone.get_by_label("Chữ lớn").check()
    phone.get_by_role("button", name="Gọi phiên dịch viên").click()
    phone.get_by_role("status").filter(has_text="Hiện không có phiên dịch viên").wait_for()  # nobody at work for it

    assert_on_screen(phone, phone.get_by_role("textbox"), phone.get_by_role("button", name="Gửi"),
                     phone.get_by_role("button", name="Nói"), phone.get_by_role("button", name="Gọi phiên dịch viên"))
    assert not errors, errors


@pytest.mark.parametrize("viewport", [(1024, 768), (768, 1024)], ids=["landscape", "portrait"])
def test_qr_code_is_large_enough_to_scan_from_across_the_counter(live_relay: LiveRelay, new_context: Any,
                                                                 viewport: tuple[int, int]) -> None:
    """A phone held at arm's length reads the QR code off the tablet: drawn at 190 px or more (about
    4 cm on a 10-inch tablet) at the start of a session, its quiet zone white on screen."""
    import zxingcpp

    page = open_counter(live_relay, new_context(viewport=viewport), lang="自動")  # with the 自動 notice above
    qr = page.get_by_role("img", name="住民用ページのQRコード")
    expect(qr).to_be_in_viewport(ratio=1.0)
    natural = page.evaluate("""async () => {
        const img = document.getElementById('qr-image');
        if (!img.complete || !img.naturalWidth) await new Promise((ok) => img.addEventListener('load', ok, {once: true}));
        return img.naturalWidth;
    }""")
    box = qr.bounding_box()
    assert min(box["width"], box["height"]) >= 190, box
    # the screen as a camera sees it: that square of the screenshot, one gray byte per pixel
    png = base64.b64encode(page.screenshot(clip=box)).decode()
    gray = page.evaluate("""async (png) => {
        const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        const canvas = document.createElement('canvas');
        canvas.width = bitmap.width; canvas.height = bitmap.height;
        const g = canvas.getContext('2d');
        g.drawImage(bitmap, 0, 0);
        const rgba = g.getImageData(0, 0, canvas.width, canvas.height).data;
        let out = '';
        for (let i = 0; i < rgba.length; i += 4) out += String.fromCharCode(rgba[i]);
        return {w: canvas.width, h: canvas.height, data: btoa(out)};
    }""", png)
    pixels = np.frombuffer(base64.b64decode(gray["data"]), dtype=np.uint8).reshape(gray["h"], gray["w"])
    quiet = int(4 / (natural / 8) * gray["w"]) - 1  # segno draws 8 px per module and a 4-module border
    for strip in (pixels[:quiet], pixels[-quiet:], pixels[:, :quiet], pixels[:, -quiet:]):
        assert strip.min() > 200, "the quiet zone is not white on screen"
    assert [code.text for code in zxingcpp.read_barcodes(np.ascontiguousarray(pixels))] == [resident_url(page)]
