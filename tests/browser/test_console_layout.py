"""The interpreter console's waiting list. On the laptops interpreters have (1280×800, 1366×768) each
queued request reads on one or two clean lines — the language in its own script and in Japanese, why,
how long it has waited, which counter — never broken in the middle of a word or a number; and a take
the relay refuses is said in Japanese and leaves no empty session on the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors, shot
from tests.browser.test_operator_console import sign_in

WAITING = [("my", "low_confidence", "市民課 1番"), ("pt", "missing_mt", "国民健康保険課 12番窓口"),
           ("ne", "asked_in_words", "子育て支援課 3番"), ("auto", "engine_failed", "税務課 2番"),
           ("vi", "button", "市民課 4番")]


def queue_callers(relay: LiveRelay) -> None:
    for lang, reason, counter in WAITING:
        session = relay.create_session("vi" if lang == "auto" else lang, counter=counter)
        relay.call(relay.ctx.escalation.backend.enqueue(session["session_id"], lang, reason=reason))


@pytest.mark.parametrize("viewport", [(1280, 800), (1366, 768)], ids=["1280x800", "1366x768"])
def test_each_queued_request_reads_on_one_or_two_lines(live_relay: LiveRelay, new_context: Any,
                                                        viewport: tuple[int, int]) -> None:
    console = new_context(viewport=viewport).new_page()
    errors = console_errors(console)
    sign_in(console, live_relay, ["vi"])
    console.get_by_role("radio", name="離席").check()  # nothing offered: every request stays in the list
    queue_callers(live_relay)
    queue = console.get_by_role("list", name="待ち行列")
    items = queue.get_by_role("listitem")
    expect(items).to_have_count(len(WAITING))
    expect(items.nth(1)).to_contain_text("国民健康保険課 12番窓口")  # which counter waits (looked up)
    for item in items.all():
        expect(item.get_by_role("button", name="取る")).to_be_in_viewport(ratio=1.0)  # all above the fold
    for item in console.evaluate(MEASURE):
        assert item["lines"] <= 2, item  # one or two lines, each row of the grid one line high
        assert item["broken"] == [], item  # no name, reason or waiting time broken over two lines
        assert not item["cut"], item  # the language is never cut off (only a long counter name may be)
    if viewport == (1280, 800):
        shot(console, "operator-queue")
    assert not errors, errors


# per item: how many text lines it takes, which of its parts wrap, whether the language is cut off
MEASURE = """[...document.querySelectorAll('#queue-rows li')].map((li) => {
  const lineHeight = parseFloat(getComputedStyle(li.querySelector('.q-info')).lineHeight) || 20;
  const wraps = (node) => node.getClientRects().length > 1
    || node.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(node).lineHeight || lineHeight);
  const parts = ['.lang-native', '.lang-ja', '.q-reason', '.q-wait', '.q-take'];
  const lang = li.querySelector('.q-lang');
  const top = lang.getBoundingClientRect().top, bottom = li.querySelector('.q-info').getBoundingClientRect().bottom;
  return {text: li.innerText, broken: parts.filter((p) => wraps(li.querySelector(p))),
    cut: lang.scrollWidth > lang.clientWidth + 1,
    lines: Math.round((bottom - top) / (lang.getBoundingClientRect().height || lineHeight))};
})"""


def test_a_refused_take_is_said_in_japanese(live_relay: LiveRelay, new_context: Any) -> None:
    """The relay's refusals reach the interpreter in Japanese, its code kept for IT in the tooltip: here 取る
    on a waiting call before choosing 受付可 (the queue does not know this interpreter yet)."""
    console = new_context(viewport=(1280, 800)).new_page()
    console.goto("/operator")
    console.get_by_label("通訳者トークン").fill(live_relay.tokens["operator"])
    console.get_by_role("button", name="サインイン").click()
    expect(console.locator("#state-now")).to_have_text("受付前")
    queue_callers(live_relay)
    console.get_by_role("button", name="ベトナム語の窓口を取る").click()
    alert = console.get_by_role("alert").filter(has_text="受付の状態がまだ設定されていません")
    expect(alert).to_have_attribute("title", re.compile(r"^unknown_operator"))
    expect(console.get_by_role("region", name="対応中")).to_be_hidden()  # not taken: no empty session shown
    hint = console.get_by_text("受付前です。")
    expect(hint).to_contain_text("画面上部の「状態」で「受付可」")  # where a first-time interpreter finds it
    available = console.get_by_role("group", name="状態").get_by_role("radio", name="受付可")
    assert available.bounding_box()["y"] < hint.bounding_box()["y"], "「受付可」 is above, as the hint says"
    for size in ({"width": 1024, "height": 768}, {"width": 360, "height": 640}):
        console.set_viewport_size(size)
        assert available.bounding_box()["y"] < hint.bounding_box()["y"], size
