"""The counter's other duties: calling an interpreter, engine trouble, やさしい日本語, the resident panel,
the end of a session; and the resident's phone in several scripts."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.sync_api import expect

from pipelines.base import MissingEngine
from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot, wait_until
from tests.browser.phrases import ANSWERS, PhraseTranslator
from tests.browser.test_counter import CLERK_INPUT, bubbles, open_counter, resident_url, say
from tests.browser.test_resident_call_and_end import LINES
from tests.fakes import FakeTranslator, fake_engines

QUEUE = {"queue": {"offer_timeout_s": 5.0, "max_wait_s": 60.0, "wrap_up_s": 0.0}}
SENTENCE = "住民票の写しを発行します。本人確認書類をお持ちですか。"


class Operator:
    """An interpreter's console, as a websocket client on the relay's own loop."""

    def __init__(self, relay: LiveRelay, lang: str) -> None:
        self.relay, self.lang = relay, lang
        self.seen: list[dict[str, Any]] = []

    def run(self, coro: Any) -> Any:
        return self.relay.call(coro)

    async def connect(self) -> None:
        self.http = aiohttp.ClientSession()
        self.ws = await self.http.ws_connect(self.relay.url + "/ws")
        await self.send(type="hello", protocol=1, role="operator", token=self.relay.tokens["operator"])
        await self.expect("welcome")
        await self.send(type="operator.state", state="available", languages=[self.lang])

    async def send(self, **message: Any) -> None:
        await self.ws.send_str(json.dumps(message, ensure_ascii=False))

    async def expect(self, type_: str, **fields: Any) -> dict[str, Any]:
        async with asyncio.timeout(15):
            while True:
                msg = await self.ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    if msg.type == aiohttp.WSMsgType.BINARY:
                        continue
                    raise AssertionError(f"operator socket closed: {msg}")
                body = json.loads(msg.data)
                self.seen.append(body)
                if body["type"] == type_ and all(body.get(k) == v for k, v in fields.items()):
                    return body

    async def close(self) -> None:
        await self.ws.close()
        await self.http.close()


def test_calling_an_interpreter_shows_each_state(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()), **QUEUE)
    counter = open_counter(relay, new_context())
    say(counter, SENTENCE)
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("log").get_by_text("Chúng tôi sẽ cấp").wait_for()

    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    # nobody signed in covers Vietnamese: said, and the call still waits
    counter.get_by_role("status").filter(has_text="通訳者を呼んでいます（1番目）が、今はベトナム語の通訳者がいません").wait_for()
    phone.get_by_role("status").filter(has_text="Hiện không có phiên dịch viên cho ngôn ngữ của bạn").wait_for()
    expect(phone.get_by_role("status").filter(has_text="Hiện không có")).to_have_attribute("lang", "vi")
    shot(counter, "counter-escalation-queued")
    shot(phone, "resident-phone-queued")
    counter.get_by_role("button", name="呼び出しを取り消す").click()
    counter.get_by_role("status").filter(has_text="取り消しました").wait_for()

    operator = Operator(relay, "vi")
    operator.run(operator.connect())
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    session_id = relay.call(_only_session(relay))
    operator.run(operator.expect("escalation", state="offered", session_id=session_id))
    operator.run(operator.send(type="accept", session_id=session_id))
    history = operator.run(operator.expect("transcript"))
    counter.get_by_role("status").filter(has_text="通訳者と接続中").wait_for()
    # the interpreter corrects the AI's translation: every screen shows the correction
    operator.run(operator.send(type="text", speaker="operator", lang="vi", replaces=history["utterance_id"],
                               text="Chúng tôi sẽ cấp bản sao phiếu cư trú. Xin cho xem thẻ cư trú hoặc bằng lái xe."))
    corrected = bubbles(counter).filter(has_text="通訳者の訂正")
    corrected.get_by_text("bằng lái xe").wait_for()
    assert "line-through" in corrected.locator(".replaced .text").evaluate("e => getComputedStyle(e).textDecorationLine")
    phone.get_by_role("log").get_by_text("bằng lái xe").wait_for()
    shot(counter, "counter-operator-correction")
    # the interpreter's voice plays on the tablet as it comes
    operator.run(operator.send(type="audio.start", sample_rate=24000))
    operator.run(operator.ws.send_bytes(b"\x10\x00" * 2400))
    operator.run(operator.send(type="audio.stop"))
    assert wait_until(counter, "window.madoguchi.talk.player.liveSamples") == 2400
    operator.run(operator.send(type="release", to="ai"))
    counter.get_by_role("status").filter(has_text="AI翻訳に戻ります").wait_for()
    operator.run(operator.close())


async def _only_session(relay: LiveRelay) -> str:
    (conversation,) = relay.ctx.hub.open_sessions()
    return conversation.id


def test_engine_trouble_is_told_in_plain_japanese(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    engines = fake_engines(translator=FakeTranslator(fail=True))
    engines.recognizer = MissingEngine("asr", "no Whisper model installed under /var/lib/madoguchi")  # type: ignore[assignment]
    relay = make_live_relay(engines)
    page = open_counter(relay, new_context())
    notices = page.get_by_role("list", name="お知らせ")
    notices.get_by_text("音声認識が使えません（モデル未導入）。文字入力（筆談）を使ってください。").wait_for()
    say(page, "住民票ですね")
    notices.get_by_text("翻訳または音声認識がうまく動きませんでした").wait_for()
    sentence = page.get_by_role("listitem").filter(has_text="住民票ですね")
    sentence.get_by_text("翻訳できず、住民の方には届いていません").wait_for()  # which sentence never reached them
    for raw in ("fake translator failure", "Whisper"):  # no raw engine message
        expect(page.locator("body")).not_to_contain_text(raw, use_inner_text=True)
    shot(page, "counter-engine-trouble")


def test_an_untranslated_sentence_is_still_marked_after_a_reload(make_live_relay: MakeLiveRelay,
                                                                  new_context: Any) -> None:
    """The clerk must still know, after a reload, which sentences never reached the other side; the resident
    is told on the phone which of their own words the staff never got."""
    page = open_counter(make_live_relay(fake_engines(translator=FakeTranslator(fail=True))), new_context())
    say(page, "住民票ですね")
    say(page, "Cảm ơn", who="住民の入力（ベトナム語）")
    clerk, resident = bubbles(page).filter(has_text="住民票ですね"), bubbles(page).filter(has_text="Cảm ơn")
    expect(clerk.get_by_text("⚠ 翻訳できず、住民の方には届いていません")).to_be_visible()
    expect(resident.get_by_text("⚠ 日本語に翻訳できませんでした")).to_be_visible()
    page.reload()
    expect(page.get_by_text("接続済み")).to_be_visible()
    expect(clerk.get_by_text("⚠ 翻訳できず、住民の方には届いていません")).to_be_visible()
    expect(resident.get_by_text("⚠ 日本語に翻訳できませんでした")).to_be_visible()
    expect(bubbles(page).get_by_text("⚠", exact=False)).to_have_count(2)  # each sentence marked once
    # the resident's phone says so on the resident's own words, in their language, also those said before
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(page))
    not_sent = "⚠ Không dịch được sang tiếng Nhật: nhân viên chưa nhận được tin nhắn này."
    expect(phone.get_by_role("log").get_by_role("listitem").filter(has_text="Cảm ơn")).to_contain_text(not_sent)
    phone.get_by_placeholder("Nhập tin nhắn").fill("Tôi không hiểu")
    phone.get_by_role("button", name="Gửi").click()
    expect(phone.get_by_role("log").get_by_role("listitem").filter(has_text="Tôi không hiểu")).to_contain_text(not_sent)
    expect(phone.get_by_role("log").get_by_text(not_sent)).to_have_count(2)  # never on what the clerk said
    shot(phone, "resident-phone-untranslated")
    page.get_by_role("button", name="受付終了").click()
    page.get_by_role("dialog").get_by_role("button", name="終了する").click()
    expect(phone.get_by_role("status")).to_contain_text("Cuộc hội thoại đã kết thúc")
    phone.reload()  # the conversation read again after the end: still marked
    expect(phone.get_by_role("log").get_by_role("listitem").filter(has_text="Tôi không hiểu")).to_contain_text(not_sent)
    expect(phone.get_by_role("log").get_by_text(not_sent)).to_have_count(2)


def test_the_resident_panel_never_shows_the_last_sentence_as_if_it_were_one_that_failed(
        make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    """A resident reading the tablet's panel must not take the previous sentence for the one the clerk just
    said and the relay could not translate: the panel says, in their language, that it did not come through."""
    translator = FakeTranslator()
    page = open_counter(make_live_relay(fake_engines(translator=translator)), new_context())
    panel = page.get_by_role("region", name="住民向け表示")
    say(page, "住民票ですね")
    expect(panel).to_contain_text("[vi] 住民票ですね")
    translator.fail = True
    say(page, "印鑑はお持ちですか")
    lost = "Không dịch được lời nhân viên vừa nói"
    expect(panel).to_contain_text(lost)
    expect(panel).not_to_contain_text("住民票ですね")
    page.reload()  # replayed from the stored events: the same
    expect(page.get_by_text("接続済み")).to_be_visible()
    expect(panel).to_contain_text(lost)
    expect(panel).not_to_contain_text("住民票ですね")
    translator.fail = False
    say(page, "こちらにお名前を")
    expect(panel).to_contain_text("[vi] こちらにお名前を")
    expect(panel).not_to_contain_text(lost)


def test_easy_japanese_with_furigana_toggle(live_relay: LiveRelay, new_context: Any) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator

    live_relay.ctx.engines.easy_japanese = EasyJapaneseTranslator(None)
    live_relay.ctx.pipeline.engines.easy_japanese = live_relay.ctx.engines.easy_japanese
    page = open_counter(live_relay, new_context(), lang="自動", mode="やさしい日本語")
    notices = page.get_by_role("list", name="お知らせ")  # the language unknown, yet the words reach the panel
    expect(notices).to_contain_text("職員の言葉は、それまでやさしい日本語で住民向け画面に出ます。")
    expect(notices).not_to_contain_text("翻訳されません")
    say(page, "転入届をご提出ください。")
    easy = bubbles(page).locator(".kind-easy_japanese")
    easy.locator("ruby rt").first.wait_for()
    expect(easy).not_to_contain_text("ご提出", use_inner_text=True)
    panel = page.get_by_role("region", name="住民向け表示")
    expect(panel.locator("ruby rt").first).to_be_attached()
    shot(page, "counter-easy-japanese")
    page.get_by_label("ふりがな").uncheck()
    expect(easy.locator("rt")).to_have_count(0)
    expect(panel.locator("rt")).to_have_count(0)
    page.get_by_label("ふりがな").check()
    expect(easy.locator("rt").first).to_be_attached()
    # 分かち書き: a space between phrases, on request
    without = easy.locator(".text").evaluate("e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')")
    page.get_by_label("分かち書き").check()
    spaced = easy.locator(".text").evaluate("e => [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')")
    assert spaced.count(" ") > without.count(" ")
    assert panel.locator(".panel-main").inner_text().count(" ") >= spaced.count(" ") - without.count(" ")
    shot(page, "counter-easy-japanese-wakachi")


def test_resident_panel_turns_and_opens_on_a_second_screen(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()))
    context = new_context()
    page = open_counter(relay, context)
    say(page, SENTENCE)
    panel = page.get_by_role("region", name="住民向け表示")
    panel.get_by_text("Chúng tôi sẽ cấp").wait_for()
    page.get_by_role("button", name="↻ 180°回転").click()
    face = page.locator("#panel-face")
    wait_until(page, "getComputedStyle(document.getElementById('panel-face')).transform.startsWith('matrix(-1')")
    expect(page.get_by_role("button", name="↻ 180°回転")).to_have_attribute("aria-pressed", "true")
    shot(page, "counter-panel-rotated")
    page.get_by_role("button", name="↻ 180°回転").click()
    # turned back before the next click: mid-turn the panel's corners sweep over its own buttons, and a
    # click Playwright aimed at ⇋ then lands on the panel (under load it did, and nothing was mirrored)
    wait_until(page, "getComputedStyle(document.getElementById('panel-face')).transform === 'none'")
    page.get_by_role("button", name="⇋ 鏡像").click()
    expect(face).to_have_class(re.compile(r"\bmirrored\b"))
    with context.expect_page() as popup_info:
        page.get_by_role("button", name="別画面に表示").click()
    popup = popup_info.value
    popup.set_viewport_size({"width": 1024, "height": 600})
    popup.get_by_text("Chúng tôi sẽ cấp").wait_for()
    say(page, "在留カードを見せてください。")
    popup.get_by_text("Vui lòng cho tôi xem thẻ cư trú.").wait_for()
    expect(popup.locator(".panel-main")).to_have_attribute("lang", "vi")
    shot(popup, "counter-panel-second-screen")


def test_end_of_session_summary_downloads_and_next(make_live_relay: MakeLiveRelay, new_context: Any,
                                                   tmp_path: Path) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()))
    context = new_context(accept_downloads=True)
    page = open_counter(relay, context)
    say(page, SENTENCE)
    phone = new_context(viewport=(390, 844)).new_page()
    url = resident_url(page)
    token = url.split("token=")[1].split("&")[0]
    phone.goto(url)
    phone.get_by_placeholder("Nhập tin nhắn").fill(ANSWERS["vi"])
    phone.get_by_role("button", name="Gửi").click()
    bubbles(page).filter(has_text="はい、これが私の在留カードです。").wait_for()
    phone.get_by_role("log").get_by_text(ANSWERS["vi"]).wait_for()
    shot(page, "counter-conversation")
    shot(phone, "resident-phone-vi")

    page.get_by_role("button", name="受付終了").click()
    page.get_by_role("dialog").get_by_role("button", name="終了する").click()
    page.get_by_role("heading", name="受付の記録").wait_for()
    summary = page.locator("#summary")
    summary.get_by_text("2件（職員 1・住民 1・通訳者 0）").wait_for()
    expect(summary).to_contain_text("ベトナム語", use_inner_text=True)
    shot(page, "counter-summary")

    phone.get_by_role("status").filter(has_text="Cuộc hội thoại đã kết thúc").wait_for()
    kept = phone.evaluate("Object.values(sessionStorage).join(' ') + Object.values(localStorage).join(' ')")
    assert token not in kept, "the phone forgot the token"
    expect(phone.get_by_role("button", name="Gửi")).to_be_hidden()

    for fmt in ("csv", "txt", "json"):
        with page.expect_download() as info:
            page.get_by_role("button", name=f"記録をダウンロード（{ {'csv': 'CSV・Excel用', 'txt': 'テキスト', 'json': 'JSON'}[fmt]}）").click()
        path = tmp_path / f"t.{fmt}"
        info.value.save_as(path)
        raw = path.read_bytes()
        if fmt == "csv":
            assert raw.startswith(b"\xef\xbb\xbf"), "Excel in Japanese needs the UTF-8 BOM"
        assert SENTENCE in raw.decode("utf-8-sig")
    page.get_by_role("button", name="次の方へ").click()
    page.get_by_role("heading", name="新しい受付を始める").wait_for()
    expect(page.get_by_label("窓口名")).to_have_value("市民課 1番")  # the counter name is remembered


LINE_ENDS = """(el) => {
  const ends = []; let top = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let prev = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && top !== null && rect.top > top + 2) ends.push(prev);
      if (rect) top = rect.top;
      prev = node.data[i];
    }
  }
  return ends;
}"""
"""The character before each line break of an element's text (as the browser laid it out)."""


@pytest.mark.parametrize(("lang", "button"), [("th", "ไทย"), ("my", "မြန်မာဘာသာ"), ("ne", "नेपाली"), ("ko", "한국어")])
def test_resident_phone_in_its_own_script(make_live_relay: MakeLiveRelay, new_context: Any, lang: str,
                                          button: str) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()))
    counter = open_counter(relay, new_context(), lang=button)
    say(counter, SENTENCE)
    phone = new_context(viewport=(390, 844)).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    phone.get_by_role("log").get_by_role("listitem").first.wait_for()
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    expect(phone.locator(".bubble .text").first).to_have_attribute("lang", lang)
    phone.locator("#type-text").fill(ANSWERS[lang])
    phone.locator("#type-form button").click()
    bubbles(counter).filter(has_text="はい、これが私の在留カードです。").wait_for()
    phone.get_by_role("log").get_by_text(ANSWERS[lang]).wait_for()
    shot(phone, f"resident-phone-{lang}")
    if lang == "my":
        shot(counter, "counter-conversation-my")
    if lang == "ko":  # Korean is written with spaces between words: a line that breaks inside one is hard to read
        ends = phone.locator(".bubble .text").first.evaluate(LINE_ENDS)
        assert ends, "the clerk's sentence wraps on a phone"
        assert all(ch.isspace() for ch in ends), f"lines end inside a word: {ends}"
    assert not errors
    expect(counter.get_by_label(CLERK_INPUT)).to_be_visible()


def test_a_language_without_translation_is_called_for_and_said_so(make_live_relay: MakeLiveRelay,
                                                                  new_context: Any) -> None:
    """Nepali with no translation model, in 翻訳, and nobody at work for Nepali: the relay calls nobody by
    itself (a call nobody answers only alarmed everyone); the notice says what still works and to call one if
    needed; once the clerk calls, it is not told to press 「通訳者を呼ぶ」 (disabled: one is called)."""
    translator = FakeTranslator(missing=[("ja", "ne"), ("ne", "ja")])
    relay = make_live_relay(fake_engines(translator=translator), queue={"max_wait_s": 120.0})
    page = open_counter(relay, new_context(), lang="नेपाली", mode="翻訳")
    notices = page.get_by_role("list", name="お知らせ")
    say(page, "こんにちは")  # translated into nothing: the notice says what still works
    expect(notices).to_contain_text("ネパール語の翻訳は入っていません。翻訳されるのは定型文だけです")
    expect(notices).to_contain_text("必要なら「通訳者を呼ぶ」を押してください。")
    expect(page.locator("#escalation")).to_be_hidden()  # nobody called by itself
    page.get_by_role("button", name="通訳者を呼ぶ", exact=True).click()
    call = page.get_by_role("status").filter(has_text="通訳者を呼んでいます")
    expect(call).to_contain_text("今はネパール語の通訳者がいません")
    expect(page.get_by_role("button", name="通訳者を呼ぶ", exact=True)).to_be_disabled()
    # nobody at work covers Nepali: the notice does not promise the interpreter the call bar says is not there
    expect(notices).to_contain_text("通訳者を呼んでいますが、今はネパール語の通訳者がいません。")
    expect(notices).not_to_contain_text("通訳者が対応します")
    expect(notices).not_to_contain_text("押してください")
    withdraw = page.get_by_role("button", name="呼び出しを取り消す")
    assert withdraw.evaluate(LINES) == 1, "its name on one line, not broken inside 取り消す"
    withdraw.click()
    expect(notices).to_contain_text("必要なら「通訳者を呼ぶ」を押してください。")  # now it may be called again
