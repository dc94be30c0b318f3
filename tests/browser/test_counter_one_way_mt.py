"""A translation model installed one way only (Argos packages are per direction: vi→ja without ja→vi):
the counter says which side's words are translated and which side's reach the other as fixed phrases
only, offers the phrases to tap only when the clerk's words need them, and the language picker says it
before the session starts (`GET /api/languages`: `mt`)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors, shot
from tests.browser.test_counter import CLERK_INPUT, bubbles, resident_url, say
from tests.browser.test_counter_flows import QUEUE, Operator, _only_session
from tests.fakes import FakeTranslator, fake_engines

RESIDENT_INPUT = "住民の入力（ベトナム語）"


def _start(relay: Any, context: Any, label: str) -> Any:
    page = context.new_page()
    page.goto(f"/counter#token={relay.tokens['clerk']}")
    page.get_by_label("窓口名").fill("市民課 1番")
    vietnamese = page.get_by_role("button", name=f"Tiếng Việt（ベトナム語・{label}）")
    expect(vietnamese).to_be_visible()  # said before the session starts
    vietnamese.click()
    page.get_by_role("button", name="翻訳", exact=True).click()  # one way only starts in やさしい日本語 otherwise
    page.get_by_role("button", name="受付開始").click()
    page.get_by_text("接続済み").wait_for()
    return page


def test_the_resident_s_words_translate_and_the_clerk_s_are_fixed_phrases(make_live_relay: MakeLiveRelay,
                                                                           new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi")])),
                            queue={"max_wait_s": 120.0})
    page = _start(relay, new_context(), "翻訳は住民→職員のみ")
    errors = console_errors(page)
    notices = page.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("ベトナム語の翻訳は片方向だけです。住民の言葉は翻訳されます。職員の言葉は定型文だけです")
    expect(notices).not_to_contain_text("翻訳は入っていません")
    expect(page.get_by_role("list", name="定型文")).to_be_visible()  # what still reaches the resident
    say(page, "Tôi muốn đổi địa chỉ", RESIDENT_INPUT)
    expect(bubbles(page).filter(has_text="Tôi muốn đổi địa chỉ")).to_contain_text("[ja] Tôi muốn đổi địa chỉ")
    assert not errors, errors


def test_the_clerk_s_words_translate_and_the_resident_s_are_fixed_phrases(make_live_relay: MakeLiveRelay,
                                                                           new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("vi", "ja")])),
                            queue={"max_wait_s": 120.0})
    page = _start(relay, new_context(), "翻訳は職員→住民のみ")
    errors = console_errors(page)
    notices = page.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("ベトナム語の翻訳は片方向だけです。職員の言葉は翻訳されます。住民の言葉は定型文と同じ文だけ")
    say(page, "住所変更の手続きですね", CLERK_INPUT)
    expect(bubbles(page).filter(has_text="住所変更の手続きですね")).to_contain_text("[vi] 住所変更の手続きですね")
    expect(page.get_by_role("list", name="定型文")).to_be_hidden()  # the clerk's words need no phrase list
    assert not errors, errors


def test_the_call_bar_says_the_language_translates_one_way(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    """The relay calls an interpreter by itself for a language that does not translate both ways: the call
    bar says why in those words, and back from the interpreter it says which side is translated."""
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi")])), **QUEUE)
    operator = Operator(relay, "vi")
    operator.run(operator.connect())
    operator.run(operator.expect("operator.status", state="available"))  # at work before the session starts
    page = _start(relay, new_context(), "翻訳は住民→職員のみ")
    errors = console_errors(page)
    session_id = relay.call(_only_session(relay))
    operator.run(operator.expect("escalation", state="offered", session_id=session_id))
    call_bar = page.get_by_role("status").filter(has_text="通訳者")
    expect(call_bar).to_contain_text("この言語は片方向しか翻訳できないため、自動で")
    operator.run(operator.send(type="accept", session_id=session_id))
    page.get_by_role("status").filter(has_text="通訳者と接続中").wait_for()
    operator.run(operator.send(type="release", to="ai"))
    expect(page.get_by_role("status").filter(has_text="通訳者が退出しました")).to_contain_text(
        "通訳者が退出しました。住民の言葉は翻訳されます。職員の言葉は定型文だけです。")
    operator.run(operator.close())
    assert not errors, errors


def test_the_resident_is_told_in_their_language_what_they_will_see(make_live_relay: MakeLiveRelay,
                                                                    new_context: Any) -> None:
    """vi→ja without ja→vi: the phone and the tablet's resident panel say, in Vietnamese, that the staff's
    words reach the resident only as fixed phrases (not the staff's words silently missing); a language
    translated both ways says nothing of the kind."""
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi")])),
                            queue={"max_wait_s": 120.0})
    page = _start(relay, new_context(), "翻訳は住民→職員のみ")
    errors = console_errors(page)
    one_way = "Lời của bạn được dịch cho nhân viên. Lời của nhân viên chỉ được dịch nếu là câu mẫu"
    panel = page.get_by_role("region", name="住民向け表示")
    expect(panel.locator("[lang=vi]").filter(has_text=one_way)).to_be_visible()

    phone = new_context(viewport=(360, 740), is_mobile=True, has_touch=True).new_page()
    phone.goto(resident_url(page))
    note = phone.get_by_text(one_way)
    expect(note).to_have_attribute("lang", "vi")
    say(page, "住所変更の手続きですね", CLERK_INPUT)  # no phrase: marked on the phone, as the note said
    expect(phone.get_by_text("Không dịch được lời nhân viên vừa nói")).to_be_visible()
    expect(note).to_be_visible()
    # the clerk calls an interpreter (nobody covers Vietnamese: the relay calls nobody by itself): not
    # "machine translation continues"
    page.get_by_role("button", name="通訳者を呼ぶ", exact=True).click()
    expect(phone.get_by_role("status")).to_have_text(
        "Hiện không có phiên dịch viên cho ngôn ngữ của bạn. Chỉ dịch được các câu mẫu.")
    shot(phone, "resident-phone-one-way")

    phone.get_by_role("button", name="🌐 Tiếng Việt").click()  # Thai translates both ways: nothing to say
    phone.get_by_role("button", name="ไทย").click()
    expect(phone.get_by_role("button", name="🌐 ไทย")).to_be_visible()
    expect(phone.locator("#mt-note")).to_be_hidden()
    expect(panel.get_by_text(one_way)).to_be_hidden()
    expect(panel.locator(".panel-note")).to_have_count(0)
    assert not errors, errors


def test_a_call_replayed_before_the_languages_are_known_is_worded_again(make_live_relay: MakeLiveRelay,
                                                                        new_context: Any) -> None:
    """After a reload the relay replays the call before the tablet has heard which way Vietnamese
    translates: once it has, the call bar and the resident's panel say it again in those words (they
    stayed with "the AI translation goes on" — 「Tiếp tục dịch máy」 — for the resident)."""
    relay = make_live_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi")])),
                            queue={"max_wait_s": 120.0})
    page = _start(relay, new_context(), "翻訳は住民→職員のみ")
    page.get_by_role("button", name="通訳者を呼ぶ", exact=True).click()  # nobody covers it: the clerk's own call
    call_bar = page.get_by_role("status").filter(has_text="通訳者")
    expect(call_bar).to_contain_text("今はベトナム語の通訳者がいません")
    held: list[Any] = []
    page.route("**/api/languages", lambda route: held.append(route))  # the list comes when the test lets it
    page.reload()
    page.get_by_text("接続済み").wait_for()
    panel_status = page.get_by_role("region", name="住民向け表示").locator(".panel-status")
    expect(panel_status).to_contain_text("Hiện không có phiên dịch viên")  # the replayed call, worded without the list
    assert held, "the tablet asked for the languages"
    held[0].continue_()
    expect(call_bar).to_contain_text("今はベトナム語の通訳者がいません")
    expect(panel_status).to_have_text("🚫Hiện không có phiên dịch viên cho ngôn ngữ của bạn. Chỉ dịch được các câu mẫu.")
