"""Translation through real LibreTranslate servers (tests/remote/libretranslate_server.py) on loopback.

The Argos models have random weights, so what comes back is gibberish: these tests check what the relay
does with the real server's API — the pairs it lists (with its own pivot through English), sentences
sent as one list, alternatives for the confidence — and what a clerk would notice when a server dies
mid-translation, answers too slowly, or every server is gone (also through a running relay: an engine
failure with an offer of an interpreter, and the session goes on). ``test_libretranslate.py`` checks the
glossary and phrasebook behaviour against a stub whose translations are known."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pipelines.base import EngineError, Translation
from pipelines.loader import load_engines
from pipelines.mt.config import MtConfig
from pipelines.remote.config import RemoteConfig
from pipelines.remote.libretranslate import LibreTranslateTranslator, load_libretranslate
from relay.app import create_app
from relay.settings import load_settings
from tests.relay.conftest import Relay
from tests.remote.libretranslate_server import LibreTranslateServer
from tests.remote.servers import SlowProxy

pytestmark = pytest.mark.engine
TWO_SENTENCES = "今日は雨が降っています。窓口はどこですか。"
# eight sentences: a warm server takes a second or more for them (random weights decode to the length
# limit), so a kill as soon as the server has started on the request catches it mid-translation
LONG_TEXT = TWO_SENTENCES * 4


def translator(servers: list[str], **remote: object) -> LibreTranslateTranslator:
    # generous: random weights decode to the length limit, on two cores shared with other tests
    settings: dict[str, object] = {"request_timeout_s": 60.0, "retry_backoff_s": 0.05, **remote}
    return load_libretranslate(MtConfig(cache_size=0), RemoteConfig(mt_servers=servers, **settings),  # type: ignore[arg-type]
                               Path("models"))


def test_the_servers_pairs_and_a_translation(live_libretranslate: list[LibreTranslateServer]) -> None:
    server = live_libretranslate[0]
    mt = translator([server.url])
    assert mt.supports("ja", "en") and mt.supports("en", "ja")
    assert mt.supports("ja", "vi"), "LibreTranslate's own pivot through English is one request"
    assert not mt.supports("vi", "ja"), "no vi→… model is installed"
    status = mt.status()
    assert status.ready and f"{server.url} up" in status.detail and set(status.languages) == {"ja", "en", "vi"}
    result = mt.translate(TWO_SENTENCES, "ja", "vi")
    assert result.kind == "translation" and result.text.strip()
    assert 0.0 <= result.confidence <= 1.0


def test_a_server_killed_mid_translation_fails_over_to_the_other(
        live_libretranslate: list[LibreTranslateServer]) -> None:
    first, second = live_libretranslate
    mt = translator([first.url, second.url])
    outcome: list[Translation | BaseException] = []

    def translate() -> None:
        try:
            outcome.append(mt.translate(LONG_TEXT, "ja", "vi"))  # round-robin starts with ``first``
        except BaseException as exc:  # reported below
            outcome.append(exc)

    since = first.log_mark()
    worker = threading.Thread(target=translate)
    worker.start()
    first.wait_for_request("/translate", since)  # the request is on the first server, decoding
    first.kill()
    worker.join(timeout=120)
    assert outcome and isinstance(outcome[0], Translation), outcome
    assert outcome[0].text.strip(), "the second server answered"
    status = mt.status()
    assert status.ready and f"{first.url} down" in status.detail and f"{second.url} up" in status.detail


def test_with_every_server_gone_a_translation_is_an_engine_failure_until_one_is_back(
        live_libretranslate: list[LibreTranslateServer]) -> None:
    server = live_libretranslate[0]
    mt = translator([server.url], retries=1)
    server.kill()
    with pytest.raises(EngineError, match="mt servers failed"):
        mt.translate("窓口はどこですか。", "ja", "en")
    assert not mt.status().ready
    assert mt.translate("次の方、どうぞ。", "ja", "en").kind == "phrasebook", "the phrasebook needs no server"
    server.start()
    assert mt.translate("窓口はどこですか。", "ja", "en").text.strip(), "the next request tries the server again"
    assert mt.status().ready


def _answer_time_s(server: LibreTranslateServer, text: str) -> float:
    """How long the server takes for ``text`` now, warm (its first request loads the model), under
    whatever load this machine has: what the deadline below is measured against (nothing asserts it)."""
    mt = translator([server.url])
    mt.translate(text, "ja", "en")
    started = time.monotonic()
    mt.translate(text, "ja", "en")
    return time.monotonic() - started


def test_a_slow_server_is_given_up_for_a_fast_one(live_libretranslate: list[LibreTranslateServer]) -> None:
    first, second = live_libretranslate
    slow = SlowProxy(first.port, delay_s=0.0)
    try:
        # a deadline far above what the fast server needs on this machine now, so that only the held
        # answers miss it, also on a loaded machine
        deadline_s = max(5.0, 10 * _answer_time_s(second, "窓口はどこですか。"))
        # down_for_s: the mark must outlast the fast server's answer, however long the load makes it
        mt = translator([f"http://127.0.0.1:{slow.port}", second.url], request_timeout_s=deadline_s, down_for_s=600.0)
        assert mt.status().ready
        slow.delay_s = 3600.0  # from now on it holds every answer: overloaded
        result = mt.translate("窓口はどこですか。", "ja", "en")  # round-robin starts with the slow one
        assert result.text.strip()
        assert f"http://127.0.0.1:{slow.port} down" in mt.status().detail
    finally:
        slow.close()


@pytest.fixture
async def relay(aiohttp_client: Any, tmp_path: Path, live_libretranslate: list[LibreTranslateServer]) -> Relay:
    """A relay whose translation runs on the second LibreTranslate server (retries off: one server)."""
    remote = {"mt_servers": [live_libretranslate[1].url], "request_timeout_s": 60.0, "retries": 0}
    settings = load_settings(env={}, overrides={"store": {"path": str(tmp_path / "relay.sqlite3")}, "remote": remote,
                                                "relay": {"back_translation": False}})
    engines = await asyncio.to_thread(load_engines, settings.sections, tmp_path / "models")
    relay = Relay(await aiohttp_client(create_app(settings, engines)))
    _, relay.tokens["clerk"] = await relay.ctx.auth.add_token("clerk", "counter")
    return relay


async def test_through_the_relay_a_dead_server_is_an_engine_failure_and_the_session_goes_on(
        relay: Relay, live_libretranslate: list[LibreTranslateServer]) -> None:
    server = live_libretranslate[1]
    session = await relay.create_session("en", tts=False)
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="窓口はどこですか。")
    translated = await resident.expect("translation", wait_s=60, lang="en")
    assert translated["kind"] == "translation" and translated["text"].strip()

    await asyncio.to_thread(server.kill)
    await counter.send(type="text", speaker="clerk", text="住所を変更したいです。")
    error = await counter.expect("error", wait_s=60)
    assert (error["code"], error["fatal"]) == ("engine_failed", False)
    assert (await counter.expect("escalation", state="offered", wait_s=30))["reason"] == "engine_failed"
    await counter.send(type="text", speaker="clerk", text="次の方、どうぞ。")
    phrase = await resident.expect("translation", wait_s=30, lang="en")
    assert (phrase["kind"], phrase["text"]) == ("phrasebook", "Next, please."), "the session goes on"

    await asyncio.to_thread(server.start)
    await counter.send(type="text", speaker="clerk", text="住所を変更したいです。")
    again = await resident.expect("translation", wait_s=60, lang="en", kind="translation")
    assert again["text"].strip(), "the next turn is translated once the server is back"
