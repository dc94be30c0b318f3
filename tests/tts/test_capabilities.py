"""Declared synthesizer capabilities: the language-routed synthesizer warms only engines that have a cache."""

from __future__ import annotations

from pipelines.tts.routing import LanguageRoutedSynthesizer
from tests.fakes import FakeSynthesizer


def test_routed_presynthesis_skips_an_engine_without_the_capability() -> None:
    cached, remote = FakeSynthesizer(voices=("ja",)), FakeSynthesizer(voices=("en",), presynthesize=False)
    routed = LanguageRoutedSynthesizer({"ja": cached, "en": remote})
    assert routed.capabilities.presynthesize
    assert routed.presynthesize(["お待ちください。"], "en") == 0 and remote.presynthesized == []
    assert routed.presynthesize(["お待ちください。"], "ja") == 1 and cached.presynthesized == [("お待ちください。", "ja")]


def test_routed_synthesizer_without_any_cache_declares_none() -> None:
    routed = LanguageRoutedSynthesizer({"en": FakeSynthesizer(voices=("en",), presynthesize=False)})
    assert not routed.capabilities.presynthesize
