"""The relay with every engine remote, chosen in the ``[remote]`` settings: real wyoming-faster-whisper
and wyoming-piper servers and a LibreTranslate stub on loopback. Health shows each server; a remote
failure is an engine failure (error plus an offer of an interpreter) and the session goes on."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.loader import load_engines
from relay.app import create_app
from relay.settings import load_settings
from tests.relay.conftest import Relay, WsClient
from tests.remote.libretranslate_stub import LibreTranslateStub
from tests.remote.servers import TTS_VOICES, WyomingServer

pytestmark = pytest.mark.engine


@pytest.fixture
def stub() -> Iterator[LibreTranslateStub]:
    server = LibreTranslateStub()
    yield server
    server.close()


@pytest.fixture
async def relay(aiohttp_client: Any, tmp_path: Path, live_asr_servers: list[WyomingServer],
                piper_server: WyomingServer, stub: LibreTranslateStub) -> Relay:
    remote = {"asr_servers": [live_asr_servers[0].uri], "tts_servers": [piper_server.uri], "tts_voices": TTS_VOICES,
              "mt_servers": [stub.url], "request_timeout_s": 60.0, "retries": 0}
    settings = load_settings(env={}, overrides={"store": {"path": str(tmp_path / "relay.sqlite3")}, "remote": remote,
                                                "queue": {"offer_timeout_s": 30.0, "max_wait_s": 60.0}})
    engines = await asyncio.to_thread(load_engines, settings.sections, tmp_path / "models")
    relay = Relay(await aiohttp_client(create_app(settings, engines)))
    _, relay.tokens["clerk"] = await relay.ctx.auth.add_token("clerk", "counter")
    return relay


async def speak(counter: WsClient, pcm: bytes, rate: int) -> None:
    await counter.send(type="audio.start", speaker="resident", sample_rate=rate)
    step = rate // 4 * 2
    for offset in range(0, len(pcm), step):
        await counter.send_raw(pcm[offset:offset + step])
        await asyncio.sleep(0.05)  # faster than real time, within the relay's audio-rate limit
    await counter.send(type="audio.stop")


async def test_health_names_the_remote_servers(relay: Relay, live_asr_servers: list[WyomingServer],
                                               stub: LibreTranslateStub) -> None:
    body = await (await relay.client.get("/healthz")).json()
    engines = body["engines"]
    assert engines["asr"]["state"] == "ready" and f"{live_asr_servers[0].uri} up" in engines["asr"]["detail"]
    assert engines["mt"]["state"] == "ready" and stub.url in engines["mt"]["detail"]
    assert engines["tts"]["state"] == "ready" and "Wyoming TTS" in engines["tts"]["detail"]


async def test_speech_is_heard_translated_and_a_dead_server_is_an_engine_failure(
        relay: Relay, live_asr_servers: list[WyomingServer], spoken_english: tuple[bytes, int]) -> None:
    pcm, rate = spoken_english
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await speak(counter, pcm, rate)
    transcript = await counter.expect("transcript", wait_s=120)
    assert "residence card" in transcript["text"].lower() and transcript["lang"] == "en"
    translation = await counter.expect("translation", wait_s=60)
    assert translation["text"].startswith("[ja]"), "translated on the LibreTranslate server"

    live_asr_servers[0].kill()
    await speak(counter, pcm, rate)
    error = await counter.expect("error", wait_s=120)
    assert (error["code"], error["fatal"]) == ("engine_failed", False)
    assert (await counter.expect("escalation", state="offered", wait_s=30))["reason"] == "engine_failed"

    await counter.send(type="text", speaker="clerk", text="今日は雨が降っています。")
    assert (await counter.expect("translation", wait_s=60, lang="en"))["text"] == "It is raining today."
    body = await (await relay.client.get("/healthz")).json()
    assert body["engines"]["asr"]["state"] == "missing" and "down" in body["engines"]["asr"]["detail"]


async def test_speech_at_real_time_pace_is_translated_at_the_pause(relay: Relay,
                                                                   spoken_english: tuple[bytes, int]) -> None:
    """Remote recognition keeps translation at the pause: the pause decode (one request to the server)
    announces the final's text, the relay translates it on the LibreTranslate server at once, and the
    turn uses that translation (stored with ``started_at_pause``)."""
    pcm, rate = spoken_english
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="audio.start", speaker="resident", sample_rate=rate)
    step = rate // 4 * 2
    for offset in range(0, len(pcm), step):  # a microphone: a quarter of a second every quarter second
        await counter.send_raw(pcm[offset:offset + step])
        await asyncio.sleep(0.25)
    transcript = await counter.expect("transcript", wait_s=120)
    await counter.expect("translation", wait_s=60, utterance_id=transcript["utterance_id"])
    await counter.send(type="audio.stop")
    [stored] = await relay.ctx.store.transcript(session["session_id"])
    forward = next(t for t in stored["translations"] if t["kind"] == "translation")
    assert forward["details"].get("started_at_pause") is True, forward
