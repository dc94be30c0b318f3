"""TTS benchmark: real-time factor and time to first audio of the synthesiser (Piper, and Kokoro for
Japanese when ``--models-dir`` holds it: ``--models-dir .cache/registry-models`` after the real-model tests
or ``make serve`` measures the real default voices).

By default it builds (once, cached under ``.cache/test-models/piper/``) random-weight voices with the layer
sizes of Piper's "medium" quality — ~15 M parameters, 60 MB, 22.05 kHz — for Japanese (OpenJTalk front end)
and English (espeak-ng front end), so the figures are what a real medium voice costs on this machine.
``--models-dir`` benchmarks the voices installed there instead. The lead's ``bench/mt_tts.py`` calls
``run_tts_benchmark(argv)`` and prints the returned Markdown.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "test-models" / "piper"

TEXTS = {
    "ja": "本日はお越しいただきありがとうございます。住民票の写しが必要ですね。こちらの用紙にお名前とご住所をご記入ください。",
    "en": "Thank you for coming today. You need a copy of your residence certificate. "
          "Please write your name and address on this form.",
}
PHRASE = {"ja": "番号札をお取りください。", "en": "Please take a number ticket."}


@dataclass(frozen=True)
class Row:
    voice: str
    lang: str
    rate: float
    sentences: int
    audio_s: float
    synth_s: float
    first_audio_ms: float

    @property
    def rtf(self) -> float:
        return self.synth_s / self.audio_s if self.audio_s else float("nan")

    def markdown(self) -> str:
        return (f"| {self.voice} | {self.lang} | {self.rate:.1f} | {self.sentences} | {self.audio_s:.2f} | "
                f"{self.synth_s:.2f} | {self.rtf:.3f} | {self.first_audio_ms:.0f} |")


def _bench_voices(models_dir: Path | None) -> Path:
    """A models dir holding the voices to measure (built medium-dimension voices by default)."""
    if models_dir is not None:
        return models_dir
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from build_piper import VoiceSpec, cached_voice

    target = Path(tempfile.mkdtemp(prefix="madoguchi-tts-bench-")) / "models"
    for spec in (VoiceSpec("ja_JP-random-medium", "ja", 22050, "japanese", medium=True),
                 VoiceSpec("en_US-random-medium", "en", 22050, "espeak", medium=True)):
        folder = target / "piper" / spec.name
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.symlink_to(cached_voice(CACHE, spec), target_is_directory=True)
    return target


def _measure(synth: Any, voice: str, lang: str, text: str, rate: float, repeats: int) -> Row:
    best: Row | None = None
    for _ in range(repeats):
        started = time.perf_counter()
        first = 0.0
        audio_s = 0.0
        count = 0
        for chunk in synth.synthesize(text, lang, rate):
            if not first:
                first = time.perf_counter() - started
            audio_s += len(chunk.pcm) / 2 / chunk.sample_rate
            count += 1
        row = Row(voice, lang, rate, count, audio_s, time.perf_counter() - started, first * 1000)
        best = row if best is None or row.synth_s < best.synth_s else best
    assert best is not None
    return best


def run_tts_benchmark(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(prog="tts-bench", description="Piper TTS speed")
    parser.add_argument("--models-dir", type=Path, default=None, help="benchmark installed voices instead")
    parser.add_argument("--threads", type=int, default=0, help="onnxruntime threads per voice (0 = default)")
    parser.add_argument("--repeats", type=int, default=2, help="runs per text; the fastest is reported")
    args = parser.parse_args(argv)

    from pipelines.tts import TtsConfig, load_synthesizer

    models_dir = _bench_voices(args.models_dir)
    started = time.perf_counter()
    # cache off: every run must synthesise; sentence silence off: RTF of speech alone
    synth = load_synthesizer(TtsConfig(cache_max_mb=0, sentence_silence_s=0.0, onnx_threads=args.threads),
                             models_dir)
    load_s = time.perf_counter() - started
    rows = []
    for lang in synth.status().languages:
        voice = _voice_name(synth, lang)
        text = TEXTS.get(lang, TEXTS["en"])
        list(synth.synthesize(PHRASE.get(lang, "Hello."), lang))  # warm-up: first run allocates
        rows += [_measure(synth, voice, lang, text, rate, args.repeats) for rate in (1.0, 0.8)]
    cached = load_synthesizer(TtsConfig(sentence_silence_s=0.0, onnx_threads=args.threads), models_dir)
    cache_lines = _cached_first_audio(cached)
    return _report(rows, cache_lines, load_s, args.threads, args.models_dir is None)


def _voice_name(synth: Any, lang: str) -> str:
    """The voice that speaks ``lang`` (Kokoro for Japanese by default, a Piper voice otherwise)."""
    engine = synth.engine_for(lang) if hasattr(synth, "engine_for") else synth
    if hasattr(engine, "voice_name"):
        return str(engine.voice_name)
    return str(engine._voice(lang).info.name)


def _cached_first_audio(synth: Any) -> list[str]:
    lines = []
    for lang in synth.status().languages:
        phrase = PHRASE.get(lang, "Hello.")
        synth.presynthesize([phrase], lang, 1.0)
        started = time.perf_counter()
        next(synth.synthesize(phrase, lang, 1.0))
        lines.append(f"- cached phrasebook sentence ({lang}): first audio after "
                     f"{(time.perf_counter() - started) * 1000:.2f} ms")
    return lines


def _report(rows: list[Row], cache_lines: list[str], load_s: float, threads: int, built: bool) -> str:
    what = ("random-weight voices with Piper medium dimensions (VITS: hidden 192, filter 768, 6 encoder "
            "layers, 4 flows, HiFi-GAN 256·8·8·4; ~15 M parameters, 60 MB .onnx, 22.05 kHz), built by "
            "tests/fixtures/build_piper.py" if built else "installed voices")
    lines = [
        "## TTS (piper-tts)",
        "",
        f"Voices: {what}. onnxruntime threads: {threads or 'default'}; voices loaded in {load_s:.2f} s. "
        "RTF = synthesis time / audio duration (lower is faster; < 1 is faster than real time). "
        "First audio = time until the first sentence's PCM is ready. Fastest of the repeats.",
        "",
        "| voice | lang | rate | sentences | audio s | synth s | RTF | first audio ms |",
        "|---|---|---|---|---|---|---|---|",
        *(row.markdown() for row in rows),
        "",
        *cache_lines,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run_tts_benchmark(sys.argv[1:]))
