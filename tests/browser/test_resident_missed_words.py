"""The staff's words that the relay could not translate: the resident's phone says so, in the resident's
language, until the next translation comes — also after a reload — and shows nothing of what was said."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors, shot
from tests.browser.test_counter import open_counter, resident_url, say
from tests.fakes import FakeEasyJapanese, FakeTranslator, fake_engines

MISSED_VI = "⚠ Không dịch được lời nhân viên vừa nói. Vui lòng chờ một chút."


def test_the_phone_says_when_the_staff_s_last_words_could_not_be_translated(make_live_relay: MakeLiveRelay,
                                                                            new_context: Any) -> None:
    translator = FakeTranslator()
    counter = open_counter(make_live_relay(fake_engines(translator=translator)), new_context())
    phone = new_context(viewport=(390, 844)).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    log = phone.get_by_role("log")
    say(counter, "住民票ですね")
    expect(log).to_contain_text("[vi] 住民票ですね")
    translator.fail = True
    say(counter, "印鑑はお持ちですか")
    missed = log.get_by_role("listitem").filter(has_text=MISSED_VI)
    expect(missed).to_be_visible()
    expect(missed.get_by_text(MISSED_VI)).to_have_attribute("lang", "vi")
    expect(missed).to_contain_text("Nhân viên")  # from the staff, where their next line would have been
    expect(log).not_to_contain_text("印鑑")  # nothing the clerk said reaches the phone
    shot(phone, "resident-phone-staff-untranslated")
    phone.reload()  # replayed from the stored event: said again, once
    expect(log.get_by_text(MISSED_VI)).to_have_count(1)
    expect(log).to_contain_text("[vi] 住民票ですね")

    translator.fail = False
    say(counter, "こちらにお名前を")
    expect(log).to_contain_text("[vi] こちらにお名前を")
    expect(log.get_by_text(MISSED_VI)).to_have_count(0)  # the next translation came: nothing to wait for
    phone.reload()
    expect(log).to_contain_text("[vi] こちらにお名前を")
    expect(log.get_by_text(MISSED_VI)).to_have_count(0)
    assert not errors, errors


def test_a_phone_in_easy_japanese_is_told_with_furigana(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    rewriter = FakeEasyJapanese(fail=True)
    counter = open_counter(make_live_relay(fake_engines(easy_japanese=rewriter)), new_context())
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    phone.get_by_role("button", name="🌐 Tiếng Việt").click()
    phone.get_by_role("button", name="やさしい日本語").click()
    expect(phone.get_by_role("button", name="おくる")).to_be_visible()
    counter.get_by_role("list", name="お知らせ").get_by_text("住民の言語をやさしい日本語に変えました").wait_for()
    say(counter, "印鑑はお持ちですか")
    missed = phone.get_by_role("log").get_by_role("listitem").filter(has_text="ほんやく できませんでした")
    expect(missed).to_be_visible()
    expect(missed.locator("ruby", has_text="係").locator("rt")).to_have_text("かかり")
    expect(missed).to_contain_text("かかりの ひと")  # who it was from, in the phone's easy words
    expect(phone.get_by_role("log")).not_to_contain_text("印鑑")
    rewriter.fail = False
    say(counter, "こちらにお名前を")
    expect(phone.get_by_role("log").get_by_role("listitem").filter(has_text="お名前を")).to_be_visible()
    expect(missed).to_have_count(0)
