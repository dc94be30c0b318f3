"""Must show: the relay that `make serve` leaves behind works as a やさしい日本語 counter with the real
models and no network.

One `madoguchi serve` process runs on the models `madoguchi models install-defaults` put in place (the
registry packages: Whisper base, Kokoro, Piper joe); the tests talk to it as the counter tablet does.
Input speech is synthesised with the same real voices; what the relay speaks back is decoded and
recognised again with the real Whisper base.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from pipelines.tts import TtsConfig, load_synthesizer
from tests.real_models.speech import recognise, to_16k
from tests.relay.conftest import WsClient

pytestmark = pytest.mark.engine

STARTUP_S = 180


@dataclass
class ServedRelay:
    url: str
    clerk_token: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def served(default_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedRelay]:
    folder = tmp_path_factory.mktemp("served")
    config = folder / "madoguchi.toml"
    config.write_text(f'[store]\npath = "{folder / "relay.sqlite3"}"\n[models]\ndir = "{default_models}"\n'
                      # phrasebook pre-synthesis has its own test; here it would only compete for the CPU
                      '[tts]\npresynthesize_phrasebook = false\n[logging]\nlevel = "WARNING"\n'
                      # the engine timeout (30 s) fails a turn whose decode or sentence of speech runs long:
                      # on a loaded machine that is the load, not the relay, so it may not fail these tests
                      '[relay]\nengine_timeout_s = 600\n', encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    madoguchi = [sys.executable, "-m", "relay.cli"]
    added = subprocess.run([*madoguchi, "token", "add", "--role", "clerk", "--new-store", "--config", str(config)],
                           capture_output=True, text=True, check=True, env=env)
    token = added.stdout.strip().splitlines()[-1]
    port = _free_port()
    log = folder / "relay.log"  # a file, not a pipe: a pipe nobody reads would block the relay when full
    server = subprocess.Popen([*madoguchi, "serve", "--config", str(config), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=log.open("w"), env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                _get_json(f"{url}/healthz")
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the relay did not start: {log.read_text()[-2000:]}") from exc
                time.sleep(0.2)
        yield ServedRelay(url, token)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)


@pytest.fixture(scope="module")
def voices(default_models: Path) -> Any:
    """The real voices in this process, to speak the clerk's and the resident's words."""
    return load_synthesizer(TtsConfig(cache_max_mb=0), default_models)


@pytest.fixture
async def http(served: ServedRelay) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(served.url) as session:
        yield session


async def _counter(http: aiohttp.ClientSession, served: ServedRelay, resident_lang: str,
                   mode: str) -> tuple[WsClient, dict[str, Any]]:
    response = await http.post("/api/sessions", headers={"Authorization": f"Bearer {served.clerk_token}"},
                               json={"counter": "市民課 1番", "resident_lang": resident_lang, "mode": mode})
    assert response.status == 201, await response.text()
    session = await response.json()
    ws = WsClient(await http.ws_connect("/ws"))
    await ws.send(type="hello", protocol=1, role="counter", token=served.clerk_token,
                  session_id=session["session_id"])
    return ws, await ws.expect("welcome")


async def _speak_into(ws: WsClient, pcm16k: bytes) -> None:
    """Stream speech like the tablet's microphone: quarter-second frames, a little faster than real time."""
    await ws.send(type="audio.start", speaker="auto", sample_rate=16000)
    audio = b"\x00\x00" * 8000 + pcm16k + b"\x00\x00" * 32000
    step = 8000  # 0.25 s of s16le at 16 kHz
    for offset in range(0, len(audio), step):
        await ws.send_raw(audio[offset:offset + step])
        await asyncio.sleep(0.2)
    await ws.send(type="audio.stop")


def _speech(voices: Any, text: str, lang: str) -> bytes:
    chunks = list(voices.synthesize(text, lang))
    pcm = b"".join(chunk.pcm for chunk in chunks)
    return (to_16k(pcm, chunks[0].sample_rate) * 32767).astype("<i2").tobytes()


async def _spoken_reply(ws: WsClient, utterance_id: str, lang: str) -> tuple[bytes, int]:
    """The speech of one utterance: the PCM of the frames of its stream (a 4-byte little-endian stream
    id, then PCM s16le), between its tts.start and tts.end."""
    start = await ws.expect("tts.start", wait_s=120, utterance_id=utterance_id, lang=lang)
    ws.binary.clear()
    await ws.expect("tts.end", wait_s=120, utterance_id=utterance_id)
    stream = int(start["stream"]).to_bytes(4, "little")
    frames = [frame[4:] for frame in ws.binary if frame[:4] == stream]
    assert frames and all(len(frame) % 2 == 0 for frame in frames)
    return b"".join(frames), int(start["sample_rate"])


def test_healthz_reports_whisper_base_and_voices_for_japanese_and_english(served: ServedRelay) -> None:
    engines = _get_json(f"{served.url}/healthz")["engines"]
    assert engines["asr"]["state"] == "ready" and engines["asr"]["models"] == ["base"]
    assert engines["tts"]["state"] == "ready" and {"ja", "en"} <= set(engines["tts"]["languages"])
    assert {"kokoro-ja", "en_US-joe-medium"} <= set(engines["tts"]["models"])
    assert engines["easy_japanese"]["state"] == "ready"
    assert engines["mt"]["state"] == "missing" and "phrasebook only" in engines["mt"]["detail"]


async def test_easy_japanese_turn_from_speech_to_speech(
        served: ServedRelay, http: aiohttp.ClientSession, voices: Any, whisper_base: Any) -> None:
    # made before the tablet connects: synthesis blocks this process's loop (the first Kokoro call loads its
    # front end), and a socket whose client neither sends nor answers the relay's ping for heartbeat_s
    # plus half of it is closed by the relay, as it should be
    speech = _speech(voices, "こちらの用紙にお名前とご住所をご記入ください。", "ja")
    counter, welcome = await _counter(http, served, "ja", "easy_japanese")
    assert welcome["engines"]["tts"]["ready"]
    await _speak_into(counter, speech)
    transcript = await counter.expect("transcript", wait_s=120)
    assert (transcript["speaker"], transcript["lang"]) == ("clerk", "ja")
    assert "名前" in transcript["text"], transcript
    easy = await counter.expect("translation", wait_s=120, kind="easy_japanese")
    assert easy["lang"] == "ja" and "名前" in easy["text"] and easy["text"] != transcript["text"]
    pcm, rate = await _spoken_reply(counter, easy["utterance_id"], "ja")
    assert rate == 24000, "spoken by the Kokoro voice"
    heard = recognise(whisper_base, pcm, rate, "ja")
    assert "名前" in heard, heard
    plain = b"".join(c.pcm for c in voices.synthesize(easy["text"], "ja", TtsConfig().rate_for("translation")))
    assert len(pcm) > 1.1 * len(plain), "spoken at the slower やさしい日本語 rate"
    await counter.close()


async def test_english_speech_is_recognised_as_the_resident_hands_free(
        served: ServedRelay, http: aiohttp.ClientSession, voices: Any) -> None:
    speech = _speech(voices, "I would like to register my new address.", "en")  # before connecting, as above
    counter, welcome = await _counter(http, served, "en", "translation")
    assert "phrasebook only" in welcome["engines"]["mt"]["detail"]
    await _speak_into(counter, speech)
    transcript = await counter.expect("transcript", wait_s=120)
    assert (transcript["speaker"], transcript["lang"]) == ("resident", "en")
    assert "address" in transcript["text"].lower(), transcript
    await counter.close()


async def test_phrasebook_answer_is_spoken_in_english_by_piper(
        served: ServedRelay, http: aiohttp.ClientSession, whisper_base: Any) -> None:
    counter, _ = await _counter(http, served, "en", "translation")
    await counter.send(type="text", speaker="clerk", text="少々お待ちください。")
    phrase = await counter.expect("translation", wait_s=60, lang="en")
    assert (phrase["kind"], phrase["text"]) == ("phrasebook", "Please wait a moment.")
    pcm, rate = await _spoken_reply(counter, phrase["utterance_id"], "en")
    assert rate == 22050
    assert "wait a moment" in recognise(whisper_base, pcm, rate, "en").lower()
    await counter.close()
