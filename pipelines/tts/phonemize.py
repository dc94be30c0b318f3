"""Text of one sentence → the phonemes a Piper voice was trained on.

Most voices go through piper's own phonemiser for their ``phoneme_type`` (espeak-ng bundled in the
piper-tts wheel, or piper's pinyin/hebrew/thai front ends). Japanese is different: espeak-ng cannot read
kanji (it spells out Unicode character names) and reads the particle は as "ha", so every Japanese voice —
whether its config says ``japanese`` or ``espeak`` — goes through OpenJTalk (``pyopenjtalk-plus``, which
carries its dictionary) via piper's ``JapanesePhonemizer``: OpenJTalk phones with pitch-accent marks mapped
to IPA. Phonemes the voice's ``phoneme_id_map`` does not know are dropped rather than sent to the model.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from piper import PiperVoice

log = logging.getLogger(__name__)

Phonemizer = Callable[[str], list[str]]

_japanese: Any = None
_japanese_lock = threading.Lock()


def _japanese_phonemizer() -> Any:
    """One shared OpenJTalk front end; creating it loads the dictionary, so do it once."""
    global _japanese
    with _japanese_lock:
        if _japanese is None:
            from piper.phonemize_japanese import JapanesePhonemizer

            _japanese = JapanesePhonemizer()
        return _japanese


def phonemizer_for(voice: PiperVoice, lang: str) -> Phonemizer:
    """A sentence phonemiser for ``voice``; raises ``ImportError`` when a front end is not installed."""
    known = frozenset(voice.config.phoneme_id_map)
    if lang == "ja" and voice.config.phoneme_type.value in ("japanese", "espeak"):
        openjtalk = _japanese_phonemizer()
        return lambda sentence: _keep_known(_flatten(openjtalk.phonemize(sentence)), known, lang)
    return lambda sentence: _keep_known(_flatten(voice.phonemize(sentence)), known, lang)


def _flatten(sentences: list[list[str]]) -> list[str]:
    # The caller already split sentences; a front end that splits further (espeak on "e.g. this")
    # still belongs to one audio chunk.
    return [phoneme for sentence in sentences for phoneme in sentence]


def _keep_known(phonemes: list[str], known: frozenset[str], lang: str) -> list[str]:
    missing = {p for p in phonemes if p not in known}
    if missing:
        log.debug("voice for %s has no id for phonemes %s; dropped", lang, sorted(missing))
    return [p for p in phonemes if p in known]
