"""Video on the counter is for sign language (手話通訳): an interpreter taking a spoken-language call does
not open it; the call bar offers it, and the interpreter's request opens it."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors
from tests.browser.test_counter import open_counter
from tests.browser.test_operator_console import sign_in, take_the_call


def test_video_panel_opens_for_sign_language_not_for_every_interpreter(live_relay: LiveRelay,
                                                                       new_context: Any) -> None:
    console = new_context(viewport=(1280, 860)).new_page()
    sign_in(console, live_relay, ["vi"])
    counter = open_counter(live_relay, new_context())
    errors = console_errors(counter)
    take_the_call(counter, console).get_by_role("button", name="受ける").click()
    expect(counter.get_by_role("status").filter(has_text="通訳者と接続しました")).to_be_visible()
    video = counter.get_by_role("region", name="ビデオ通話（手話通訳）")
    expect(video).to_be_hidden()  # a Vietnamese speaker: the conversation keeps the screen
    counter.get_by_role("button", name="📹 手話通訳のビデオ").click()
    expect(video.get_by_role("button", name="📹 ビデオ通話（手話）を開始")).to_be_focused()
    expect(counter.get_by_role("button", name="📹 手話通訳のビデオ")).to_be_hidden()

    console.get_by_role("button", name="AIに戻す").click()  # the interpreter leaves: the video goes too
    expect(video).to_be_hidden()
    expect(counter.get_by_role("button", name="📹 手話通訳のビデオ")).to_be_hidden()
    assert not errors, errors
