"""What the review found on the pages between and around sessions: a quick tap on 押して話す, notices of
the last session, a session the interpreter ended, a new QR code scanned in the same tab, a reload after
the end, the resident link on the tablet."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, MakeLiveRelay, wait_until
from tests.browser.test_counter import open_counter, resident_url, say
from tests.fakes import FakeRecognizer, fake_engines


def close_as(relay: LiveRelay, session_id: str, reason: str) -> None:
    async def close() -> None:
        session = await relay.ctx.hub.get(session_id)
        assert session is not None
        await relay.ctx.close_session(session, reason)

    relay.call(close())


def test_a_quick_tap_on_push_to_talk_does_not_leave_the_microphone_on(make_live_relay: MakeLiveRelay,
                                                                      new_context: Any) -> None:
    recognizer = FakeRecognizer([("ja", "押して話しました")])
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    page = open_counter(relay, new_context())
    ptt = page.get_by_role("button", name="押して話す")
    # pressed and released before the microphone has opened (the first tap opens it)
    ptt.evaluate("""b => { b.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true}));
                           b.dispatchEvent(new PointerEvent('pointerup', {bubbles: true})); }""")
    wait_until(page, "window.madoguchi.talk.mic.capture.running")
    page.wait_for_timeout(1000)  # frames flow from the fake microphone: none may be sent
    expect(page.get_by_role("status").filter(has_text="待機中")).to_have_count(1)
    expect(ptt).to_have_attribute("aria-pressed", "false")
    assert not recognizer.streams, "nothing was recorded after the release"
    ptt.dispatch_event("pointerdown")
    expect(ptt).to_have_attribute("aria-pressed", "true")  # held: shown pressed
    page.get_by_role("status").filter(has_text="聞いています").or_(
        page.get_by_role("status").filter(has_text="認識中")).first.wait_for()
    ptt.dispatch_event("pointerup")
    expect(ptt).to_have_attribute("aria-pressed", "false")


def test_the_interpreter_ending_is_said_and_no_notice_carries_into_the_next_session(live_relay: LiveRelay,
                                                                                     new_context: Any) -> None:
    page = open_counter(live_relay, new_context())
    page.get_by_role("button", name="通訳者を呼ぶ").first.click()
    escalation = page.locator("#escalation")
    escalation.wait_for()
    session_id = page.evaluate("window.madoguchi.talk.session.session_id")
    close_as(live_relay, session_id, "closed by the interpreter")
    page.get_by_role("heading", name="受付の記録").wait_for()
    page.get_by_role("status").filter(has_text="通訳者が受付を終了しました").wait_for()

    page.get_by_role("button", name="次の方へ").click()
    page.get_by_role("button", name="Tiếng Việt").click()
    page.get_by_role("button", name="受付開始").click()
    page.get_by_text("接続済み").wait_for()
    expect(escalation).to_be_hidden()  # the last session's interpreter line is gone
    expect(page.get_by_role("button", name="通訳者を呼ぶ").first).to_be_enabled()


def test_a_new_qr_code_in_the_same_phone_tab_opens_the_new_conversation(live_relay: LiveRelay,
                                                                        new_context: Any) -> None:
    first = live_relay.create_session("vi")
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(first["resident_url"])
    phone.get_by_role("button", name="Gửi").wait_for()
    live_relay.api("POST", f"/api/sessions/{first['session_id']}/close")
    phone.get_by_role("status").filter(has_text="Cuộc hội thoại đã kết thúc").wait_for()

    counter = open_counter(live_relay, new_context())
    phone.goto(resident_url(counter))  # the same tab: only the fragment changes
    say(counter, "次の方どうぞ")
    phone.get_by_role("log").get_by_text("[vi] 次の方どうぞ").wait_for()
    expect(phone.get_by_role("button", name="Gửi")).to_be_enabled()


def test_after_the_end_a_reload_says_so_in_the_residents_language(live_relay: LiveRelay, new_context: Any) -> None:
    session = live_relay.create_session("vi")
    context = new_context(viewport=(390, 844), locale="en-US")
    phone = context.new_page()
    phone.goto(session["resident_url"])
    phone.get_by_role("button", name="Gửi").wait_for()
    live_relay.api("POST", f"/api/sessions/{session['session_id']}/close")
    phone.get_by_role("status").filter(has_text="Cuộc hội thoại đã kết thúc").wait_for()
    phone.reload()  # the ended conversation, not a bad link, and in Vietnamese although the phone is English
    phone.get_by_role("status").filter(has_text="Để nói chuyện tiếp, hãy quét mã QR mới").wait_for()
    expect(phone.get_by_role("textbox")).to_be_hidden()
    # the bare link (where the short address /j leads), in a new tab of the same phone: its language is
    # known, and with no conversation here it asks for the number shown at the counter
    bare = context.new_page()
    bare.goto("/resident")
    expect(bare.get_by_role("heading", name="Nhập mã số hiển thị trên màn hình tại quầy")).to_be_visible()
    expect(bare.get_by_label("Mã số (6 chữ số)")).to_be_visible()
    expect(bare.get_by_role("button", name="Gửi")).to_be_hidden()


def test_the_right_provisioning_link_after_a_wrong_one_in_the_same_tab(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/counter#token=mdg_clerk_not-a-real-token")
    page.get_by_role("alert").filter(has_text="このトークンは使えません").wait_for()
    page.goto(f"/counter#token={live_relay.tokens['clerk']}")  # the same tab: only the fragment changes
    page.get_by_role("heading", name="新しい受付を始める").wait_for()
    assert "token" not in page.url
