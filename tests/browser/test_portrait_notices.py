"""A counter tablet held upright (800×1280) with a call for an interpreter waiting and two notices: each
notice takes one line, its whole text a tap away, so the conversation keeps most of the screen."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from pipelines.base import MissingEngine
from tests.browser.conftest import MakeLiveRelay, console_errors, shot
from tests.browser.test_counter import open_counter
from tests.browser.test_counter_phrasebook_only import phrasebook_only
from tests.browser.test_resident_call_and_end import LINES
from tests.fakes import fake_engines

QUEUE = {"queue": {"offer_timeout_s": 5.0, "max_wait_s": 120.0}}


def test_an_upright_tablet_keeps_the_conversation_with_a_call_and_two_notices(make_live_relay: MakeLiveRelay,
                                                                             new_context: Any) -> None:
    """No translation model for Vietnamese in 翻訳 (the clerk calls an interpreter, nobody covers it, the
    fixed phrases are listed) and no speech recognition: the call bar, two notices and the phrases."""
    engines = fake_engines(translator=phrasebook_only())
    engines.recognizer = MissingEngine("asr", "no Whisper model installed")  # type: ignore[assignment]
    page = open_counter(make_live_relay(engines, **QUEUE), new_context(viewport=(800, 1280)), mode="翻訳")
    errors = console_errors(page)
    notices = page.get_by_role("list", name="お知らせ")
    page.get_by_role("button", name="通訳者を呼ぶ", exact=True).click()
    page.get_by_role("status").filter(has_text="今はベトナム語の通訳者がいません").wait_for()
    expect(notices.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_role("list", name="定型文")).to_be_visible()
    shot(page, "counter-portrait-call-and-notices")

    for notice in notices.get_by_role("listitem").all():
        assert notice.get_by_role("button").first.evaluate(LINES) == 1, "a notice takes one line"
    log = page.get_by_role("log", name="会話").bounding_box()
    # each notice written out (the mt one four lines) and two rows of phrases left the log its 140 px floor
    assert log["height"] >= 230, f"the conversation shrank to {log['height']:.0f} px of 1280"
    first = notices.get_by_role("button", name="ベトナム語の翻訳は入っていません")
    first.click()  # its whole text on a tap
    expect(first).to_have_attribute("aria-expanded", "true")
    assert first.evaluate(LINES) > 1
    shot(page, "counter-portrait-notice-opened")
    assert not errors, errors
