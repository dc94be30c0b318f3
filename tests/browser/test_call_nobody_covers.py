"""A call for an interpreter as the resident lives it: while no interpreter at work covers their language,
the phone and the tablet's resident panel say so in the resident's language, with what still works
(worded from what is installed), and say again when an interpreter comes; the counter's notices never
promise an interpreter the call bar says is not there; a suggestion to call one never replaces a call
that waits; an offer that rings is 'connecting', not a wait of a minute."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from relay.wire.messages import Escalation
from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors
from tests.browser.test_counter import bubbles, open_counter, resident_url, say
from tests.browser.test_counter_flows import QUEUE, Operator, _only_session
from tests.browser.test_counter_phrasebook_only import phrasebook_only
from tests.fakes import FakeTranslator, fake_engines

NOBODY_VI = "Hiện không có phiên dịch viên cho ngôn ngữ của bạn."
CONNECTING_VI = "Đã có phiên dịch viên. Đang kết nối…"
KANJI_WITHOUT_FURIGANA = """(line) => {
  const bare = [], walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest('ruby') && /[\u4e00-\u9fff]/.test(node.data)) bare.push(node.data);
  }
  return bare;
}"""


def open_phone(counter: Any, new_context: Any) -> Any:
    phone = new_context(viewport=(390, 844), is_mobile=True, has_touch=True).new_page()
    phone.goto(resident_url(counter))
    return phone


def test_the_resident_is_told_nobody_covers_their_language_and_again_when_someone_does(
        make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(**QUEUE)
    interpreter = Operator(relay, "pt")  # the only interpreter at work: Portuguese only
    interpreter.run(interpreter.connect())
    counter = open_counter(relay, new_context(viewport=(1024, 768)))
    phone = open_phone(counter, new_context)
    errors = console_errors(phone) + console_errors(counter)
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    counter.get_by_role("status").filter(has_text="今はベトナム語の通訳者がいません").wait_for()

    status = phone.get_by_role("status")
    expect(status).to_contain_text(NOBODY_VI)  # not 'waiting, number 1', as if one were coming
    expect(status).to_contain_text("Tiếp tục dịch máy")  # what still works: machine translation is installed
    expect(status).to_have_attribute("lang", "vi")
    # the call still waits, but it is the clerk's: the phone offers no cancel for a call the resident never made
    expect(phone.get_by_role("button", name="Hủy gọi phiên dịch viên")).to_be_hidden()
    panel = counter.get_by_role("region", name="住民向け表示")
    expect(panel).to_contain_text(NOBODY_VI)

    interpreter.run(interpreter.send(type="operator.state", state="available", languages=["pt", "vi"]))
    expect(status).to_have_text(CONNECTING_VI)  # told again: an interpreter is there now
    expect(panel).to_contain_text(CONNECTING_VI)
    expect(panel).not_to_contain_text(NOBODY_VI)
    interpreter.run(interpreter.close())
    assert not errors, errors


def test_the_panel_says_it_in_easy_japanese_while_the_language_is_not_known(live_relay: LiveRelay,
                                                                            new_context: Any) -> None:
    counter = open_counter(live_relay, new_context(viewport=(1024, 768)), lang="自動")
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()  # nobody signed in at all
    line = counter.get_by_role("region", name="住民向け表示").locator(".panel-status")
    expect(line).to_contain_text("は いません")
    expect(line).to_contain_text("きかいが わかりやすく")  # what still works, for a Japanese reader too:
    expect(line).not_to_contain_text("翻訳")  # a Japanese reader is not promised a translation
    expect(line.locator("ruby rt").first).to_have_text("つうやく")  # furigana, as every panel line
    assert line.evaluate(KANJI_WITHOUT_FURIGANA) == []


def test_fixed_phrases_only_and_nobody_covers_it(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    """No translation model for Vietnamese, in 翻訳: the clerk calls an interpreter; nobody covers it."""
    relay = make_live_relay(fake_engines(translator=phrasebook_only()), **QUEUE)
    counter = open_counter(relay, new_context(viewport=(1024, 768)), mode="翻訳")
    phone = open_phone(counter, new_context)
    counter.get_by_role("button", name="通訳者を呼ぶ", exact=True).click()  # nobody covers it: the relay calls nobody
    counter.get_by_role("status").filter(has_text="今はベトナム語の通訳者がいません").wait_for()
    notice = counter.get_by_role("list", name="お知らせ").get_by_role("listitem").filter(has_text="定型文だけ")
    expect(notice).to_contain_text("今はベトナム語の通訳者がいません")
    expect(notice).not_to_contain_text("通訳者が対応します")  # the call bar says nobody is there
    status = phone.get_by_role("status")
    expect(status).to_contain_text(NOBODY_VI)
    expect(status).to_contain_text("Chỉ dịch được các câu mẫu")  # not 'machine translation continues'
    expect(status).not_to_contain_text("dịch máy")

    interpreter = Operator(relay, "vi")  # someone who covers it signs in: the notice follows
    interpreter.run(interpreter.connect())
    interpreter.run(interpreter.expect("escalation", state="offered", session_id=relay.call(_only_session(relay))))
    expect(notice).to_contain_text("通訳者が対応します")
    expect(status).to_have_text(CONNECTING_VI)
    interpreter.run(interpreter.close())


def test_a_suggestion_to_call_never_replaces_the_call_that_waits(make_live_relay: MakeLiveRelay,
                                                                  new_context: Any) -> None:
    relay = make_live_relay(fake_engines(translator=FakeTranslator(fail=True)), **QUEUE)
    counter = open_counter(relay, new_context(viewport=(1024, 768)))
    phone = open_phone(counter, new_context)
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    call = counter.get_by_role("status").filter(has_text="通訳者を呼んでいます")
    call.wait_for()
    say(counter, "こんにちは")  # translation fails while the call waits
    counter.get_by_role("list", name="お知らせ").get_by_text("翻訳または音声認識がうまく動きませんでした").wait_for()
    # and a relay from before the fix suggests calling one all the same
    session = relay.call(relay.ctx.hub.get(relay.call(_only_session(relay))))
    relay.call(session.publish(lambda seq: Escalation(state="offered", seq=seq, reason="engine_failed")))
    say(counter, "少々お待ちください")  # comes after the suggestion on the same connection
    expect(bubbles(counter).filter(has_text="少々お待ちください")).to_be_visible()
    expect(call).to_be_visible()
    expect(counter.get_by_role("button", name="呼び出しを取り消す")).to_be_visible()
    expect(counter.get_by_role("status").filter(has_text="通訳者を呼ぶことができます")).to_have_count(0)
    expect(phone.get_by_role("button", name="Hủy gọi phiên dịch viên")).to_be_hidden()  # the clerk's call
    expect(phone.get_by_role("status")).to_contain_text(NOBODY_VI)


def test_an_offer_that_rings_is_connecting_not_a_minute(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    relay = make_live_relay(**QUEUE)
    interpreter = Operator(relay, "vi")  # free: the offer rings at once
    interpreter.run(interpreter.connect())
    counter = open_counter(relay, new_context(viewport=(1024, 768)))
    phone = open_phone(counter, new_context)
    counter.get_by_role("button", name="通訳者を呼ぶ").first.click()
    interpreter.run(interpreter.expect("escalation", state="offered"))
    call = counter.get_by_role("status").filter(has_text="通訳者を呼びました")
    expect(call).to_contain_text("通訳者につないでいます")
    expect(call).not_to_contain_text("あと約")
    expect(phone.get_by_role("status")).to_have_text(CONNECTING_VI)
    interpreter.run(interpreter.close())
