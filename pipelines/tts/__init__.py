"""Speech output on piper-tts: one voice per language, streamed sentence by sentence.

``load_synthesizer`` finds the voices under ``<models_dir>/piper/`` and returns a ``Synthesizer``;
``pipelines.tts.models.PiperModels`` installs, fetches, lists and removes them.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.base import ModelMissing
from pipelines.tts.config import TtsConfig
from pipelines.tts.engine import PiperSynthesizer
from pipelines.tts.voices import choose_voices, discover_voices, voices_dir

__all__ = ["PiperSynthesizer", "TtsConfig", "load_synthesizer"]


def load_synthesizer(config: TtsConfig, models_dir: Path) -> PiperSynthesizer:
    """The synthesiser for the installed voices; raises ``ModelMissing`` when none is usable and
    ``ValueError`` for a malformed ``[tts] voices`` entry."""
    overrides = config.voice_overrides()
    installed = discover_voices(models_dir)
    if not installed:
        raise ModelMissing(
            f"no piper voice installed under {voices_dir(models_dir)}; install one with "
            "`madoguchi models install piper <voice folder or archive>` (or `madoguchi models fetch piper "
            "<voice name>` where a network exists)"
        )
    chosen, warnings = choose_voices(installed, overrides)
    synthesizer = PiperSynthesizer(chosen, config, warnings)
    if config.preload:
        synthesizer.preload()
        if not synthesizer.has_any_voice():
            raise ModelMissing(f"no piper voice could be loaded: {synthesizer.status().detail}")
    return synthesizer
