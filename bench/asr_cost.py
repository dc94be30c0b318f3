"""CPU cost of the streaming recogniser per utterance on the real Whisper base, by kind of decode.

Sessions of real counter speech (the ``bench/asr_quality.py`` corpus: Kokoro Japanese, Piper English,
LibriSpeech, jfk.flac) go through ``WhisperStream`` in 0.25 s chunks as the relay feeds it, partials on,
as fast as the decoder allows: the state machine counts audio, not the clock, so the decodes it runs
are the ones it runs at real-time pace with an idle CPU. Every decode is timed in process CPU seconds
(CTranslate2's threads included), which hardly depend on what else the machine runs — the figure to
compare settings with on a busy machine. CER / WER of the finals is printed so that a cheaper setting
can be seen not to cost accuracy. Variants: ``default`` (today's settings), ``partials-1s``
(``partial_interval_s = 1``), ``busy`` (every step is told that other sessions wait for the model,
``process(partials=False)``: what a turn costs on a saturated node, where partials thin out),
``full-window`` (Whisper's 30 s window for every decode, as wyoming-faster-whisper does).

    .venv/bin/python bench/asr_cost.py --limit-ja 20 --limit-en 6
    .venv/bin/python bench/asr_cost.py --variant default --variant busy --set cpu_threads=1
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "fixtures")]

import _asr_corpus as corpus  # noqa: E402
import _asr_runs as runs  # noqa: E402

from pipelines.asr import AsrConfig  # noqa: E402
from pipelines.asr.decoder import Context, Hypothesis, WhisperDecoder  # noqa: E402
from pipelines.asr.recognizer import WhisperRecognizer  # noqa: E402
from pipelines.base import RecognitionEvent  # noqa: E402

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "partials-1s": {"partial_interval_s": 1.0},
    "busy": {},  # the settings of "default", every step told that others wait
    "full-window": {"encoder_window_s": 30.0},
}


@dataclass
class Costs:
    """CPU seconds and number of decodes over a run."""

    cpu: float = 0.0
    count: int = 0
    encoded_s: float = 0.0  # seconds of audio the encoder saw (padding included)


class CostingDecoder:
    """A ``Decoder`` around ``WhisperDecoder`` that adds up each decode's process CPU time."""

    def __init__(self, inner: WhisperDecoder, costs: Costs) -> None:
        self._inner = inner
        self._costs = costs

    def decode(self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int,
               max_new_tokens: int, context: Context | None = None) -> Hypothesis:
        started = time.process_time()
        hyp = self._inner.decode(audio, languages, prefix, beam_size, max_new_tokens, context)
        self._costs.cpu += time.process_time() - started
        self._costs.count += 1
        frames = self._inner._encoder_frames(len(audio) // 160)  # what the encoder saw, padding included
        self._costs.encoded_s += frames / 100
        return hyp


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit-ja", type=int, default=20, help="Japanese utterances (of 200), spread evenly")
    parser.add_argument("--limit-en", type=int, default=6, help="English utterances (of 22)")
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS),
                        help="settings to compare (default: default, partials-1s, busy)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="an [asr] setting for every variant (e.g. cpu_threads=1)")
    parser.add_argument("--gap", type=float, default=1.0, help="silence between utterances (s)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


def overrides(pairs: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        kind = type(getattr(AsrConfig(), key))
        result[key] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
    return result


def stream_session(recognizer: WhisperRecognizer, audio: np.ndarray, busy: bool) -> list[RecognitionEvent]:
    """0.25 s chunks, a ``process`` after each, as the relay does (``busy``: others always waiting)."""
    stream = recognizer.new_stream(["ja", "en"], corpus.RATE)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    step = int(runs.CHUNK_S * corpus.RATE) * 2
    events: list[RecognitionEvent] = []
    for offset in range(0, len(pcm), step):
        stream.insert_audio(pcm[offset:offset + step])
        events += stream.process(partials=not busy)
    return events + stream.finish()


def measure(model: Any, sessions: list[list[corpus.Utterance]], settings: dict[str, Any],
            busy: bool) -> dict[str, Any]:
    config = AsrConfig(model="base", **settings)
    costs = Costs()
    recognizer = WhisperRecognizer(CostingDecoder(WhisperDecoder(model, config.encoder_window_s), costs), config)
    tally = runs.Tally()
    partials = 0
    started = time.process_time()
    for items in sessions:
        audio, placed = runs.session_audio(items, 1.0)
        events = stream_session(recognizer, audio, busy)
        partials += sum(e.kind == "partial" for e in events)
        runs.score_session(tally, placed, events)
    cpu = time.process_time() - started
    n = tally.utterances
    return {
        "utterances": n, "cpu_s_per_utt": cpu / n, "decode_cpu_s_per_utt": costs.cpu / n,
        "decodes_per_utt": costs.count / n, "encoded_s_per_utt": costs.encoded_s / n, "partials_shown_per_utt": partials / n,
        "cer_ja": tally.rate("ja"), "kana_ja": tally.kana_rate(), "wer_en": tally.rate("en"),
        "missing": tally.missing, "cut": tally.cut, "merged": tally.merged, "repeats": tally.repeats,
    }


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def main() -> None:
    args = parse_args()
    model = runs_model(args)
    ja, en = corpus.japanese_set(args.limit_ja), corpus.english_set(args.limit_en)
    sessions = list(corpus.conversations(ja + en, 5))
    speech_s = sum(len(u.audio()) for s in sessions for u in s) / corpus.RATE / sum(len(s) for s in sessions)
    print(f"{sum(len(s) for s in sessions)} utterances, mean {speech_s:.2f} s of audio each")
    print("| variant | decodes per utt | encoder audio s per utt | decode CPU s per utt | CPU s per utt (all) "
          "| partials shown per utt | CER ja (readings) | WER en | missing/cut/merged |")
    print("|---|---|---|---|---|---|---|---|---|")
    results = {}
    for name in args.variant or ["default", "partials-1s", "busy"]:
        r = measure(model, sessions, {**VARIANTS[name], **overrides(args.set)}, busy=name == "busy")
        results[name] = r
        print(f"| {name} | {r['decodes_per_utt']:.1f} | {r['encoded_s_per_utt']:.1f} | "
              f"{r['decode_cpu_s_per_utt']:.2f} | {r['cpu_s_per_utt']:.2f} | {r['partials_shown_per_utt']:.1f} | "
              f"{pct(r['cer_ja'])} ({pct(r['kana_ja'])}) | {pct(r['wer_en'])} | "
              f"{r['missing']}/{r['cut']}/{r['merged']} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"settings": args.set, "results": results}, indent=2), encoding="utf-8")


def runs_model(args: argparse.Namespace) -> Any:
    from faster_whisper import WhisperModel
    from real_models import whisper_base

    threads = int(overrides(args.set).get("cpu_threads", 0))
    folder = whisper_base(ROOT / ".cache" / "test-models")
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1,
                        local_files_only=True)


if __name__ == "__main__":
    main()
