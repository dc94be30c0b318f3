"""The interpreter's availability switch (受付可 / 離席): the operator's own latest choice wins over a status
the relay sent before answering it, and the console still follows a change made elsewhere."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveRelay, console_errors
from tests.browser.test_operator_console import sign_in


class SlowLink:
    """The relay's messages to one console, held back on request (a slow Wi-Fi): released in order."""

    def __init__(self, page: Any) -> None:
        self.page, self.holding, self.held = page, False, []
        page.route_web_socket(re.compile(r".*/ws$"), self._route)

    def _route(self, ws: Any) -> None:
        self.ws = ws
        server = ws.connect_to_server()
        server.on_message(lambda message: self.held.append(message) if self.holding else ws.send(message))

    def statuses(self) -> list[tuple[int, str]]:
        """The held operator.status messages: (where, state)."""
        return [(i, json.loads(m)["state"]) for i, m in enumerate(self.held)
                if isinstance(m, str) and '"operator.status"' in m]

    def wait_for(self, states: list[str]) -> None:
        """Until the held statuses have said ``states`` in this order (others between them)."""
        deadline = time.monotonic() + 30
        while not _in_order(states, [state for _, state in self.statuses()]):
            assert time.monotonic() < deadline, f"the relay said {self.statuses()}, not {states}"
            self.page.wait_for_timeout(50)  # lets Playwright deliver the socket's messages

    def release(self, upto: int | None = None) -> None:
        upto = len(self.held) if upto is None else upto
        for message in self.held[:upto]:
            self.ws.send(message)
        del self.held[:upto]
        self.holding = bool(self.held)


def _in_order(wanted: list[str], said: list[str]) -> bool:
    rest = iter(said)
    return all(state in rest for state in wanted)


def test_a_status_on_its_way_never_flips_the_operator_s_latest_choice(live_relay: LiveRelay,
                                                                      new_context: Any) -> None:
    console = new_context(viewport=(1280, 860)).new_page()
    errors = console_errors(console)
    link = SlowLink(console)
    sign_in(console, live_relay, ["vi"])  # 受付可, answered
    away, available = console.get_by_role("radio", name="離席"), console.get_by_role("radio", name="受付可")
    badge = console.locator("#state-now")  # the relay's view
    link.holding = True
    away.check()  # the operator changes her mind twice before the relay's answers arrive
    available.check()
    away.check()
    link.wait_for(["away", "available", "away"])  # the relay has answered all three, held back
    last_available = max(i for i, state in link.statuses() if state == "available")
    link.release(upto=last_available + 1)  # everything up to the relay's 受付可: the answer to 離席 still held
    # a queue update after them: once it is shown, the statuses before it have been handled
    link.ws.send(json.dumps({"type": "queue", "entries": [{
        "session_id": "s-later", "lang": "vi", "reason": "requested", "state": "waiting", "position": 1,
        "waiting_since": time.time(), "counter": "市民課 2番"}]}))
    expect(console.get_by_role("list", name="待ち行列")).to_contain_text("市民課 2番")
    expect(away).to_be_checked()
    link.release()  # the answer to her last choice
    expect(badge).to_have_text("離席")
    expect(away).to_be_checked()

    # the same interpreter on another device makes herself available: this console follows
    other = new_context(viewport=(1280, 860)).new_page()
    other.goto("/operator")
    other.get_by_label("通訳者トークン").fill(live_relay.tokens["operator"])
    other.get_by_role("button", name="サインイン").click()
    expect(other.locator("#state-now")).to_have_text("離席")
    other.get_by_role("radio", name="受付可").check()
    expect(badge).to_have_text("受付可")
    expect(available).to_be_checked()
    assert not errors, errors
