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

# a version the relay reaches only hours later (a queue revision never falls below the clock in ms): a
# status made up by a test with it is newer than every status the relay sends meanwhile
LATER = 10**8


class SlowLink:
    """The relay's messages to one console, held back on request (a slow Wi-Fi): released in order."""

    def __init__(self, page: Any) -> None:
        self.page, self.holding, self.held, self.passed = page, False, [], []
        page.route_web_socket(re.compile(r".*/ws$"), self._route)

    def _route(self, ws: Any) -> None:
        self.ws = ws
        server = ws.connect_to_server()
        server.on_message(self._from_server)

    def _from_server(self, message: Any) -> None:
        if self.holding:
            self.held.append(message)
        else:
            self.passed.append(message)
            self.ws.send(message)

    def passed_statuses(self) -> list[dict[str, Any]]:
        return [json.loads(m) for m in self.passed if isinstance(m, str) and '"operator.status"' in m]

    def mark(self) -> None:
        """A queue update: once the console shows it, every message before it has been handled."""
        self.ws.send(json.dumps({"type": "queue", "entries": [{
            "session_id": "s-later", "lang": "vi", "reason": "requested", "state": "waiting", "position": 1,
            "waiting_since": time.time(), "counter": "市民課 2番"}]}))
        expect(self.page.get_by_role("list", name="待ち行列")).to_contain_text("市民課 2番")

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
    link.mark()  # the statuses before the answer to 離席 have been handled
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


def test_a_status_read_before_the_one_shown_never_replaces_it(live_relay: LiveRelay, new_context: Any) -> None:
    """With several relay nodes (Redis), a status read from the queue before the operator's choice may
    arrive after the answer to it: its older version keeps it off the switch."""
    console = new_context(viewport=(1280, 860)).new_page()
    errors = console_errors(console)
    link = SlowLink(console)
    sign_in(console, live_relay, ["vi"])
    away, badge = console.get_by_role("radio", name="離席"), console.locator("#state-now")
    away.check()
    expect(badge).to_have_text("離席")
    answer = link.passed_statuses()[-1]
    before = next(s for s in reversed(link.passed_statuses()) if s["state"] == "available")
    assert (answer["state"], before["version"] < answer["version"]) == ("away", True)
    # the status of a change read before 離席 took effect, sent after its answer (no client_id: not an answer)
    link.ws.send(json.dumps({"type": "operator.status", "state": "available", "languages": ["vi"],
                             "version": before["version"]}))
    link.mark()
    expect(badge).to_have_text("離席")
    expect(away).to_be_checked()
    assert not errors, errors


def test_a_change_read_after_the_choice_wins_over_its_answer(live_relay: LiveRelay, new_context: Any) -> None:
    """A change made after the operator's choice took effect (受付可 on her other device) whose status
    arrives before the answer to the choice: held back while the choice waits, shown at the answer."""
    console = new_context(viewport=(1280, 860)).new_page()
    errors = console_errors(console)
    link = SlowLink(console)
    sign_in(console, live_relay, ["vi"])
    away, available = console.get_by_role("radio", name="離席"), console.get_by_role("radio", name="受付可")
    link.holding = True
    away.check()
    link.wait_for(["away"])
    answer = json.loads(next(m for m in link.held if isinstance(m, str) and '"operator.status"' in m))
    link.ws.send(json.dumps({"type": "operator.status", "state": "available", "languages": ["vi"],
                             "version": answer["version"] + LATER}))
    link.mark()
    expect(away).to_be_checked()  # her choice stands until its answer
    link.release()
    expect(console.locator("#state-now")).to_have_text("受付可")
    expect(available).to_be_checked()
    assert not errors, errors


def test_an_answer_older_than_the_status_shown_still_ends_the_wait_for_it(live_relay: LiveRelay,
                                                                         new_context: Any) -> None:
    """A newer status (an offer rang) shown before the answer to her choice: the older answer is not shown,
    but her choice is answered, so the statuses after it are shown again, not held back for good."""
    console = new_context(viewport=(1280, 860)).new_page()
    errors = console_errors(console)
    link = SlowLink(console)
    sign_in(console, live_relay, ["vi"])
    away, badge = console.get_by_role("radio", name="離席"), console.locator("#state-now")
    link.holding = True
    away.check()
    link.wait_for(["away"])
    answer = json.loads(next(m for m in link.held if isinstance(m, str) and '"operator.status"' in m))
    link.ws.send(json.dumps({"type": "operator.status", "state": "offered", "languages": ["vi"],
                             "version": answer["version"] + LATER}))
    expect(badge).to_have_text("依頼を提示中")
    link.release()  # the answer to 離席, older than what is shown
    link.mark()
    expect(badge).to_have_text("依頼を提示中")
    link.ws.send(json.dumps({"type": "operator.status", "state": "available", "languages": ["vi"],
                             "version": answer["version"] + 2 * LATER}))  # the offer went to someone else
    expect(badge).to_have_text("受付可")
    assert not errors, errors
