"""The resident's language, as the resident sets it: on the phone at any time (🌐, also to やさしい日本語), and
by touch on the tablet's resident panel for a resident without a smartphone (each language in its own
script; nothing but that choice while the language is 自動). Speech on the phone is offered only in a
language the relay has a voice for."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot
from tests.browser.phrases import PhraseTranslator
from tests.browser.test_counter import open_counter, resident_url, say
from tests.fakes import fake_engines

SENTENCE = "住民票の写しを発行します。本人確認書類をお持ちですか。"


def test_resident_changes_its_language_on_the_phone_at_any_time(make_live_relay: MakeLiveRelay,
                                                                new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=PhraseTranslator()))  # voices: ja, vi, en
    counter = open_counter(relay, new_context())  # the clerk picked Tiếng Việt
    notices = counter.get_by_role("list", name="お知らせ")
    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    expect(phone.get_by_label("Phát giọng nói trên điện thoại này")).to_be_visible()  # a Vietnamese voice exists

    phone.get_by_role("button", name="🌐 Tiếng Việt").click()  # the wrong language: the resident reads Thai
    choices = phone.get_by_role("region", name="Chọn ngôn ngữ của bạn")
    expect(choices.get_by_role("button", name="Tiếng Việt")).to_have_attribute("aria-pressed", "true")
    expect(choices.get_by_role("button", name="やさしい日本語")).to_be_visible()
    shot(phone, "resident-phone-language")
    choices.get_by_role("button", name="ไทย").click()
    expect(phone.get_by_role("button", name="ส่ง")).to_be_visible()  # the page now speaks Thai
    expect(choices).to_be_hidden()
    expect(phone.get_by_role("button", name="🌐 ไทย")).to_be_visible()
    expect(phone.get_by_label("เปิดเสียงบนโทรศัพท์เครื่องนี้")).to_be_hidden()  # no Thai voice: not offered
    notices.get_by_text("住民の言語をタイ語に変えました（住民がスマートフォンで選びました）").wait_for()
    say(counter, SENTENCE)
    expect(phone.get_by_role("log")).to_contain_text("เราจะออกสำเนาทะเบียนผู้พักอาศัยให้")

    # a resident who reads Japanese best: easy Japanese, with furigana
    phone.get_by_role("button", name="🌐 ไทย").click()
    phone.get_by_role("button", name="やさしい日本語").click()
    expect(phone.get_by_role("button", name="おくる")).to_be_visible()  # the page's own words in easy Japanese too
    notices.get_by_text("住民の言語をやさしい日本語に変えました（住民がスマートフォンで選びました）").wait_for()
    expect(phone.get_by_label("この でんわで こえを きく")).to_be_visible()  # Japanese has a voice
    say(counter, "在留カードを見せてください。")
    easy = phone.get_by_role("log").get_by_role("listitem").filter(has_text="在留カード")
    expect(easy.locator("ruby rt").first).to_be_attached()
    assert not errors, errors


# kanji a resident who asked for easy Japanese has no furigana for: visible text outside <ruby>, not in
# the conversation (the relay's easy-Japanese engine writes that) and not the session's language name
BARE_KANJI = """() => {
  const bare = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent.closest('#bubbles, ruby') || !parent.checkVisibility()) continue;
    if (/[\u4e00-\u9fff]/.test(node.data)) bare.push(node.data.trim());
  }
  return bare;
}"""


def test_the_phone_speaks_easy_japanese_to_whoever_chose_it(live_relay: LiveRelay, new_context: Any) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator

    live_relay.ctx.engines.easy_japanese = EasyJapaneseTranslator(None)  # the real rewriter, for the screenshot
    live_relay.ctx.pipeline.engines.easy_japanese = live_relay.ctx.engines.easy_japanese
    counter = open_counter(live_relay, new_context(), lang="自動")
    phone = new_context(viewport=(360, 640), is_mobile=True, has_touch=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    choices = phone.get_by_role("region", name="Choose your language")
    # on a small phone the whole choice, the message box and the buttons are on its screen
    for control in (choices.get_by_role("button", name="やさしい日本語"), phone.get_by_role("button", name="Send"),
                    phone.get_by_role("button", name="Call an interpreter")):
        expect(control).to_be_in_viewport(ratio=1)
    choices.get_by_role("button", name="やさしい日本語").click()
    counter.get_by_role("list", name="お知らせ").get_by_text(
        "住民の言語はやさしい日本語です（住民がスマートフォンで選びました）。職員の言葉をやさしい日本語にして伝えます。").wait_for()
    expect(phone.get_by_role("log")).to_contain_text("まって ください。")  # not an empty box: what happens next
    # controls in kana, short and plain (no 送信, 通訳者を呼ぶ, この電話で音声を聞く)
    for name in ("おくる", "はなす", "つうやくの ひとを よぶ", "🌐 やさしい日本語"):
        expect(phone.get_by_role("button", name=name, exact=True)).to_be_visible()
    expect(phone.get_by_label("おおきい もじ")).to_be_visible()
    expect(phone.get_by_role("textbox")).to_have_attribute("placeholder", "ここに かいて ください")
    expect(phone.get_by_role("heading", level=1).locator("ruby rt").first).to_have_text("まどぐち")
    assert phone.evaluate(BARE_KANJI) == []

    phone.get_by_role("button", name="つうやくの ひとを よぶ").click()  # a status line: easy words, furigana
    status = phone.get_by_role("status").filter(has_text="つうやく")
    expect(status.locator("ruby rt").first).to_be_attached()
    expect(status).not_to_contain_text("通訳者")
    assert phone.evaluate(BARE_KANJI) == []
    say(counter, "在留カードを見せてください。")
    expect(phone.get_by_role("log").get_by_role("listitem")).to_have_count(1)
    expect(phone.get_by_role("log").get_by_text("まって ください。")).to_be_hidden()
    shot(phone, "resident-phone-easy-japanese")

    counter.get_by_role("button", name="受付終了").click()  # the end, and the page after it
    counter.get_by_role("dialog").get_by_role("button", name="終了する").click()
    ended = phone.get_by_role("status")  # and what was said stays readable until the page is closed
    expect(ended).to_contain_text("はなしは おわりました。この ページを とじるまで、したで よむ ことが できます。")
    phone.reload()
    expect(ended).to_contain_text("この ページを とじるまで")
    expect(ended).to_contain_text("あたらしい QRコードを よんで ください")
    assert phone.evaluate(BARE_KANJI) == []
    assert not errors, errors


def test_resident_without_a_phone_chooses_its_language_on_the_tablet(live_relay: LiveRelay, new_context: Any) -> None:
    counter = open_counter(live_relay, new_context(), lang="自動")
    errors = console_errors(counter)
    notices = counter.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("住民向け画面（🌐）で言語を選ぶ")  # the clerk is told where, no training
    panel = counter.get_by_role("region", name="住民向け表示")
    languages = panel.get_by_role("group", name="言語 · Language")
    for name in ("Tiếng Việt", "नेपाली", "Português", "ไทย", "한국어", "やさしい日本語"):
        expect(languages.get_by_role("button", name=name)).to_be_visible()
    expect(panel).not_to_contain_text("Please wait")  # no guessed language while it is unknown
    shot(counter, "counter-auto-language")
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()  # the call's state, in no guessed language
    status = panel.locator(".panel-status")
    expect(status.locator(".panel-icon")).to_be_visible()  # a pictogram, then やさしい日本語 with furigana
    expect(status.locator("[lang=ja] ruby rt").first).to_be_attached()
    expect(status).not_to_have_text(re.compile(r"[A-Za-z]"), use_inner_text=True)  # no Latin letters: no guessed language

    languages.get_by_role("button", name="नेपाली").click()
    notices.get_by_text("住民の言語はネパール語です（住民向け画面で選びました）").wait_for()
    expect(languages).to_be_hidden()
    expect(panel.get_by_text("कृपया पर्खनुहोस्")).to_be_visible()  # the panel now speaks Nepali
    say(counter, "お名前を書いてください")
    expect(panel.locator(".panel-main")).to_have_text("[ne] お名前を書いてください")

    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    phone.goto(resident_url(counter))
    expect(phone.get_by_role("button", name="पठाउनुहोस्")).to_be_visible()
    expect(phone.get_by_label("यो फोनमा आवाज सुन्नुहोस्")).to_be_hidden()  # there is no Nepali voice

    panel.get_by_role("button", name="🌐 नेपाली").click()  # chose wrongly: changed again by touch
    panel.get_by_role("button", name="Tiếng Việt").click()
    notices.get_by_text("住民の言語をベトナム語に変えました（住民向け画面で選びました）").wait_for()
    expect(phone.get_by_role("button", name="Gửi")).to_be_visible()

    with counter.context.expect_page() as second_screen:  # the panel on a second screen takes touches too
        counter.get_by_role("button", name="別画面に表示").click()
    window = second_screen.value
    window.get_by_role("button", name="🌐 Tiếng Việt").click()
    window.get_by_role("button", name="ไทย").click()
    notices.get_by_text("住民の言語をタイ語に変えました（住民向け画面で選びました）").wait_for()
    expect(window.get_by_role("button", name="🌐 ไทย")).to_be_visible()
    assert not errors, errors
