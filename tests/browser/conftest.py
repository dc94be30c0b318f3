"""Browser tests: the pages in real Chromium (Debian's, found with ``shutil.which``; never downloaded),
driven by Playwright for Python, against a real relay with fake engines on a loopback port.

- ``browser``: one Chromium for all the browser tests (package scope), with the fake microphone (a WAV made here) and the
  flags the closed network needs; each test gets its own ``context`` (cookies, storage).
- ``live_relay``: a relay in a background thread (its own event loop) on 127.0.0.1; ``make_live_relay``
  starts one with other fake engines or settings.
- Every request a page makes is recorded; a test fails if one leaves the relay's origin.
- ``shot(page, name)`` writes ``docs/screenshots/<name>.png`` (the screenshots in the README).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import struct
import tempfile
import threading
import time
import urllib.request
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from playwright.sync_api import expect

from pipelines.base import Engines
from relay.app import create_app
from relay.context import CONTEXT, RelayContext
from relay.settings import load_settings
from tests.fakes import fake_engines

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# the deadline of every expect(...) assertion: Playwright's own is 5 s, and context.set_default_timeout (below)
# does not reach assertions. Generous, as for actions: it only decides how long a failing test takes. With
# 5 s, a page that polls every 5 s (the dashboard) or a loaded CI machine failed tests that were right.
ASSERTION_TIMEOUT_MS = 30_000
expect.set_options(timeout=ASSERTION_TIMEOUT_MS)
LAN_HOST = "madoguchi.lan"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # root in containers and CI
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--disable-extensions", "--disable-features=Translate,MediaRouter",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    # a LAN name for the relay on loopback: a page opened as http://madoguchi.lan is not a secure context
    # (no microphone), as on a city's network; http://127.0.0.1 is one
    f"--host-resolver-rules=MAP {LAN_HOST} 127.0.0.1",
]


def chromium_executable() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed (make test installs it: apt install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def write_tone_wav(path: Path, seconds: float = 3.0, rate: int = 48000) -> Path:
    """A spoken-level tone with pauses: what the fake microphone plays, in a loop."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        t = i / rate
        on = (t % 1.0) < 0.7
        value = 0.3 * math.sin(2 * math.pi * 220 * t) * (1 if on else 0)
        frames += struct.pack("<h", int(value * 32767))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


# package scope, not session: sync Playwright keeps an event loop running in the main thread while it
# is open, which would break the async tests collected after this folder
@pytest.fixture(scope="package")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    wav = write_tone_wav(tmp_path_factory.mktemp("media") / "mic.wav")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=[*CHROMIUM_FLAGS, f"--use-file-for-fake-audio-capture={wav}"],
        )
        yield chromium
        chromium.close()


# ---------------------------------------------------------------------------------------- the relay


@dataclass
class LiveRelay:
    """A real relay serving on 127.0.0.1 from a background thread."""

    app: web.Application
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.new_event_loop)
    port: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    runner: web.AppRunner | None = None
    site: web.TCPSite | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ctx(self) -> RelayContext:
        return self.app[CONTEXT]

    def start(self) -> LiveRelay:
        threading.Thread(target=self.loop.run_forever, name="relay", daemon=True).start()
        self.call(self._serve())
        for role in ("clerk", "operator", "admin"):
            self.tokens[role] = self.call(self.ctx.auth.add_token(role, f"test {role}"))[1]
        return self

    async def _serve(self) -> None:
        if self.runner is None:
            self.runner = web.AppRunner(self.app, shutdown_timeout=1)
            await self.runner.setup()
        self.site = web.TCPSite(self.runner, "127.0.0.1", self.port)
        await self.site.start()
        self.port = self.site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def call(self, coro: Any, timeout: float = 20) -> Any:
        """Run a coroutine on the relay's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        if self.runner is not None:
            self.call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)

    def api(self, method: str, path: str, body: Any = None, role: str = "clerk") -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return json.loads(raw) if response.headers.get_content_type() == "application/json" else raw

    def create_session(self, resident_lang: str = "vi", mode: str = "translation",
                       counter: str = "市民課 1番") -> dict[str, Any]:
        return dict(self.api("POST", "/api/sessions", {"counter": counter, "resident_lang": resident_lang,
                                                       "mode": mode}))

    def go_down(self) -> None:
        """The relay becomes unreachable (stopped, or its network cut): it stops listening and every
        open connection (websockets and the browser's kept-alive HTTP ones) is cut. ``come_back()``
        listens again on the same port, with everything the relay held still there."""
        async def stop() -> None:
            assert self.site is not None and self.runner is not None and self.runner.server is not None
            await self.site.stop()
            for handler in list(self.runner.server.connections):
                if handler.transport is not None:
                    handler.transport.abort()

        self.call(stop())

    def come_back(self) -> None:
        self.call(self._serve())

    def drop_connections(self, role: str | None = None) -> int:
        """A Wi-Fi drop: the websockets (of one role) are cut without a close frame."""
        async def cut() -> int:
            connections = [c for c in self.ctx.connections if role is None or c.role == role]
            for connection in connections:
                transport = connection.request.transport
                if transport is not None:
                    transport.abort()
            return len(connections)

        return int(self.call(cut()))


MakeLiveRelay = Callable[..., LiveRelay]


@pytest.fixture
def started_relays() -> list[LiveRelay]:
    return []


@pytest.fixture
def make_live_relay(tmp_path: Path, started_relays: list[LiveRelay]) -> Iterator[MakeLiveRelay]:
    started = started_relays

    def make(engines: Engines | None = None, **overrides: Any) -> LiveRelay:
        sections: dict[str, Any] = {"store": {"path": str(tmp_path / f"relay{len(started)}.sqlite3")},
                                    "relay": {"languages": ["en", "zh", "ko", "vi", "th", "my", "ne", "pt"]}}
        for name, values in overrides.items():
            sections.setdefault(name, {}).update(values)
        settings = load_settings(env={}, overrides=sections)
        relay = LiveRelay(create_app(settings, engines or fake_engines())).start()
        if "public_url" not in overrides.get("server", {}):  # as IT sets it, so no tablet warns of 127.0.0.1
            relay.ctx.settings.server.public_url = relay.url
        started.append(relay)
        return relay

    yield make
    for relay in started:
        relay.stop()


@pytest.fixture
def live_relay(make_live_relay: MakeLiveRelay) -> LiveRelay:
    return make_live_relay()


# ---------------------------------------------------------------------------------------- pages


@dataclass
class Requests:
    """Every URL the pages of one context asked for."""

    urls: list[str] = field(default_factory=list)

    def foreign(self, origin: str) -> list[str]:
        return [u for u in self.urls if not (u.startswith(origin + "/") or u.startswith(("blob:", "data:")))
                and u.replace("ws://", "http://", 1).split("/ws")[0] != origin]


@pytest.fixture
def requests_seen() -> Requests:
    return Requests()


@pytest.fixture
def new_context(browser: Any, requests_seen: Requests, make_live_relay: MakeLiveRelay,
                started_relays: list[LiveRelay]) -> Iterator[Callable[..., Any]]:
    """``new_context(viewport=(w, h), locale=…)``: a fresh context on the test's relay (the last one
    started, or a default one) whose requests are all recorded; at the end of the test none may have
    left the relay's origin."""
    contexts: list[Any] = []

    def make(viewport: tuple[int, int] = (1024, 768), **options: Any) -> Any:
        relay = started_relays[-1] if started_relays else make_live_relay()
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                      base_url=relay.url, **options)
        context.on("request", lambda request: requests_seen.urls.append(request.url))
        context.on("page", lambda page: page.on("websocket", lambda ws: requests_seen.urls.append(ws.url)))
        # generous: a deadline only decides how long a failing test takes, never whether one passes
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    if started_relays:
        origin = started_relays[-1].url
        assert requests_seen.urls, "the pages made requests"
        assert not requests_seen.foreign(origin), f"requests left the relay's origin: {requests_seen.foreign(origin)}"


def shot(page: Any, name: str) -> Path:
    """A screenshot for the docs (the visible viewport, small PNG). It is always taken; it replaces
    the one in ``docs/screenshots/`` only when that one is missing or with ``MADOGUCHI_SCREENSHOTS=1``
    (``make screenshots``), so a test run does not leave the checkout changed."""
    path = SCREENSHOTS / f"{name}.png"
    if path.exists() and os.environ.get("MADOGUCHI_SCREENSHOTS") != "1":
        path = Path(tempfile.gettempdir()) / "madoguchi-screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


def wait_until(page: Any, expression: str, timeout_s: float = 30.0) -> Any:
    """Poll a JavaScript expression until it is truthy (``page.wait_for_function`` needs eval, which
    the pages' Content-Security-Policy rightly forbids)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(100)


def in_a_while(pages: Any, assertion: Callable[..., None], *expected: Any) -> None:
    """What a person sees after waiting for a page's own timers (a retry every 2-3 s, a refresh every 5 s,
    a reconnection's back-off, a health poll): the clock of each page (``page.clock`` or its context's,
    installed before the page loads) is moved on a second at a time until ``assertion(*expected)`` holds,
    instead of the test waiting for those timers for real. Timers, fetches and sockets run as they would;
    only the waiting between them is skipped. ``pages``: one page or several (a counter and a phone)."""
    clocks = [page.clock for page in (pages if isinstance(pages, (list, tuple)) else [pages])]
    for _ in range(40):
        try:
            assertion(*expected, timeout=300)
            return
        except AssertionError:
            for clock in clocks:
                clock.fast_forward(1000)
    assertion(*expected)  # one last wait at the real pace, with the usual deadline


def console_errors(page: Any) -> list[str]:
    """Collects console errors and uncaught exceptions of a page (CSP violations show up here)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors
