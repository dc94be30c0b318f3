"""The resident's phone around an interpreter call and the end of the conversation: a call pressed by
mistake is withdrawn from the phone, in the resident's language (and in やさしい日本語); an ended
conversation is said plainly, stays readable, and leaves no control that still looks usable."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot
from tests.browser.phrases import PhraseTranslator
from tests.browser.test_counter import open_counter, resident_url, say
from tests.browser.test_resident_language import BARE_KANJI
from tests.fakes import fake_engines

# how many lines a control's text takes on the screen
LINES = "e => { const r = document.createRange(); r.selectNodeContents(e); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; }"
QUEUE = {"queue": {"offer_timeout_s": 5.0, "max_wait_s": 120.0}}
SENTENCE = "住民票の写しを発行します。本人確認書類をお持ちですか。"


def test_the_resident_withdraws_a_call_pressed_by_mistake(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(**QUEUE)
    counter = open_counter(relay, new_context())
    phone = new_context(viewport=(360, 740), is_mobile=True, has_touch=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    call = phone.get_by_role("button", name="Gọi phiên dịch viên", exact=True)
    call.click()  # nobody at work covers Vietnamese: the phone says so (the call still waits)
    phone.get_by_role("status").filter(has_text="Hiện không có phiên dịch viên").wait_for()
    called = counter.locator("#escalation-text")  # the clerk pressed nothing: told who called
    expect(called).to_have_text(re.compile(r"^住民がスマートフォンで通訳者を呼んでいます（1番目"))
    withdraw = phone.get_by_role("button", name="Hủy gọi phiên dịch viên")
    expect(withdraw).to_be_in_viewport(ratio=1)
    assert withdraw.evaluate(LINES) == 1
    expect(call).to_be_hidden()  # in its place, not beside it: one thing to press
    withdraw.click()
    expect(phone.get_by_role("status")).to_have_text("Đã hủy gọi phiên dịch viên.")
    expect(phone.get_by_role("status")).to_have_attribute("lang", "vi")
    withdrawn = counter.get_by_role("status").filter(has_text="住民がスマートフォンで通訳者の呼び出しを取り消しました")
    withdrawn.wait_for()
    expect(counter.get_by_role("button", name="呼び出しを取り消す")).to_be_hidden()
    expect(withdraw).to_be_hidden()
    counter.reload()  # the tablet still knows who withdrew it (the relay's replay says so)
    expect(withdrawn).to_be_visible()
    expect(call).to_be_enabled()  # the resident can still call, on purpose this time
    call.click()
    phone.get_by_role("status").filter(has_text="Hiện không có phiên dịch viên").wait_for()
    counter.reload()  # still said after a reload: the relay's replay says whose button it was
    expect(called).to_have_text(re.compile(r"^住民がスマートフォンで通訳者を呼んでいます（1番目"))
    counter.get_by_role("button", name="呼び出しを取り消す").click()  # the clerk's own: said as the clerk's
    counter.get_by_role("status").filter(has_text="通訳者の呼び出しを取り消しました。").wait_for()
    expect(counter.get_by_role("status").filter(has_text="住民が")).to_have_count(0)
    expect(phone.get_by_role("status")).to_have_text("Đã hủy gọi phiên dịch viên.")
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()  # the clerk's own call names nobody
    expect(called).to_have_text(re.compile(r"^通訳者を呼んでいます（1番目"))
    assert not errors, errors


def test_the_resident_withdraws_a_call_in_easy_japanese(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(**QUEUE)
    session = relay.create_session("ja", "easy_japanese")
    phone = new_context(viewport=(360, 640), is_mobile=True, has_touch=True).new_page()
    phone.goto(session["resident_url"])
    phone.get_by_role("button", name="つうやくの ひとを よぶ").click()
    phone.get_by_role("status").filter(has_text="は いません").wait_for()  # nobody at work for the language: told so
    withdraw = phone.get_by_role("button", name="つうやくを よぶのを やめる")  # a control in kana
    expect(withdraw).to_be_in_viewport(ratio=1)
    assert withdraw.evaluate(LINES) == 1, "read on one line, not broken into three"
    expect(phone.get_by_role("button", name="はなす")).to_be_in_viewport(ratio=1)
    expect(phone.get_by_role("textbox")).to_be_in_viewport(ratio=1)
    withdraw.click()
    status = phone.get_by_role("status").filter(has_text="よぶのを やめました")
    expect(status.locator("ruby rt").first).to_have_text("つうやく")  # furigana, as every phone string
    assert phone.evaluate(BARE_KANJI) == []
    expect(phone.get_by_role("button", name="つうやくの ひとを よぶ", exact=True)).to_be_visible()


def test_an_ended_conversation_is_said_plainly_and_stays_readable(make_live_relay: MakeLiveRelay,
                                                                  new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()))
    counter = open_counter(relay, new_context())
    say(counter, SENTENCE)
    phone = new_context(viewport=(360, 640), is_mobile=True, has_touch=True).new_page()
    errors = console_errors(phone)
    link = resident_url(counter)
    phone.goto(link)
    said = phone.get_by_role("log").get_by_text("Chúng tôi sẽ cấp")
    said.wait_for()
    counter.get_by_role("button", name="受付終了").click()
    counter.get_by_role("dialog").get_by_role("button", name="終了する").click()

    ended = phone.get_by_role("status").filter(has_text="Cuộc hội thoại đã kết thúc")
    expect(ended).to_be_in_viewport(ratio=1)
    expect(ended).to_contain_text("cho đến khi đóng trang này")  # readable here until the page is closed
    expect(said).to_be_visible()  # what the clerk said is still there to read
    assert said.evaluate("e => getComputedStyle(e.closest('.log')).opacity") == "1"
    for control in (phone.get_by_role("textbox"), phone.get_by_role("button", name="Gửi"),
                    phone.get_by_role("button", name="Nói"), phone.get_by_role("button", name="Gọi phiên dịch viên", exact=True)):
        expect(control).to_be_hidden()  # nothing greyed that still looks like it could be pressed
    expect(phone.get_by_label("Chữ lớn")).to_be_enabled()  # reading it larger still works
    shot(phone, "resident-phone-closed")

    phone.reload()  # (a phone's browser may reload a tab by itself) the token is gone with the session:
    expect(ended).to_contain_text("cho đến khi đóng trang này")  # the relay has nothing more, the phone does
    expect(said).to_be_visible()  # what the clerk said, still there to read again
    expect(phone.get_by_role("log").get_by_role("listitem")).to_have_count(1)  # once, nothing doubled
    expect(phone.get_by_role("textbox")).to_be_hidden()
    expect(phone.locator("main button:visible")).to_have_count(0)
    phone.goto(link)  # a QR code scanned again in the same tab: what was kept goes (here: the dead link's)
    expect(phone.get_by_role("status")).to_contain_text("Cuộc hội thoại đã kết thúc")
    expect(phone.get_by_role("status")).not_to_contain_text("cho đến khi đóng trang này")
    expect(said).to_be_hidden()
    assert not errors, errors


def test_an_ended_conversation_in_easy_japanese(live_relay: LiveRelay, new_context: Any) -> None:
    session = live_relay.create_session("ja", "easy_japanese")
    phone = new_context(viewport=(360, 640), is_mobile=True, has_touch=True).new_page()
    phone.goto(session["resident_url"])
    phone.get_by_role("button", name="おくる").wait_for()
    live_relay.api("POST", f"/api/sessions/{session['session_id']}/close")
    expect(phone.get_by_role("status")).to_have_text("はなしは おわりました。ありがとう ございました。")
    expect(phone.get_by_role("button", name="おくる")).to_be_hidden()
    expect(phone.get_by_role("log")).to_be_hidden()  # nothing was said: no empty box either
    phone.reload()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("あたらしい QRコードを よんで ください")
    expect(status.locator("ruby rt")).to_have_text(["まどぐち"])
    assert phone.evaluate(BARE_KANJI) == []
