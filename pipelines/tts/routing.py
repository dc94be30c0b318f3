"""One ``Synthesizer`` over several engines: each language goes to the engine configured for it.

Japanese goes to Kokoro by default (Piper has no good Japanese voice), every other language to Piper;
``[tts] engines`` changes that per language.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pipelines.base import AudioChunk, EngineStatus, EngineUnavailable, Synthesizer, SynthesizerCapabilities


class LanguageRoutedSynthesizer:
    """``pipelines.base.Synthesizer`` that forwards each call to the engine chosen for its language."""

    def __init__(self, routes: dict[str, Synthesizer], warnings: Iterable[str] = ()) -> None:
        self._routes = dict(routes)
        self._warnings = list(warnings)
        # warming a cache is offered when one of the engines has a cache
        self.capabilities = SynthesizerCapabilities(
            presynthesize=any(e.capabilities.presynthesize for e in self._routes.values()))

    def engine_for(self, lang: str) -> Synthesizer:
        engine = self._routes.get(lang)
        if engine is None:
            raise EngineUnavailable(f"no voice installed for {lang!r}; the text is still shown")
        return engine

    def status(self) -> EngineStatus:
        engines = list({id(e): e for e in self._routes.values()}.values())
        statuses = [e.status() for e in engines]
        detail = "; ".join(s.detail for s in statuses)
        if self._warnings:
            detail += "; " + "; ".join(self._warnings)
        models = tuple(sorted({m for s in statuses for m in s.models}))
        return EngineStatus(name="tts", ready=bool(self._routes), detail=detail, models=models,
                            languages=tuple(sorted(self._routes)))

    def has_voice(self, lang: str) -> bool:
        engine = self._routes.get(lang)
        return engine is not None and bool(engine.has_voice(lang))

    def sample_rate(self, lang: str) -> int:
        return self.engine_for(lang).sample_rate(lang)

    def load_voice(self, lang: str) -> None:
        self.engine_for(lang).load_voice(lang)

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        return self.engine_for(lang).synthesize(text, lang, rate)

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        engine = self.engine_for(lang)
        return engine.presynthesize(texts, lang, rate) if engine.capabilities.presynthesize else 0

    def phonemize(self, text: str, lang: str) -> Any:
        engine: Any = self.engine_for(lang)  # Piper and Kokoro have it: ``madoguchi check`` only
        return engine.phonemize(text, lang)
