"""Speech shown as a partial line that gives no final (the recogniser's guard dropped it, or the microphone
stopped first) never vanishes without a word: the speaker's screen keeps a greyed line asking to say it
again or type it — the phone in the resident's language, the tablet in Japanese."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from pipelines.asr.quality import GUARD_CODES
from tests.browser.conftest import MakeLiveRelay, console_errors
from tests.browser.test_counter import bubbles, open_counter, resident_url
from tests.fakes import FakeRecognizer, fake_engines

TABLET_LINE = "聞き取れませんでした。もう一度話すか、入力してください。"


def test_the_phone_says_in_its_language_that_the_resident_was_not_understood(make_live_relay: MakeLiveRelay,
                                                                             new_context: Any) -> None:
    recognizer = FakeRecognizer([("vi", "")], dropped=GUARD_CODES["loop"])  # a loop, dropped at the end
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    counter = open_counter(relay, new_context())
    phone = new_context(viewport=(390, 844), is_mobile=True).new_page()
    errors = console_errors(phone)
    phone.goto(resident_url(counter))
    phone.get_by_role("button", name="Nói").click()
    bubbles(phone).first.wait_for()  # the partial line while the resident speaks
    phone.get_by_role("button", name="Nói xong").click()
    line = bubbles(phone).filter(has_text="Không nghe rõ. Vui lòng nói lại hoặc nhập tin nhắn.")
    expect(line).to_be_visible()
    expect(line.get_by_text("Không nghe rõ.")).to_have_attribute("lang", "vi")
    expect(line).to_have_class("bubble resident unheard")  # greyed: not something the staff got
    expect(bubbles(counter)).to_have_count(0)  # the tablet clears the partial; it was not said on record
    expect(counter.get_by_text(TABLET_LINE)).to_have_count(0)
    assert not errors, errors


def test_the_tablet_keeps_a_greyed_line_when_push_to_talk_gives_no_final(make_live_relay: MakeLiveRelay,
                                                                          new_context: Any) -> None:
    recognizer = FakeRecognizer([("ja", "住民票の")], final_on_finish=False)  # released before any final
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    page = open_counter(relay, new_context())
    errors = console_errors(page)
    page.get_by_role("button", name="押して話す").focus()
    page.keyboard.down(" ")
    bubbles(page).filter(has_text="住民").first.wait_for()  # the partial line while the clerk holds it
    page.keyboard.up(" ")
    line = bubbles(page).filter(has_text=TABLET_LINE)
    expect(line).to_be_visible()
    expect(line).to_have_attribute("data-speaker", "clerk")
    # who spoke was told from the language heard (the microphone's speaker: auto): unnamed, in neither column
    expect(line).to_have_class("bubble clerk unheard guessed")
    expect(page.get_by_role("status").filter(has_text="待機中")).to_be_visible()
    assert not errors, errors


def test_an_early_guess_at_who_speaks_is_not_shown_as_a_name(make_live_relay: MakeLiveRelay,
                                                             new_context: Any) -> None:
    """The tablet's microphone tells who speaks from the language heard; the first syllables of the
    clerk's Japanese may be taken for Vietnamese. That partial line is named neither 住民 on the tablet nor
    shown on the phone as the resident's own words: the transcript says who it was."""
    recognizer = FakeRecognizer([("ja", "転入の手続きをお願いします")], partial_lang="vi")
    relay = make_live_relay(fake_engines(recognizer=recognizer))
    page = open_counter(relay, new_context())
    phone = new_context(viewport=(390, 844), is_mobile=True).new_page()
    phone.goto(resident_url(page))
    phone.get_by_role("button", name="Gửi").wait_for()
    errors = console_errors(page)
    page.get_by_role("button", name="押して話す").focus()
    page.keyboard.down(" ")
    line = bubbles(page).filter(has_text="転入の手続")
    expect(line).to_have_class("bubble resident partial guessed")  # heard as Vietnamese so far
    expect(line).to_have_text("転入の手続き …", use_inner_text=True)  # the words only: no 住民 before them
    phone.get_by_placeholder("Nhập tin nhắn").fill("Xin chào")  # sent after the partial, so seen after it
    phone.get_by_role("button", name="Gửi").click()
    expect(bubbles(phone).filter(has_text="Xin chào")).to_be_visible()
    expect(bubbles(phone).filter(has_text="転入の手続")).to_have_count(0)  # never "Bạn: 転入の手続き …"
    page.keyboard.up(" ")
    expect(line).to_have_attribute("data-speaker", "clerk")  # the transcript: the clerk, named
    expect(line.get_by_text("職員", exact=True)).to_be_visible()
    expect(phone.get_by_text("[vi] 転入の手続きをお願いします")).to_be_visible()  # what the phone got
    expect(bubbles(phone)).to_have_count(2)
    assert not errors, errors
