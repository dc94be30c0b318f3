"""やさしい日本語 as the clerk's tablet and the resident's panel show it, with the real rewriter: furigana
wider than their kanji keep the kanji together (転入届, not 転 入 届) and leave no gap at the text's start,
readings sit over kanji only (ひ over 引, こ over 越, nothing over っ), and a glossary explanation's own
spaces (「ほかの 市から …」) are shown only with 分かち書き on, like every other space between phrases."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors
from tests.browser.test_counter import bubbles, open_counter, say

# the text as a reader sees it, without the furigana
VISIBLE = "e => { const c = e.cloneNode(true); c.querySelectorAll('rt').forEach((r) => r.remove()); return c.textContent; }"
# each kanji of a ruby's base: where it ends, and where the reading's middle is
KANJI_EDGES = """r => { const base = r.firstChild, edges = [];
  for (let i = 0; i < base.length; i++) { const g = document.createRange(); g.setStart(base, i); g.setEnd(base, i + 1);
    edges.push(g.getBoundingClientRect().right); }
  return {edges, size: parseFloat(getComputedStyle(r).fontSize), base: base.data}; }"""
# where the reading of a text's first word starts, and where the text's box starts (after its padding): a
# reading centred over a shorter word hangs out to the left and pushes the word in, leaving a gap at the
# edge (a range's rectangle does not show that push: it spans the word's whole box)
FIRST_READING = """p => { const rt = p.querySelector('ruby rt').getBoundingClientRect();
  return {reading: rt.left, box: p.getBoundingClientRect().left + parseFloat(getComputedStyle(p).paddingLeft)}; }"""
# every reading with the characters under it
READINGS = "e => [...e.querySelectorAll('ruby')].map((r) => [r.firstChild.data, r.querySelector('rt').textContent])"
SPACE_BETWEEN_JAPANESE = re.compile(r"[\u3001-\u30ff\u3400-\u9fff\uff01-\uff60] [\u3001-\u30ff\u3400-\u9fff\uff01-\uff60]")


def assert_kanji_side_by_side(ruby: Any) -> None:
    """The kanji sit side by side, one em apart, under their reading: not spread out to its width."""
    m = ruby.evaluate(KANJI_EDGES)
    edges, size = m["edges"], m["size"]
    for k in range(1, len(edges) - 1):  # the last edge may carry the box's own margin
        assert abs(edges[k] - edges[k - 1] - size) <= 1.5, f"{m['base']}: kanji {k + 1} ends at {edges[k]}, not {edges[k - 1] + size}"


def test_furigana_keep_the_word_and_spaces_follow_wakachi(live_relay: LiveRelay, new_context: Any) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator

    live_relay.ctx.engines.easy_japanese = EasyJapaneseTranslator(None)  # the real rewriter and glossary
    live_relay.ctx.pipeline.engines.easy_japanese = live_relay.ctx.engines.easy_japanese
    page = open_counter(live_relay, new_context(), lang="自動", mode="やさしい日本語")
    errors = console_errors(page)
    say(page, "転入届を出してください。")
    easy = bubbles(page).locator(".kind-easy_japanese .text")
    panel = page.get_by_role("region", name="住民向け表示").locator(".panel-main")
    long_reading = easy.locator("ruby").filter(has_text="転入届")
    expect(long_reading.locator("rt")).to_have_text("てんにゅうとどけ")
    for ruby in (long_reading, panel.locator("ruby").filter(has_text="転入届")):
        assert_kanji_side_by_side(ruby)
    edge = panel.evaluate(FIRST_READING)  # a reading longer than its word at the start: no gap before 転
    assert abs(edge["reading"] - edge["box"]) <= 1, edge

    for shown in (easy, panel):  # 分かち書き off (the default): no space between Japanese words at all
        text = shown.evaluate(VISIBLE)
        assert "（" in text, f"the glossary explanation is shown: {text}"
        assert not SPACE_BETWEEN_JAPANESE.search(text), text
    page.get_by_label("分かち書き").check()
    for shown in (easy, panel):
        assert SPACE_BETWEEN_JAPANESE.search(shown.evaluate(VISIBLE)), "分かち書き on: spaces between phrases"

    say(page, "引っ越しの手続きをしてください。")  # a reading over kanji only, never over the kana between
    moved = bubbles(page).last.locator(".kind-easy_japanese .text")
    expect(moved).to_contain_text("手続")
    assert moved.evaluate(READINGS)[:2] == [["引", "ひ"], ["越", "こ"]]
    assert not errors, errors
