"""Typed text is never lost when the relay cannot store it: the counter tablet and the resident's phone
keep each text, tell the person it is not recorded yet, and send it again by themselves (with the same
client_id, so it is stored once) when the store is back — also across a reload of the tablet."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from relay.storage.store import Store
from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, in_a_while, shot
from tests.browser.test_counter import CLERK_INPUT, bubbles, open_counter, resident_url, say
from tests.fakes import FakeRecognizer, fake_engines

PENDING = "まだ記録されていない入力"


async def _store_writable(store: Store, writable: bool) -> None:
    """The database refuses writes exactly as a read-only file does (SQLITE_READONLY), as in
    tests/relay/test_faults.py."""
    def pragma() -> None:
        assert store._db is not None
        store._db.execute(f"PRAGMA query_only = {'OFF' if writable else 'ON'}")

    await store._run(pragma)


def _with_clock(context: Any) -> Any:
    """A context whose pages' timers the test can move on (``in_a_while``): the pages poll /healthz every
    few seconds to see the store back, and resend then; the test does not wait for that poll for real."""
    context.clock.install()
    return context


def _stored_texts(relay: LiveRelay, session_id: str) -> list[str]:
    return [u["text"] for u in relay.api("GET", f"/api/sessions/{session_id}/transcript")["utterances"]]


def test_texts_typed_while_the_store_is_down_wait_and_are_stored_once(live_relay: LiveRelay,
                                                                       new_context: Any) -> None:
    counter = open_counter(live_relay, _with_clock(new_context()))
    errors = console_errors(counter)
    say(counter, "こんにちは")
    bubbles(counter).filter(has_text="[vi] こんにちは").wait_for()
    phone = _with_clock(new_context(viewport=(390, 844), is_mobile=True)).new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("log").get_by_text("[vi] こんにちは").wait_for()
    session_id = counter.evaluate("window.madoguchi.talk.session.session_id")

    live_relay.call(_store_writable(live_relay.ctx.store, False))
    say(counter, "住所変更の手続きです")
    pending = counter.get_by_role("region", name=PENDING)
    pending.get_by_role("listitem").filter(has_text="住所変更の手続きです").wait_for()
    expect(pending).to_contain_text("直りしだい自動で送ります", use_inner_text=True)  # the clerk is told it will be sent by itself
    counter.get_by_role("list", name="お知らせ").get_by_text("会話を記録できません").wait_for()
    expect(counter.get_by_label(CLERK_INPUT)).to_have_value("")  # the box is free for the next text
    phone.get_by_placeholder("Nhập tin nhắn").fill("Tôi đã chuyển nhà")
    phone.get_by_role("button", name="Gửi").click()
    phone_pending = phone.get_by_role("list", name="Chưa gửi được. Tin nhắn sẽ được gửi tự động.")
    phone_pending.get_by_text("Tôi đã chuyển nhà").wait_for()  # told in Vietnamese, not lost
    expect(bubbles(counter)).to_have_count(1)  # nothing is shown as said before it is recorded
    shot(counter, "counter-not-recorded")

    live_relay.call(_store_writable(live_relay.ctx.store, True))  # the disk is back; nobody touches a page
    in_a_while([counter, phone], expect(bubbles(counter).filter(has_text="Tôi đã chuyển nhà")).to_be_visible)
    bubbles(counter).filter(has_text="[vi] 住所変更の手続きです").wait_for()
    bubbles(counter).filter(has_text="Tôi đã chuyển nhà").wait_for()
    phone.get_by_role("log").get_by_text("[vi] 住所変更の手続きです").wait_for()
    pending.wait_for(state="hidden")
    phone_pending.wait_for(state="hidden")
    counter.get_by_role("list", name="お知らせ").get_by_text("復旧しました").wait_for()
    assert sorted(_stored_texts(live_relay, session_id)) == sorted(
        ["こんにちは", "住所変更の手続きです", "Tôi đã chuyển nhà"]), "each text stored exactly once"
    expect(bubbles(counter)).to_have_count(3)
    assert not errors


def test_a_reload_while_a_text_waits_keeps_it_and_sends_it_once(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, _with_clock(new_context()))
    session_id = counter.evaluate("window.madoguchi.talk.session.session_id")
    live_relay.call(_store_writable(live_relay.ctx.store, False))
    say(counter, "印鑑をお持ちですか")
    counter.get_by_role("region", name=PENDING).get_by_text("印鑑をお持ちですか").wait_for()

    counter.reload()  # the relay refuses new connections (1013) while it cannot store: the page waits
    counter.get_by_role("region", name=PENDING).get_by_text("印鑑をお持ちですか").wait_for()
    counter.get_by_text("接続が戻ったら自動で送ります").wait_for()
    live_relay.call(_store_writable(live_relay.ctx.store, True))
    in_a_while(counter, expect(bubbles(counter).filter(has_text="[vi] 印鑑をお持ちですか")).to_be_visible)
    counter.get_by_role("region", name=PENDING).wait_for(state="hidden")
    assert _stored_texts(live_relay, session_id) == ["印鑑をお持ちですか"]
    expect(bubbles(counter)).to_have_count(1)


def test_speech_that_cannot_be_stored_is_kept_and_sent_as_typed_text(make_live_relay: MakeLiveRelay,
                                                                      new_context: Any) -> None:
    recognizer = FakeRecognizer([("ja", "転入届を出してください")], utterance_bytes=32000)
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    counter = open_counter(relay, _with_clock(new_context()))
    errors = console_errors(counter)
    session_id = counter.evaluate("window.madoguchi.talk.session.session_id")
    relay.call(_store_writable(relay.ctx.store, False))
    counter.get_by_role("button", name="🎤 マイク").click()
    pending = counter.get_by_role("region", name=PENDING)
    spoken = pending.get_by_role("listitem").filter(has_text="転入届を出してください").first
    spoken.wait_for()
    counter.get_by_role("button", name="🎤 マイク").click()
    counter.get_by_role("list", name="お知らせ").get_by_text("もう一度話さなくても送れます").wait_for()
    # nothing is shown as said before it is recorded. Waited for, not counted at once: the fake microphone
    # loops, and a repeat heard before the microphone stopped shows its partial line until its final comes
    # back unrecorded too (under load that was after the notice); a bubble shown as said would stay
    expect(bubbles(counter)).to_have_count(0)
    shot(counter, "counter-speech-not-recorded")

    spoken.get_by_role("button", name="文字で送る").click()  # the store is still down: it waits as typed text
    pending.get_by_role("listitem").filter(has_text="未保存").filter(has_text="転入届を出してください").wait_for()
    # the fake microphone loops: its later repeats of the sentence are dropped, one by one from the top (the
    # list is drawn again after each, so a locator taken before a click may point past its end)
    repeats = pending.get_by_role("button", name="「転入届を出してください」を送らずに消す")
    for _ in range(20):
        if repeats.count() == 0:
            break
        repeats.first.click()
    relay.call(_store_writable(relay.ctx.store, True))
    in_a_while(counter, expect(bubbles(counter).filter(has_text="[vi] 転入届を出してください")).to_be_visible)
    pending.wait_for(state="hidden")
    assert _stored_texts(relay, session_id) == ["転入届を出してください"], "stored once, as typed text"
    assert not errors, errors


def test_the_residents_speech_that_cannot_be_stored_waits_in_the_message_box(make_live_relay: MakeLiveRelay,
                                                                              new_context: Any) -> None:
    recognizer = FakeRecognizer([("vi", "Tôi muốn đăng ký chuyển đến")], utterance_bytes=32000)
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    counter = open_counter(relay, new_context())
    phone = new_context(viewport=(390, 844), is_mobile=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    phone.get_by_role("button", name="Nói").wait_for()
    relay.call(_store_writable(relay.ctx.store, False))
    phone.get_by_role("button", name="Nói").click()
    box = phone.get_by_role("textbox")
    expect(box).to_have_value("Tôi muốn đăng ký chuyển đến")  # nothing to say again: one tap on Gửi
    phone.get_by_role("button", name="Nói xong").click()
    expect(phone.get_by_role("status")).to_have_text(
        "Lời bạn nói chưa gửi được. Nội dung đã ở trong ô tin nhắn: hãy bấm Gửi.")  # not a failed tap on Gửi
    expect(phone.get_by_role("log").get_by_text("Tôi muốn đăng ký chuyển đến")).to_have_count(0)

    relay.call(_store_writable(relay.ctx.store, True))
    phone.get_by_role("button", name="Gửi").click()
    bubbles(counter).filter(has_text="[ja] Tôi muốn đăng ký chuyển đến").wait_for()
    expect(phone.get_by_text("Lời bạn nói chưa gửi được")).to_be_hidden()  # once it is in, no stale warning
    assert not errors, errors
