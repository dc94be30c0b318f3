"""Speech quality of the streaming recogniser on the real Whisper base (issue 16).

Japanese counter speech made with the five Kokoro voices (200 utterances, rates 0.9–1.1) and English
resident speech (Piper joe, LibriSpeech, jfk.flac), clean and with pink noise at 20 dB and 10 dB SNR
(see ``bench/_asr_corpus.py``). Sessions hold five utterances separated by ``--gap`` seconds of
silence, Japanese and English mixed as at a counter, with the languages restricted to ja + en.

Reported: character error rate (ja) and word error rate (en) of the finals through the streaming
recogniser with today's settings (``stream``: the glossary correction by reading on, the glossary
prompt off), without either (``plain``), with only the glossary prompt (``hint``) or with both
(``hint+correction``), with Whisper's full 30 s encoder window (``stream-30s``), and with offline
whole-utterance decoding (``offline``: faster-whisper ``transcribe``, greedy, 30 s window, the language
given, no glossary); language routing (ja vs en), endpointing errors (an utterance cut in two, two merged,
one with no final), finals that silence and noise produce, and end-of-speech → final latency at real-time
pace for 1, 4, 8 and 16 concurrent sessions.

Accuracy runs feed audio faster than real time (the state machine is I/O free) and without partials:
a final does not depend on them (it is decoded afresh, without their prefix). Latency runs pace audio on
the wall clock, partials included. Everything runs on the CPU it is started on; say how loaded it was.

    .venv/bin/python bench/asr_quality.py                       # everything (slow on 2 cores)
    .venv/bin/python bench/asr_quality.py --limit-ja 60 --conditions clean --settings stream,offline
    .venv/bin/python bench/asr_quality.py --only latency --latency 1,4
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "fixtures")]

import _asr_corpus as corpus  # noqa: E402
import _asr_runs as runs  # noqa: E402

CONDITIONS = {"clean": None, "20dB": 20.0, "10dB": 10.0}
SETTINGS: dict[str, dict[str, Any]] = {
    "plain": {"glossary_correction": False}, "hint": {"glossary_hint": True, "glossary_correction": False},
    "stream": {}, "hint+correction": {"glossary_hint": True}, "stream-30s": {"encoder_window_s": 30.0},
    "offline": {},
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit-ja", type=int, default=None, help="Japanese utterances (of 200), spread evenly")
    parser.add_argument("--limit-en", type=int, default=None, help="English utterances (of 22)")
    parser.add_argument("--conditions", default="clean,20dB,10dB", help="of: " + ",".join(CONDITIONS))
    parser.add_argument("--settings", default=",".join(SETTINGS), help="of: " + ",".join(SETTINGS))
    parser.add_argument("--full-window-conditions", default="clean",
                        help="conditions for stream-30s (five times slower on a CPU)")
    parser.add_argument("--latency", default="1,4,8,16", help="concurrent sessions for the latency run")
    parser.add_argument("--latency-sessions", type=int, default=3, help="different sessions (5 utterances each)")
    parser.add_argument("--gap", type=float, default=1.0, help="silence between utterances of a session (s)")
    parser.add_argument("--noise-seconds", type=float, default=60.0)
    parser.add_argument("--only", choices=("accuracy", "noise", "latency"), action="append")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args()


def load_model() -> Any:
    from faster_whisper import WhisperModel
    from real_models import whisper_base

    folder = whisper_base(ROOT / ".cache" / "test-models")
    return WhisperModel(str(folder), device="cpu", compute_type="int8", num_workers=2, local_files_only=True)


def mixed_sessions(args: argparse.Namespace) -> list[list[corpus.Utterance]]:
    """Five utterances a session; the English ones spread among the Japanese ones."""
    ja, en = corpus.japanese_set(args.limit_ja), corpus.english_set(args.limit_en)
    every = max(1, len(ja) // max(1, len(en)))
    mixed: list[corpus.Utterance] = []
    for index, utt in enumerate(ja):
        mixed.append(utt)
        if en and (index + 1) % every == 0:
            mixed.append(en.pop(0))
    mixed += en
    return list(corpus.conversations(mixed, 5))


def accuracy(model: Any, args: argparse.Namespace, sessions: list[list[corpus.Utterance]]) -> list[dict[str, Any]]:
    rows = []
    for setting in args.settings.split(","):
        for condition in args.conditions.split(","):
            if setting == "stream-30s" and condition not in args.full_window_conditions.split(","):
                continue
            started = time.perf_counter()
            snr = CONDITIONS[condition]
            if setting == "offline":
                tally = runs.run_offline(model, sessions, snr, args.gap)
            else:
                tally = runs.run_streaming(runs.make_recognizer(model, **SETTINGS[setting]), sessions, snr, args.gap)
            rows.append(row(setting, condition, tally, time.perf_counter() - started))
            print(format_row(rows[-1]), flush=True)
    return rows


def row(setting: str, condition: str, tally: runs.Tally, seconds: float) -> dict[str, Any]:
    return {
        "setting": setting, "condition": condition, "cer_ja": tally.rate("ja"), "kana_ja": tally.kana_rate(),
        "wer_en": tally.rate("en"),
        "utterances": tally.utterances, "routing": tally.routed_right / max(1, tally.utterances),
        "cut": tally.cut, "merged": tally.merged, "missing": tally.missing, "repeats": tally.repeats,
        "seconds": round(seconds, 1), "worst": tally.examples[:5], "cut_examples": tally.endpoint_examples,
    }


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def format_row(r: dict[str, Any]) -> str:
    return (f"| {r['setting']} | {r['condition']} | {pct(r['cer_ja'])} | {pct(r['kana_ja'])} | {pct(r['wer_en'])} "
            f"| {pct(r['routing'])} "
            f"| {r['cut']} / {r['merged']} / {r['missing']} | {r['repeats']} | {r['utterances']} | {r['seconds']} |")


def latency(model: Any, args: argparse.Namespace) -> list[dict[str, Any]]:
    sessions = list(corpus.conversations(corpus.japanese_set(5 * args.latency_sessions), 5))
    recognizer = runs.make_recognizer(model)
    rows = []
    for count in (int(c) for c in args.latency.split(",")):
        rounds = args.latency_sessions if count == 1 else 1  # one session alone: every conversation in turn
        values = runs.latency_run(recognizer, sessions, count, recognizer._config.max_concurrent_decodes, args.gap,
                                  rounds)
        load = os.getloadavg()[0]
        rows.append({"sessions": count, "finals": len(values), "p50": float(np.percentile(values, 50)) if values else None,
                     "p95": float(np.percentile(values, 95)) if values else None, "load": load})
        r = rows[-1]
        print(f"| {count} | {r['finals']} | {fmt_s(r['p50'])} | {fmt_s(r['p95'])} | {load:.1f} |", flush=True)
    return rows


def fmt_s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def main() -> None:
    args = parse_args()
    only = set(args.only or ("accuracy", "noise", "latency"))
    model = load_model()
    print(f"# asr_quality on Whisper base int8, CPU, load {os.getloadavg()[0]:.1f} at start")
    report: dict[str, Any] = {}
    if "accuracy" in only:
        sessions = mixed_sessions(args)
        print("\n| setting | condition | CER ja | kana CER ja | WER en | routing | cut / merged / no final | repeats "
              "| utts | s |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        report["accuracy"] = accuracy(model, args, sessions)
        for r in report["accuracy"]:
            for key, said, heard in r["worst"] + r["cut_examples"]:
                print(f"  {r['setting']}/{r['condition']} {key}: {said} → {heard}")
    if "noise" in only:
        print(f"\nfinals from {args.noise_seconds:.0f} s of each (today's settings):")
        report["noise"] = runs.finals_from_noise(runs.make_recognizer(model), args.noise_seconds)
        for name, texts in report["noise"].items():
            print(f"  {name}: {len(texts)} {texts[:3]}")
    if "latency" in only:
        print("\n| sessions | finals | p50 | p95 | load |\n|---|---|---|---|---|")
        report["latency"] = latency(model, args)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
