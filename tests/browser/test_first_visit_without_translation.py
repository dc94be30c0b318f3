"""A first-time clerk with the README's default install (no translation model: every resident language is
定型文のみ) and no interpreter at work: the tablet starts such a language in やさしい日本語 and says why, nobody
is called by itself, one calm notice says what reaches whom, the fixed phrases still reach the resident in
their language; the mode is on screen all the visit and switches both ways; the phone keeps its newest
line in view."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import MakeLiveRelay, console_errors, shot
from tests.browser.test_counter import CLERK_INPUT, bubbles, resident_url, say
from tests.browser.test_counter_phrasebook_only import phrasebook_only
from tests.fakes import fake_engines


def _start_vietnamese(relay: Any, context: Any) -> Any:
    page = context.new_page()
    page.goto(f"/counter#token={relay.tokens['clerk']}")
    page.get_by_label("窓口名").fill("市民課 1番")
    page.get_by_role("button", name="Tiếng Việt").click()
    return page


def _visit_with_phone(make_live_relay: MakeLiveRelay, new_context: Any) -> tuple[Any, Any]:
    """A Vietnamese visit started on the tablet (in its default mode) and the resident's phone joined."""
    counter = _start_vietnamese(make_live_relay(fake_engines(translator=phrasebook_only())), new_context())
    counter.get_by_role("button", name="受付開始").click()
    counter.get_by_text("接続済み").wait_for()
    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    return counter, phone


def test_a_language_without_translation_starts_in_easy_japanese_and_calls_nobody(
        make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator

    # the real rewriter: its screenshots in the docs show what a resident reads, not a fake's tag
    relay = make_live_relay(fake_engines(translator=phrasebook_only(), easy_japanese=EasyJapaneseTranslator(None)))
    counter = _start_vietnamese(relay, new_context(viewport=(1280, 800)))
    errors = console_errors(counter)
    expect(counter.get_by_role("status").filter(has_text="機械翻訳が入っていない")).to_have_text(
        "ベトナム語は機械翻訳が入っていないため、やさしい日本語で話します。定型文はベトナム語で伝わります。")
    expect(counter.get_by_role("button", name="やさしい日本語", exact=True)).to_have_attribute("aria-pressed", "true")
    shot(counter, "counter-start-no-translation")
    counter.get_by_role("button", name="受付開始").click()
    counter.get_by_text("接続済み").wait_for()

    mode = counter.get_by_role("group", name="話し方")
    expect(mode.get_by_role("button", name="やさしい日本語")).to_have_attribute("aria-pressed", "true")
    notices = counter.get_by_role("list", name="お知らせ")
    expect(notices).to_contain_text("職員の言葉はやさしい日本語で伝えます")
    expect(notices.get_by_role("listitem")).to_have_count(1)
    expect(notices.locator(".bad")).to_have_count(0)  # nothing red: nothing is lost the clerk could avoid

    phone = new_context(viewport=(390, 844)).new_page()
    phone.goto(resident_url(counter))
    counter.get_by_role("list", name="定型文").get_by_role("button", name="少々お待ちください。").click()
    phone.get_by_role("log").get_by_text("Xin vui lòng chờ một chút.").wait_for()  # still in Vietnamese
    say(counter, "来週の月曜日にもう一度来てください。", CLERK_INPUT)
    expect(bubbles(counter).filter(has_text="来週の月曜日")).to_contain_text("やさしい日本語")
    expect(bubbles(counter).filter(has_text="来週の月曜日")).not_to_contain_text("届いていません")
    expect(counter.locator("#escalation")).to_be_hidden()  # nobody was called by itself
    expect(counter.get_by_role("button", name="通訳者を呼ぶ", exact=True)).to_be_enabled()
    expect(phone.get_by_role("button", name="Hủy gọi phiên dịch viên")).to_have_count(0)
    shot(counter, "counter-no-translation-easy-japanese")
    shot(phone, "resident-phone-no-translation-easy-japanese")
    assert not errors, errors


def test_the_clerk_switches_the_mode_both_ways_during_a_visit(make_live_relay: MakeLiveRelay,
                                                              new_context: Any) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator

    relay = make_live_relay(fake_engines(translator=phrasebook_only(), easy_japanese=EasyJapaneseTranslator(None)))
    counter = _start_vietnamese(relay, new_context(viewport=(800, 1280)))
    counter.get_by_role("button", name="受付開始").click()
    counter.get_by_text("接続済み").wait_for()
    mode = counter.get_by_role("group", name="話し方")
    notices = counter.get_by_role("list", name="お知らせ")
    mode.get_by_role("button", name="翻訳").click()
    expect(mode.get_by_role("button", name="翻訳")).to_have_attribute("aria-pressed", "true")
    expect(notices).to_contain_text("それ以外の文は住民に届きません")  # true in 翻訳, said there only
    say(counter, "来週の月曜日にもう一度来てください。", CLERK_INPUT)
    expect(bubbles(counter).filter(has_text="来週の月曜日")).to_contain_text("届いていません")
    mode.get_by_role("button", name="やさしい日本語").click()
    expect(mode.get_by_role("button", name="やさしい日本語")).to_have_attribute("aria-pressed", "true")
    expect(notices).not_to_contain_text("それ以外の文は住民に届きません")
    say(counter, "こちらの申請書に記入してください。", CLERK_INPUT)
    expect(bubbles(counter).filter(has_text="申請書")).to_contain_text("やさしい日本語")
    shot(counter, "counter-mode-switch-portrait")


def test_the_phone_keeps_its_newest_line_in_view(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    counter, phone = _visit_with_phone(make_live_relay, new_context)
    for n in range(6):
        say(counter, f"{n + 1}番目の説明です。書類を出すときは、この紙に名前と住所を書いてください。", CLERK_INPUT)
        phone.get_by_role("log").get_by_text(f"{n + 1}番目").wait_for()
    phone.get_by_role("textbox").fill("Tôi muốn đổi địa chỉ nhà của tôi.")
    phone.get_by_role("textbox").press("Enter")
    newest = phone.get_by_role("log").get_by_role("listitem").last
    expect(newest).to_contain_text("Tôi muốn đổi địa chỉ")
    expect(newest.locator(".untranslated")).to_be_in_viewport(ratio=1)  # its '⚠ not translated', not under the input row
    # and what the resident can do about it, not only that the staff did not get it
    expect(newest).to_contain_text("Nếu có thể, hãy viết lại bằng tiếng Nhật đơn giản hoặc tiếng Anh.")


def test_the_phone_offers_no_cancel_for_the_clerk_s_call(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    counter, phone = _visit_with_phone(make_live_relay, new_context)
    counter.get_by_role("button", name="通訳者を呼ぶ", exact=True).click()
    counter.get_by_role("status").filter(has_text="今はベトナム語の通訳者がいません").wait_for()
    expect(phone.get_by_role("status")).to_contain_text("Hiện không có phiên dịch viên cho ngôn ngữ của bạn.")
    expect(phone.get_by_role("button", name="Hủy gọi phiên dịch viên")).to_be_hidden()
    counter.get_by_role("button", name="呼び出しを取り消す").click()
    phone.get_by_role("button", name="Gọi phiên dịch viên").click()  # the resident's own call: theirs to withdraw
    expect(phone.get_by_role("button", name="Hủy gọi phiên dịch viên")).to_be_visible()


def test_the_counter_name_survives_a_reload_and_a_missing_one_is_said_by_its_field(
        make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=phrasebook_only()))
    page = _start_vietnamese(relay, new_context(viewport=(1280, 800)))
    page.reload()
    expect(page.get_by_label("窓口名")).to_have_value("市民課 1番")  # not retyped after a reload
    page.get_by_label("窓口名").fill("")
    page.get_by_role("button", name="受付開始").click()
    said = page.get_by_role("alert").filter(has_text="窓口名を入力してください。")
    expect(said).to_be_visible()
    expect(page.get_by_label("窓口名")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("窓口名")).to_have_accessible_description("窓口名を入力してください。")
    field, message = page.get_by_label("窓口名").bounding_box(), said.bounding_box()
    assert abs(message["y"] - field["y"]) < 80, "said by the field, not at the bottom of the page"
