"""The ``[tts]`` section of the relay's settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.base import EASY_JAPANESE

ENGINES = ("piper", "kokoro")


@dataclass
class TtsConfig:
    voices: list[str] = field(
        default_factory=list,
        metadata={"help": 'voice per language as "lang=voice-name"; empty = best installed voice per language'},
    )
    engines: list[str] = field(
        default_factory=lambda: ["ja=kokoro"],
        metadata={"help": 'speech engine per language as "lang=engine" (kokoro: Japanese only; piper); '
                          "languages not listed use piper; a missing Kokoro model falls back to a Piper voice"},
    )
    kokoro_model: str = field(
        default="", metadata={"help": "installed Kokoro model to load (see `madoguchi models list`); empty = the first"}
    )
    kokoro_voice: str = field(
        default="jf_alpha",
        metadata={"help": "Kokoro voice for Japanese: jf_alpha, jf_gongitsune, jf_nezumi, jf_tebukuro or jm_kumo"},
    )
    rate_translation: float = field(
        default=1.0, metadata={"help": "speaking rate for translations and back-translations (1.0 = voice default)"}
    )
    rate_easy_japanese: float = field(
        default=0.8, metadata={"help": "speaking rate for やさしい日本語 (below 1 is slower)"}
    )
    sentence_silence_s: float = field(
        default=0.2, metadata={"help": "seconds of silence appended after each spoken sentence"}
    )
    volume: float = field(default=1.0, metadata={"help": "output gain after peak normalisation (1.0 = full scale)"})
    cache_max_mb: float = field(
        default=64.0, metadata={"help": "size bound of the in-memory sentence audio cache in MB (0 disables it)"}
    )
    max_sentence_chars: int = field(
        default=120, metadata={"help": "longer sentences are cut at commas so the first audio starts sooner"}
    )
    onnx_threads: int = field(
        default=0, metadata={"help": "onnxruntime intra-op threads per voice (0 = onnxruntime default)"}
    )
    nice: int = field(
        default=10, metadata={"help": "how much lower the CPU priority of speech synthesis is than recognition and translation (Linux nice, 0-19; 0 = the same): on a busy node the final transcripts and translations come first and speech waits for free CPU (see docs/performance.md, \"Where a turn's CPU goes\")"}
    )
    max_concurrent: int = field(
        default=2, metadata={"help": "sentences synthesised at once across all sessions (relay bridge limit)"}
    )
    preload: bool = field(
        default=True, metadata={"help": "load every chosen voice at start-up instead of on first use"}
    )
    presynthesize_phrasebook: bool = field(
        default=True, metadata={"help": "synthesise the phrasebook's fixed phrases into the cache after start-up"}
    )

    def rate_for(self, target: str) -> float:
        """Speaking rate for a target language or translation kind: やさしい日本語 (``EASY_JAPANESE`` or
        kind ``easy_japanese``) gets the slow rate, everything else the translation rate."""
        return self.rate_easy_japanese if target in (EASY_JAPANESE, "easy_japanese") else self.rate_translation

    def engine_choices(self) -> dict[str, str]:
        """``engines`` as {lang: engine}; raises ``ValueError`` for a malformed entry, an unknown engine,
        or Kokoro for a language other than Japanese."""
        choices: dict[str, str] = {}
        for entry in self.engines:
            lang, sep, engine = (part.strip() for part in entry.partition("="))
            if not sep or not lang or engine not in ENGINES:
                raise ValueError(f'[tts] engines entry {entry!r} must look like "ja=kokoro" (engines: {", ".join(ENGINES)})')
            if engine == "kokoro" and lang != "ja":
                raise ValueError(f"[tts] engines entry {entry!r}: the Kokoro voices speak Japanese only")
            choices[lang] = engine
        return choices

    def voice_overrides(self) -> dict[str, str]:
        """``voices`` as {lang: voice-name}; raises ``ValueError`` for an entry that is not "lang=name"."""
        overrides: dict[str, str] = {}
        for entry in self.voices:
            lang, sep, name = entry.partition("=")
            if not sep or not lang.strip() or not name.strip():
                raise ValueError(f'[tts] voices entry {entry!r} must look like "ja=ja_JP-voice-medium"')
            overrides[lang.strip()] = name.strip()
        return overrides
