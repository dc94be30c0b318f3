"""A long sentence on the resident's panel is read whole: the tablet's panel (landscape, upright, and
with the join card opened beside it) draws a long やさしい日本語 sentence — explanations and furigana, six
lines at full size — smaller until it fits, instead of cutting it mid-line under the panel's buttons (a
first-time tester saw 「…はんこ）が必要」 with 「です。」 hidden: the resident cannot scroll the clerk's tablet)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.test_counter import open_counter, say

LONG = "転入届を提出するには、在留カードと印鑑が必要です。"
OVERFLOW = "e => e.scrollHeight - e.clientHeight"
FONT = "e => parseFloat(getComputedStyle(e).fontSize)"
# a 1024×768 tablet once its browser's bars are drawn: with the join card open there, the panel keeps
# only its call line and buttons (the resident is typing the number), and the sentence scrolls
SMALL = (1024, 690)


@pytest.mark.parametrize("viewport", [(1280, 800), (800, 1280), SMALL])
def test_a_long_sentence_is_shown_whole_on_the_panel(live_relay: LiveRelay, new_context: Any,
                                                     viewport: tuple[int, int]) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator

    live_relay.ctx.engines.easy_japanese = EasyJapaneseTranslator(None)  # the real rewriter and glossary
    live_relay.ctx.pipeline.engines.easy_japanese = live_relay.ctx.engines.easy_japanese
    page = open_counter(live_relay, new_context(viewport=viewport), lang="自動", mode="やさしい日本語")
    errors = console_errors(page)
    panel = page.get_by_role("region", name="住民向け表示")
    face = page.locator("#panel-face")
    latest = panel.locator(".panel-main")
    say(page, "こんにちは。")  # a short sentence: the panel's full size
    expect(latest).to_contain_text("こんにちは")
    full = latest.evaluate(FONT)
    assert full >= 25, "the panel's own size (1.6rem)"

    say(page, LONG)
    expect(latest).to_contain_text("はんこ")
    expect(latest).to_contain_text("（")  # the explanations are there: the long form
    page.wait_for_function("e => e.scrollHeight - e.clientHeight <= 1", arg=face.element_handle())
    expect(latest).to_be_in_viewport(ratio=1)
    assert latest.evaluate(FONT) >= 0.6 * full, "never drawn smaller than the panel allows"
    if viewport != SMALL:
        shot(page, f"counter-panel-long-{viewport[0]}x{viewport[1]}")
        page.get_by_text("QRコードが読めないとき").click()  # the join card opened: the panel gives up height
        expect(page.get_by_text("まで有効")).to_be_visible()
        page.wait_for_function("e => e.scrollHeight - e.clientHeight <= 1", arg=face.element_handle())
        expect(latest).to_be_in_viewport(ratio=1)

    say(page, "こんにちは。")  # the next short sentence is full size again
    expect(latest).not_to_contain_text("はんこ")
    assert latest.evaluate(FONT) == full
    assert not errors, errors
