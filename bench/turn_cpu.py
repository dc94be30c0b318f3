"""Where one turn's CPU goes, stage by stage, on the models of ``bench/e2e.py``.

The turns of ``bench/e2e.py`` (the clerk's espeak-ng Japanese and the resident's English, 0.3 s before
the speech and 2 s of silence after it, in 0.25 s steps as the relay feeds its recogniser) go through the
engines the relay loads — the real Whisper base, Kokoro Japanese and Piper en_US-joe-medium voices,
transformer-base translation with random weights (cut at the source length and read out as the reference
sentence, as in ``bench/e2e.py``) — one stage after the other in this one process, doing what the relay
does for each event: a partial decoded at a pause (``final_text``) starts the translation at the pause
and the synthesis of its first sentence; the final claims them when its text is the same, or they were
made for nothing; the clerk's translations are back-translated; every translation is spoken.

Each stage is timed in process CPU seconds (CTranslate2's and onnxruntime's threads included). Nothing
else runs in the process at the same time, so each second belongs to its stage; CPU seconds hardly depend
on what else the machine runs, unlike latencies. ``--set SECTION.KEY=VALUE`` changes a relay setting
(``asr.cpu_threads=1``, ``mt.beam_size=1`` …). Recognition runs as on an idle node (every step may decode
a partial) unless ``--busy`` (every step is told that other sessions wait: what a turn costs on a busy
node with ``[asr] skip_partials_when_busy``).

    .venv/bin/python bench/turn_cpu.py --rounds 2
    .venv/bin/python bench/turn_cpu.py --rounds 2 --busy --set asr.cpu_threads=1

``--utterances`` and ``--mt-size small`` make a short run (the tests' smoke run).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _e2e_stack import Speech, prepare_models, speak_reference_translations, speech_set  # noqa: E402
from e2e import setting_overrides  # noqa: E402

from pipelines.asr.decoder import Context, Hypothesis  # noqa: E402
from pipelines.asr.stream import WhisperStream  # noqa: E402
from pipelines.base import RecognitionEvent  # noqa: E402

STEP_S = 0.25  # the relay's AUDIO_SECONDS_PER_DECODE
RATE = 16000


class Ledger:
    """CPU seconds and counts by stage."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def add(self, stage: str, cpu: float) -> None:
        self.cpu[stage] += cpu
        self.count[stage] += 1


class LabelledDecoder:
    """A ``Decoder`` that books each decode's CPU under the label its stream set just before."""

    def __init__(self, inner: Any, ledger: Ledger) -> None:
        self.inner, self.ledger, self.label = inner, ledger, "asr.other"

    def decode(self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int,
               max_new_tokens: int, context: Context | None = None) -> Hypothesis:
        started = time.process_time()
        try:
            return self.inner.decode(audio, languages, prefix, beam_size, max_new_tokens, context)
        finally:
            self.ledger.add(self.label, time.process_time() - started)


def labelled_stream(decoder: LabelledDecoder) -> type[WhisperStream]:
    """``WhisperStream`` that names the decode it is about to run: partial, pause, final, retry."""

    class Labelled(WhisperStream):
        def _maybe_partial(self, partials: bool) -> list[RecognitionEvent]:
            decoder.label = "asr.pause decode" if self._pause_span() is not None else "asr.partial decode"
            return super()._maybe_partial(partials)

        def _sounds_finished(self) -> bool:
            decoder.label = "asr.pause decode"
            return super()._sounds_finished()

        def _on_boundary(self, boundary: Any) -> list[RecognitionEvent]:
            decoder.label = "asr.final decode"
            return super()._on_boundary(boundary)

        def _decode(self, start: int, end: int, beam_size: int, prefix: str, pad_s: float = 0.0) -> Hypothesis:
            if pad_s:
                decoder.label = "asr.final repeat-retry"
            return super()._decode(start, end, beam_size, prefix, pad_s)

    return Labelled


class Turns:
    """The relay's work for each turn, one stage after the other."""

    def __init__(self, engines: Any, ledger: Ledger, decoder: LabelledDecoder, back_translation: bool,
                 tts: bool, busy: bool) -> None:
        self.engines, self.ledger, self.decoder = engines, ledger, decoder
        self.back_translation, self.tts, self.busy = back_translation, tts, busy
        self.partials = 0
        self.texts: list[tuple[str, str]] = []

    def timed(self, stage: str, fn: Any, *args: Any) -> Any:
        started = time.process_time()
        try:
            return fn(*args)
        finally:
            self.ledger.add(stage, time.process_time() - started)

    def speak(self, stage: str, text: str, lang: str, rest: Any = None, first_only: bool = False) -> Any:
        """Synthesise ``text`` (or the ``rest`` of a synthesis begun at the pause); ``first_only``: its
        first sentence, returning the iterator of the rest, as the relay does at a pause."""
        synth = self.engines.synthesizer
        if not self.tts or not synth.has_voice(lang):
            return None

        def run() -> Any:
            chunks = rest if rest is not None else synth.synthesize(text, lang, 1.0)
            for _ in chunks:
                if first_only:
                    break
            return chunks

        return self.timed(stage, run)

    def turn(self, speech: Speech) -> None:
        stream = self.engines.recognizer.new_stream(["ja", "en"], RATE)
        events: list[RecognitionEvent] = []
        step = int(STEP_S * RATE) * 2
        for offset in range(0, len(speech.pcm), step):
            stream.insert_audio(speech.pcm[offset:offset + step])
            events += self.recognise(stream.process, not self.busy)
        events += self.recognise(stream.finish)
        self.ledger.add("turns", 0.0)

    def recognise(self, call: Any, *args: Any) -> list[RecognitionEvent]:
        """Run one step of the recogniser (its CPU outside decodes booked as VAD and the rest), then
        do for its events what the relay does."""
        before = sum(self.ledger.cpu[k] for k in self.ledger.cpu if k.startswith("asr."))
        started = time.process_time()
        events = list(call(*args))
        decodes = sum(self.ledger.cpu[k] for k in self.ledger.cpu if k.startswith("asr.")) - before
        self.ledger.cpu["asr.VAD, resampling, rest"] += time.process_time() - started - decodes
        for event in events:
            self.on_event(event)
        return events

    early: tuple[str, str, Any, Any] | None = None  # (text, lang, translation, rest of its speech) of a pause

    def on_event(self, event: RecognitionEvent) -> None:
        target = "en" if event.lang == "ja" else "ja"
        translator = self.engines.translator
        if event.kind == "partial":
            self.partials += 1
            if self.early is not None and event.final_text == self.early[0]:
                return
            self.discard()
            if event.final_text:
                t = self.timed("mt.translation at the pause", translator.translate, event.final_text, event.lang, target)
                rest = self.speak(f"tts.first sentence at the pause ({target})", t.text, target, first_only=True)
                self.early = (event.final_text, event.lang, t, rest)
            return
        text = event.text.strip()
        if not text:
            self.discard()
            return
        self.texts.append((event.lang, text))
        rest = None
        if self.early is not None and self.early[:2] == (text, event.lang):
            translation, rest = self.early[2], self.early[3]
            self.ledger.add("mt.claimed at the final", 0.0)
            self.early = None
        else:
            self.discard()
            translation = self.timed("mt.translation at the final", translator.translate, text, event.lang, target)
        if event.lang == "ja" and self.back_translation:
            self.timed("mt.back-translation", translator.translate, translation.text, target, "ja")
        self.speak(f"tts.speech ({target}, after the first sentence when begun at the pause)",
                   translation.text, target, rest)

    def discard(self) -> None:
        if self.early is not None:
            self.ledger.add("mt.thrown away (translations at a pause)", 0.0)
            self.early = None


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2, help="times each of the 8 e2e utterances is spoken")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    parser.add_argument("--busy", action="store_true", help="every recogniser step is told others wait")
    parser.add_argument("--no-tts", action="store_true", help="no speech output (relay.tts_default=false)")
    parser.add_argument("--utterances", type=int, default=4, help="how many of each speaker's 4 utterances are spoken")
    parser.add_argument("--mt-size", choices=("base", "small"), default="base",
                        help="transformer-base (random weights), or the tiny test packages (smoke test)")
    parser.add_argument("--json", type=Path)
    return parser.parse_args()


def load(overrides: dict[str, dict[str, Any]], mt_size: str) -> tuple[Any, Any]:
    from relay.engines.loading import load_relay_engines
    from relay.settings import load_settings

    models = prepare_models(mt_size)
    sections = {"models": {"dir": str(models)}, "mt": {"cache_size": 0},
                "tts": {"cache_max_mb": 0, "presynthesize_phrasebook": False}}
    for section, values in overrides.items():
        sections.setdefault(section, {}).update(values)
    settings = load_settings(env={}, overrides=sections)
    speak_reference_translations()
    return settings, load_relay_engines(settings)


def main() -> None:
    args = parse_args()
    settings, engines = load(setting_overrides(args.set), args.mt_size)
    ledger = Ledger()
    decoder = LabelledDecoder(engines.recognizer.decoder, Ledger())  # the warm-up's ledger, then ``ledger``
    engines.recognizer = engines.recognizer.with_decoder(decoder)
    engines.recognizer.stream_class = labelled_stream(decoder)
    turns = Turns(engines, decoder.ledger, decoder, settings.relay.back_translation, not args.no_tts, args.busy)
    speech = speech_set(lead_s=0.3, tail_s=2.0)
    turns.turn(speech["clerk"][0])  # warm-up: first calls load and allocate
    turns.turn(speech["resident"][0])
    turns.ledger = decoder.ledger = ledger
    turns.partials, turns.texts = 0, []
    started = time.process_time()
    for _ in range(args.rounds):
        for clerk, resident in zip(speech["clerk"][:args.utterances], speech["resident"][:args.utterances],
                                   strict=True):
            turns.turn(clerk)
            turns.turn(resident)
    report(ledger, time.process_time() - started, turns, args)


def report(ledger: Ledger, total: float, turns: Turns, args: argparse.Namespace) -> None:
    n = ledger.count["turns"]
    print(f"{n} turns ({'busy' if args.busy else 'idle'} node; settings {args.set or 'default'}; "
          f"speech output {'off' if args.no_tts else 'on'}); {turns.partials / n:.1f} partial events per turn")
    print("| stage | CPU s per turn | calls per turn | CPU s per call |")
    print("|---|---|---|---|")
    for stage in sorted(k for k in set(ledger.cpu) | set(ledger.count) if k != "turns"):
        calls = ledger.count[stage]
        per_call = f"{ledger.cpu[stage] / calls:.3f}" if calls and ledger.cpu[stage] else "—"
        print(f"| {stage} | {ledger.cpu[stage] / n:.3f} | {calls / n:.2f} | {per_call} |")
    print(f"| **all (this process)** | **{total / n:.3f}** | | |")
    for lang, text in turns.texts[:8]:
        print(f"  {lang}: {text}")
    if args.json:
        args.json.write_text(json.dumps({"turns": n, "total_cpu_s": total, "cpu": ledger.cpu, "count": ledger.count,
                                         "partials": turns.partials, "settings": args.set, "busy": args.busy}, indent=2))


if __name__ == "__main__":
    main()
