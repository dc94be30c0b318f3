"""The relay with the real engines: tiny random-weight models in the real formats, installed with the
real model managers (as `madoguchi models install` does) and loaded by the app itself at start-up.

Random weights produce meaningless text, so these tests check what a user would notice of the wiring:
every engine reported ready, translations and back-translations of the right kinds and languages,
phrasebook answers verbatim, furigana in easy-Japanese mode, speech audio at the voice's rate, and
speech recognised into a transcript — all with the network disabled.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from pipelines.asr.models import WhisperModels
from pipelines.mt.models import ArgosModels
from pipelines.tts.models import PiperModels
from relay.app import create_app
from relay.settings import load_settings
from relay.wire.protocol import parse_audio_frame
from tests.relay.conftest import Relay

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-models"
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

from build_argos import cached_package  # noqa: E402
from build_piper import VoiceSpec, cached_voice  # noqa: E402
from build_whisper import ensure_model  # noqa: E402

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def installed_models(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    models = tmp_path_factory.mktemp("models")
    whisper = WhisperModels().install(models, ensure_model("test", CACHE), name="test-tiny")
    for pair in (("ja", "en"), ("en", "ja")):
        ArgosModels().install(models, cached_package(*pair))
    for spec in (VoiceSpec("ja_JP-random-x_low", "ja", 16000, "japanese"),
                 VoiceSpec("en_US-random-medium", "en", 22050)):
        PiperModels().install(models, cached_voice(CACHE / "piper", spec))
    return models, whisper.name


@pytest.fixture
async def relay(aiohttp_client: Any, tmp_path: Path, installed_models: tuple[Path, str]) -> Relay:
    models, whisper_name = installed_models
    settings = load_settings(env={}, overrides={
        "store": {"path": str(tmp_path / "relay.sqlite3")}, "models": {"dir": str(models)},
        # the guard drops nearly everything a random-weight model says; it has its own tests in tests/asr
        "asr": {"model": whisper_name, "hallucination_guard": False}, "relay": {"languages": ["en"]},
    })
    relay = Relay(await aiohttp_client(create_app(settings)))  # engines loaded by the app itself
    _, relay.tokens["clerk"] = await relay.ctx.auth.add_token("clerk", "counter")
    return relay


async def test_every_engine_is_loaded_and_reported_ready(relay: Relay) -> None:
    body = await (await relay.client.get("/healthz")).json()
    assert {name: e["state"] for name, e in body["engines"].items()} == {
        "asr": "ready", "mt": "ready", "tts": "ready", "easy_japanese": "ready"}
    languages = await (await relay.client.get("/api/languages", headers=relay.auth("clerk"))).json()
    english = next(lang for lang in languages["languages"] if lang["code"] == "en")
    assert english["mt_from_ja"] and english["mt_to_ja"] and english["tts"] and english["phrasebook"] > 0.9


async def test_clerk_words_are_translated_spoken_and_back_translated(relay: Relay) -> None:
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="住民票の写しを発行します。手数料は300円です。")
    translation = await counter.expect("translation", lang="en")
    assert translation["kind"] == "translation" and 0.0 <= translation["confidence"] <= 1.0
    assert "certificate of residence" in translation["text"], "the glossary's preferred term survives MT"
    # the back-translation does not wait for the speech (relay.turns.speech): they come in either order
    back = await counter.expect("translation", kind="back_translation")
    assert back["lang"] == "ja" and "住民票" in back["text"]
    if not any(m["type"] == "tts.end" for m in counter.seen):
        await counter.expect("tts.end", wait_s=60)
    start = next(m for m in counter.seen if m["type"] == "tts.start")
    assert start["lang"] == "en" and start["sample_rate"] == 22050
    assert counter.binary and all(len(frame) % 2 == 0 and parse_audio_frame(frame)[0] == start["stream"]
                                  for frame in counter.binary)


async def test_phrasebook_phrase_bypasses_mt(relay: Relay) -> None:
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="少々お待ちください。")
    phrase = await counter.expect("translation", lang="en")
    assert (phrase["kind"], phrase["text"], phrase["confidence"]) == ("phrasebook", "Please wait a moment.", 1.0)


async def test_easy_japanese_mode_with_furigana_and_japanese_voice(relay: Relay) -> None:
    session = await relay.create_session("ja", mode="easy_japanese")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="転入届をご提出ください。")
    easy = await counter.expect("translation", kind="easy_japanese")
    assert easy["lang"] == "ja" and "ご提出" not in easy["text"] and easy["ruby"]
    span = easy["ruby"][0]
    assert easy["text"][span["start"]:span["end"]] and span["reading"]
    start = await counter.expect("tts.start", lang="ja")
    assert start["sample_rate"] == 16000


async def test_spoken_japanese_becomes_a_transcript(relay: Relay) -> None:
    from tests.asr.conftest import espeak

    pcm, rate = espeak("きょうは じゅうみんひょうの うつしを とりに きました。", "ja")
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="audio.start", speaker="auto", sample_rate=rate)
    silence = b"\x00\x00" * rate
    pcm = silence + pcm
    step = rate // 2 * 2  # half a second of s16le
    for offset in range(0, len(pcm + silence), step):
        await counter.send_raw((pcm + silence)[offset:offset + step])
    await counter.send(type="audio.stop")
    transcript = await counter.expect("transcript", wait_s=60)
    assert transcript["lang"] in ("ja", "en") and 0.0 <= transcript["confidence"] <= 1.0
    assert transcript["speaker"] == ("clerk" if transcript["lang"] == "ja" else "resident")
