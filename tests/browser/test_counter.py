"""The counter tablet (/counter) in real Chromium, as a clerk uses it, against a relay with fake engines."""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np
from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot, wait_until
from tests.fakes import FakeRecognizer, FakeSynthesizer, fake_engines

CLERK_INPUT = "職員の入力（日本語）"


def open_counter(relay: LiveRelay, context: Any, lang: str = "Tiếng Việt", mode: str | None = None) -> Any:
    """Provision the tablet by URL, start a session for ``lang``; returns the page."""
    page = context.new_page()
    page.goto(f"/counter#token={relay.tokens['clerk']}")
    page.get_by_label("窓口名").fill("市民課 1番")
    page.get_by_role("button", name=lang).click()
    if mode:
        page.get_by_role("button", name=mode, exact=True).click()
    page.get_by_role("button", name="受付開始").click()
    page.get_by_text("接続済み").wait_for()
    return page


def resident_url(page: Any) -> str:
    """The resident's link as IT would get it: behind 「QRコードが読めないとき」, never a link on the tablet."""
    page.get_by_text("QRコードが読めないとき").click()
    url = page.locator("#qr-url").inner_text()
    page.get_by_text("QRコードが読めないとき").click()
    return url


def say(page: Any, text: str, who: str = CLERK_INPUT) -> None:
    page.get_by_label(who).fill(text)
    page.get_by_label(who).press("Enter")


def bubbles(page: Any) -> Any:
    return page.get_by_role("log").get_by_role("listitem")


def test_wrong_token_is_refused_in_plain_words(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/counter#token=mdg_clerk_not-a-real-token")
    page.get_by_role("alert").filter(has_text="このトークンは使えません").wait_for()
    assert "token" not in page.url, "the token left the address bar"
    shot(page, "counter-signin-refused")
    page.get_by_label("職員用トークン").fill(live_relay.tokens["clerk"])
    page.get_by_role("button", name="登録する").click()
    page.get_by_role("heading", name="新しい受付を始める").wait_for()
    expect(page.get_by_role("button", name="受付開始")).to_be_visible()


def test_start_screen_names_languages_in_their_own_script(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    errors = console_errors(page)
    page.goto(f"/counter#token={live_relay.tokens['clerk']}")
    for name in ("Tiếng Việt", "ไทย", "မြန်မာ", "नेपाली", "한국어"):
        page.get_by_role("button", name=name).wait_for()  # the buttons come from /api/languages
    # the fake synthesizer has voices for ja, vi, en only: Thai is text only
    expect(page.get_by_role("button", name="ไทย")).to_contain_text("文字のみ", use_inner_text=True)
    expect(page.get_by_role("button", name="Tiếng Việt")).to_contain_text("音声・翻訳", use_inner_text=True)
    shot(page, "counter-start")
    assert not errors


def test_microphone_audio_becomes_bubbles(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    recognizer = FakeRecognizer([("ja", "住民票をお持ちですか")], utterance_bytes=32000)
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    page = open_counter(relay, new_context())
    errors = console_errors(page)
    page.get_by_role("button", name="🎤 マイク").click()
    page.get_by_role("status").filter(has_text="聞いています").or_(
        page.get_by_role("status").filter(has_text="認識中")).first.wait_for()
    first = bubbles(page).filter(has_text="住民票をお持ちですか").first
    first.wait_for()
    first.get_by_text("[vi] 住民票をお持ちですか", exact=True).wait_for()
    shot(page, "counter-listening")
    page.get_by_role("button", name="🎤 マイク").click()
    assert recognizer.audio_bytes >= 32000, "the fake microphone's audio reached the recogniser"
    assert recognizer.streams and recognizer.streams[0].sample_rate == 16000
    assert not errors


def test_resident_phone_follows_and_its_typed_text_reaches_the_counter(live_relay: LiveRelay,
                                                                       new_context: Any) -> None:
    counter = open_counter(live_relay, new_context())
    say(counter, "こちらにお名前を書いてください")
    url = resident_url(counter)
    assert url and "/resident#session=" in url

    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    phone.goto(url)
    log = phone.get_by_role("log")
    log.get_by_text("[vi] こちらにお名前を書いてください").wait_for()
    assert "token" not in phone.url, "the token left the address bar"
    expect(phone.locator("html")).to_have_attribute("lang", "vi")
    phone.get_by_placeholder("Nhập tin nhắn").fill("Tôi muốn đăng ký địa chỉ")
    phone.get_by_role("button", name="Gửi").click()
    log.get_by_text("Tôi muốn đăng ký địa chỉ").wait_for()

    resident_bubble = bubbles(counter).filter(has_text="Tôi muốn đăng ký địa chỉ")
    resident_bubble.get_by_text("[ja] Tôi muốn đăng ký địa chỉ").wait_for()
    expect(resident_bubble).to_have_attribute("data-speaker", "resident")
    for check in ("back", "[ja]"):  # the phone shows no Japanese check
        expect(log).not_to_contain_text(check, use_inner_text=True)


def test_overlapping_speech_plays_one_utterance_after_the_other(make_live_relay: MakeLiveRelay,
                                                                new_context: Any) -> None:
    synth = FakeSynthesizer(voices=("ja", "vi"), sentences=3, sentence_delay_s=0.1)
    relay = make_live_relay(fake_engines(synthesizer=synth))
    page = open_counter(relay, new_context())
    # the clerk and the resident type at the same moment: Vietnamese and Japanese speech overlap
    page.get_by_label(CLERK_INPUT).fill("少々お待ちください")
    page.get_by_label("住民の入力（ベトナム語）").fill("Cảm ơn")
    page.evaluate("""() => {
        document.getElementById('clerk-form').requestSubmit();
        document.getElementById('resident-form').requestSubmit();
    }""")
    wait_until(page, "window.madoguchi.talk.player.history.length >= 2")
    history = page.evaluate("window.madoguchi.talk.player.history")
    assert sorted(h["lang"] for h in history) == ["ja", "vi"]
    one_utterance = 3 * (synth.rate_hz // 10)
    assert [h["samples"] for h in history] == [one_utterance, one_utterance], "each utterance complete"
    assert not any(h["interrupted"] or h["muted"] for h in history)
    first, second = history
    assert second["started_at"] >= first["ended_at"] - 1e-3, "the second began after the first ended"
    assert first["ended_at"] - first["started_at"] >= 0.9 * one_utterance / synth.rate_hz, "really played"


def test_markup_in_a_transcript_is_shown_as_text_and_runs_nothing(make_live_relay: MakeLiveRelay,
                                                                   new_context: Any) -> None:
    attack = '<img src=x onerror="window.pwned=1">'
    recognizer = FakeRecognizer([("ja", attack)], utterance_bytes=16000)
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    page = open_counter(relay, new_context())
    errors = console_errors(page)
    say(page, attack)
    page.get_by_role("button", name="🎤 マイク").click()
    bubbles(page).filter(has_text=attack).nth(1).wait_for()
    page.get_by_role("button", name="🎤 マイク").click()
    page.get_by_text(f"[vi] {attack}").first.wait_for()
    expect(page.locator("#bubbles img, #panel-face img")).to_have_count(0)
    assert page.evaluate("window.pwned") is None
    once = re.compile(r"^(?![\s\S]*onerror[\s\S]*onerror)[\s\S]*onerror")  # shown as text, exactly once
    expect(page.get_by_role("region", name="住民向け表示")).to_have_text(once, use_inner_text=True)
    assert not errors


def test_reload_and_dropped_connection_lose_and_double_nothing(live_relay: LiveRelay, new_context: Any) -> None:
    context = new_context()
    page = open_counter(live_relay, context)
    for text in ("一つ目です", "二つ目です"):
        say(page, text)
        bubbles(page).filter(has_text=f"[vi] {text}").wait_for()

    page.reload()
    page.get_by_text("接続済み").wait_for()
    bubbles(page).filter(has_text="[vi] 二つ目です").wait_for()
    expect(bubbles(page)).to_have_count(2)

    url = resident_url(page)
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(url)
    phone.get_by_role("log").get_by_text("[vi] 二つ目です").wait_for()

    context.set_offline(True)
    assert live_relay.drop_connections(role="counter") == 1
    page.get_by_role("alert").filter(has_text="再接続しています").wait_for()
    phone.get_by_placeholder("Nhập tin nhắn").fill("Xin chờ một chút")
    phone.get_by_role("button", name="Gửi").click()
    phone.get_by_role("log").get_by_text("Xin chờ một chút").wait_for()
    shot(page, "counter-reconnecting")
    context.set_offline(False)
    bubbles(page).filter(has_text="[ja] Xin chờ một chút").wait_for(timeout=20_000)
    expect(page.get_by_role("alert")).to_be_hidden()
    say(page, "三つ目です")
    bubbles(page).filter(has_text="[vi] 三つ目です").wait_for()
    ids = page.eval_on_selector_all("#bubbles li", "items => items.map(li => li.dataset.utterance)")
    assert len(ids) == 4 == len(set(ids)), "every utterance once"


def test_qr_code_opens_the_resident_view(live_relay: LiveRelay, new_context: Any) -> None:
    import zxingcpp

    page = open_counter(live_relay, new_context())
    page.get_by_role("img", name="住民用ページのQRコード").wait_for()
    # the resident's token is not on the screen for anyone at the counter to photograph, nor a link to tap
    expect(page.locator("body")).not_to_contain_text("token=", use_inner_text=True)
    expect(page.get_by_role("link")).to_have_count(0)
    url = resident_url(page)
    qr = page.get_by_role("img", name="住民用ページのQRコード")
    qr.wait_for()
    wait_until(page, "document.getElementById('qr-image').naturalWidth > 0")
    # the picture as the page shows it, drawn on a canvas at 2 pixels per module, one byte per pixel
    gray = page.evaluate("""() => {
        const img = document.getElementById('qr-image');
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth / 4; canvas.height = img.naturalHeight / 4;
        const g = canvas.getContext('2d');
        g.imageSmoothingEnabled = false;
        g.fillStyle = '#fff'; g.fillRect(0, 0, canvas.width, canvas.height);
        g.drawImage(img, 0, 0, canvas.width, canvas.height);
        const rgba = g.getImageData(0, 0, canvas.width, canvas.height).data;
        let bytes = '';
        for (let i = 0; i < rgba.length; i += 4) bytes += String.fromCharCode(rgba[i]);
        return {w: canvas.width, h: canvas.height, data: btoa(bytes)};
    }""")
    pixels = np.frombuffer(base64.b64decode(gray["data"]), dtype=np.uint8).reshape(gray["h"], gray["w"])
    decoded = zxingcpp.read_barcodes(np.ascontiguousarray(pixels))
    assert [code.text for code in decoded] == [url]
    assert url.startswith(live_relay.url + "/resident#session=")
    expect(qr).to_have_attribute("src", re.compile(r"^blob:"))  # made on the relay, shown from memory


def test_microphone_resumes_after_a_drop_and_the_gap_is_reported(make_live_relay: MakeLiveRelay,
                                                                 new_context: Any) -> None:
    recognizer = FakeRecognizer([("ja", "一つ目"), ("ja", "二つ目"), ("ja", "三つ目")], utterance_bytes=32000)
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    context = new_context()
    page = open_counter(relay, context)
    page.get_by_role("button", name="🎤 マイク").click()
    bubbles(page).filter(has_text="一つ目").first.wait_for()

    context.set_offline(True)
    relay.drop_connections(role="counter")
    page.get_by_role("alert").filter(has_text="再接続しています").wait_for()
    page.wait_for_timeout(1500)  # the fake microphone keeps talking while the tablet is offline
    context.set_offline(False)
    page.get_by_role("list", name="お知らせ").get_by_text("接続が切れている間の音声は送信できませんでした").wait_for()
    streams_before = len(recognizer.streams)
    bubbles(page).filter(has_text="三つ目").first.wait_for()
    assert len(recognizer.streams) >= streams_before and len(recognizer.streams) >= 2, "a new audio stream"
    expect(page.get_by_role("button", name="🎤 マイク")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="🎤 マイク").click()
    ids = page.eval_on_selector_all("#bubbles li", "items => items.map(li => li.dataset.utterance)")
    assert len(ids) == len(set(ids))


def test_resident_speaks_on_the_phone(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    recognizer = FakeRecognizer([("vi", "Tôi cần giấy chứng nhận cư trú")], utterance_bytes=32000)
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    counter = open_counter(relay, new_context())
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("button", name="Nói").click()
    expect(phone.get_by_role("button", name="Nói xong")).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("log").get_by_text("Tôi cần giấy chứng nhận cư trú").first.wait_for()
    phone.get_by_role("button", name="Nói xong").click()
    said = bubbles(counter).filter(has_text="[ja] Tôi cần giấy chứng nhận cư trú").first
    said.wait_for()
    expect(said).to_have_attribute("data-speaker", "resident")
    assert recognizer.streams and recognizer.streams[0].languages == ["vi"], "a resident's stream is theirs"


def test_clerk_interrupts_the_speech(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    synth = FakeSynthesizer(voices=("vi",), sentences=30)  # three seconds of speech
    relay = make_live_relay(fake_engines(synthesizer=synth))
    page = open_counter(relay, new_context())
    say(page, "本日の手続きについてご説明します")
    page.get_by_role("status").filter(has_text="話しています").wait_for()
    page.get_by_role("button", name="🔇 音声を止める").click()
    page.get_by_role("status").filter(has_text="待機中").wait_for()
    history = wait_until(page, "window.madoguchi.talk.player.history")
    assert history[0]["interrupted"] is True
    expect(page.get_by_role("button", name="🔇 音声を止める")).to_be_disabled()


def test_push_to_talk_with_the_keyboard(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    recognizer = FakeRecognizer([("ja", "押して話しました")])  # one utterance per audio.start … audio.stop
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    page = open_counter(relay, new_context())
    page.get_by_role("button", name="押して話す").focus()
    page.keyboard.down(" ")
    page.get_by_role("status").filter(has_text="聞いています").or_(
        page.get_by_role("status").filter(has_text="認識中")).first.wait_for()
    wait_until(page, "document.getElementById('meter-bar').style.width !== '0%'")
    page.wait_for_timeout(800)
    page.keyboard.up(" ")
    bubbles(page).filter(has_text="押して話しました").get_by_text("[vi] 押して話しました", exact=True).wait_for()
    page.get_by_role("status").filter(has_text="待機中").wait_for()
    assert len(recognizer.streams) == 1 and recognizer.audio_bytes > 0
