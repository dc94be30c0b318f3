"""Piper voices on disk: ``<models_dir>/piper/<voice-name>/<voice-name>.onnx`` + ``.onnx.json``.

A voice's language comes from its ``.onnx.json`` (``language.family``/``language.code``, as written by
Piper's exporter), falling back to the name (``vi_VN-vais1000-medium``) and the espeak voice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.languages import is_known

log = logging.getLogger(__name__)

# Piper's phoneme types that piper-tts 1.8 can phonemise (PhonemeType in piper.config).
SUPPORTED_PHONEME_TYPES = frozenset({"espeak", "text", "pinyin", "hebrew", "japanese", "thai"})

# Piper/espeak spellings that differ from the ISO 639-1 codes Madoguchi uses.
_LANGUAGE_ALIASES = {"cmn": "zh", "yue": "zh", "fil": "tl", "jpn": "ja", "nb": "no"}

# Preference when several voices share a language. "medium" comes first: it is what a counter PC
# speaks in real time; "high" costs about three times as much for little gain through a tablet speaker.
_QUALITY_RANK = {"medium": 0, "high": 1, "low": 2, "x_low": 3, "x-low": 3}


@dataclass(frozen=True)
class VoiceInfo:
    name: str
    lang: str
    sample_rate: int
    quality: str
    phoneme_type: str
    num_speakers: int
    onnx_path: Path
    config_path: Path
    size_bytes: int


class VoiceFormatError(ValueError):
    """A folder or config that is not a usable Piper voice; the message says what is wrong."""


def language_of(config: dict[str, Any], name: str) -> str:
    """Madoguchi language code of a voice config, or "" when nothing names a language."""
    language = config.get("language") or {}
    espeak = (config.get("espeak") or {}).get("voice", "")
    candidates = [
        language.get("family", ""),
        language.get("code", "").split("_")[0],
        name.split("-")[0].split("_")[0],
        espeak.split("-")[0],
    ]
    for raw in candidates:
        code = _LANGUAGE_ALIASES.get(raw.lower(), raw.lower())
        if code and is_known(code):
            return code
    return ""


def model_file_in(folder: Path) -> Path:
    """The one ``.onnx`` of a voice folder (the one named after the folder when there are several)."""
    named = folder / f"{folder.name}.onnx"
    if named.is_file():
        return named
    models = sorted(folder.glob("*.onnx"))
    if len(models) != 1:
        found = ", ".join(p.name for p in models) or "none"
        raise VoiceFormatError(f"{folder}: expected one <voice>.onnx, found {found}")
    return models[0]


def read_voice(onnx_path: Path, name: str | None = None) -> VoiceInfo:
    """Check ``onnx_path`` and its ``.onnx.json``; raises ``VoiceFormatError`` saying what is wrong."""
    config_path = onnx_path.with_name(onnx_path.name + ".json")
    voice_name = name or onnx_path.stem
    if not config_path.is_file():
        raise VoiceFormatError(f"{onnx_path.name} has no {config_path.name} next to it (a Piper voice is a pair)")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        sample_rate = int(config["audio"]["sample_rate"])
        phoneme_type = str(config.get("phoneme_type", "espeak"))
        num_speakers = int(config["num_speakers"])
        if not config["phoneme_id_map"]:
            raise KeyError("phoneme_id_map")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise VoiceFormatError(f"{config_path.name} is not a Piper voice config ({err!r})") from err
    if phoneme_type not in SUPPORTED_PHONEME_TYPES:
        raise VoiceFormatError(f"{config_path.name}: phoneme_type {phoneme_type!r} is not supported by piper-tts")
    lang = language_of(config, voice_name)
    if not lang:
        raise VoiceFormatError(f"{config_path.name}: no language Madoguchi knows (language={config.get('language')})")
    quality = str((config.get("audio") or {}).get("quality") or voice_name.rsplit("-", 1)[-1])
    return VoiceInfo(
        name=voice_name, lang=lang, sample_rate=sample_rate, quality=quality, phoneme_type=phoneme_type,
        num_speakers=num_speakers, onnx_path=onnx_path, config_path=config_path,
        size_bytes=folder_size(onnx_path.parent),
    )


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def voices_dir(models_dir: Path) -> Path:
    return models_dir / "piper"


def discover_voices(models_dir: Path) -> list[VoiceInfo]:
    """Every usable voice under ``<models_dir>/piper``; broken folders are logged and skipped."""
    root = voices_dir(models_dir)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            found.append(read_voice(model_file_in(folder), name=folder.name))
        except VoiceFormatError as err:
            log.warning("skipping piper voice folder: %s", err)
    return found


def choose_voices(voices: list[VoiceInfo], overrides: dict[str, str]) -> tuple[dict[str, VoiceInfo], list[str]]:
    """One voice per language: the configured one when installed, else the best by quality.

    Returns the choice and warnings about configured voices that could not be honoured.
    """
    by_name = {v.name: v for v in voices}
    chosen: dict[str, VoiceInfo] = {}
    for voice in sorted(voices, key=lambda v: (_QUALITY_RANK.get(v.quality, 9), v.name)):
        chosen.setdefault(voice.lang, voice)
    warnings = []
    for lang, name in overrides.items():
        wanted = by_name.get(name)
        if wanted is None:
            warnings.append(f"configured voice {name} for {lang} is not installed")
        elif wanted.lang != lang:
            warnings.append(f"configured voice {name} speaks {wanted.lang}, not {lang}")
        else:
            chosen[lang] = wanted
    return chosen, warnings
