"""The resident's language, as the resident sets it: on the phone at any time (🌐, also to やさしい日本語), and
by touch on the tablet's resident panel for a resident without a smartphone (each language in its own
script; nothing but that choice while the language is 自動). Speech on the phone is offered only in a
language the relay has a voice for."""

from __future__ import annotations

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
    expect(phone.get_by_role("button", name="送信")).to_be_visible()
    notices.get_by_text("住民の言語をやさしい日本語に変えました（住民がスマートフォンで選びました）").wait_for()
    expect(phone.get_by_label("この電話で音声を聞く")).to_be_visible()  # Japanese has a voice
    say(counter, "在留カードを見せてください。")
    easy = phone.get_by_role("log").get_by_role("listitem").filter(has_text="在留カード")
    expect(easy.locator("ruby rt").first).to_be_attached()
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
