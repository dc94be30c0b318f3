"""MT speed: sentences/s and latency p50/p95 on NTREX-128 Japanese sentences.

The model is a transformer-base (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k output vocabulary)
with random weights, in the real Argos package format, decoded by CTranslate2 int8 on CPU — the size
and format of the Argos packages a city would install. Random weights never emit </s>, so decoding
is capped at the source length (``max_length_ratio = 1.0``), roughly what a trained ja→en model
produces; figures are therefore indicative of a real model, not of translation quality.

``run_mt_benchmark(argv)`` returns the report; ``bench/mt_tts.py`` prints it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NTREX_JA = ROOT.parent / "shared" / "data" / "mt" / "ntrex128" / "newstest2019-ref.jpn.txt"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mt benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=40, help="NTREX sentences to translate")
    parser.add_argument("--threads", type=int, default=1, help="CTranslate2 intra_threads per translation")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--beam-size", type=int, default=4)
    parser.add_argument("--num-hypotheses", type=int, default=4)
    parser.add_argument("--data", type=Path, default=NTREX_JA)
    parser.add_argument("--hits", action="store_true",
                        help="also time phrasebook hits and translation-cache hits (no model runs for either)")
    return parser.parse_args(argv)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _base_package() -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from build_argos import ModelSize, cached_package

    return cached_package("ja", "en", ModelSize.base())


def run_mt_benchmark(argv: list[str] | None = None) -> str:
    args = _parse(argv)
    if not args.data.exists():
        return f"MT benchmark skipped: {args.data} not found (NTREX-128 lives in ../shared/data)"
    sentences = [s for s in args.data.read_text(encoding="utf-8").splitlines() if s.strip()][: args.sentences]
    from pipelines.mt import MtConfig, load_translator
    from pipelines.mt.backend import ArgosPackageTranslator
    from pipelines.mt.models import ArgosModels

    build_started = time.perf_counter()
    archive = _base_package()
    build_s = time.perf_counter() - build_started
    ArgosPackageTranslator.max_length_ratio = 1.0
    with tempfile.TemporaryDirectory() as tmp:
        models_dir = Path(tmp)
        ArgosModels().install(models_dir, archive)
        config = MtConfig(cache_size=0, beam_size=args.beam_size, num_hypotheses=args.num_hypotheses,
                          threads_per_translation=args.threads, compute_type=args.compute_type,
                          max_concurrent=1)
        translator = load_translator(config, models_dir)
        translator.translate("ウォームアップです。", "ja", "en")  # loads the model
        latencies, chars = [], 0
        started = time.perf_counter()
        for sentence in sentences:
            result = translator.translate(sentence, "ja", "en")
            latencies.append(result.timings["mt_ms"])
            chars += len(sentence)
        elapsed = time.perf_counter() - started
        hits = _hit_latencies(models_dir, sentences[0]) if args.hits else []
    return _report(args, sentences, latencies, elapsed, chars, build_s) + "".join(f"\n{h}" for h in hits)


def _hit_latencies(models_dir: Path, sentence: str, repeats: int = 200) -> list[str]:
    """p50 / max of a phrasebook hit and of a translation-cache hit, in ms."""
    from pipelines.mt import MtConfig, load_translator
    from pipelines.phrasebook import DEFAULT_PHRASEBOOK, read_phrasebook

    cached = load_translator(MtConfig(cache_size=1024), models_dir)
    phrase = read_phrasebook(DEFAULT_PHRASEBOOK)[0].ja
    cached.translate(sentence, "ja", "en")  # the one model run; every repeat below is a cache hit
    lines = []
    for label, text in (("phrasebook hit", phrase), ("cache hit", sentence)):
        kind = cached.translate(text, "ja", "en").details.get("cache") if label == "cache hit" else None
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            cached.translate(text, "ja", "en")
            times.append((time.perf_counter() - began) * 1000)
        check = f" (cache: {kind})" if kind else ""
        lines.append(f"{label:<16}p50 {statistics.median(times):.3f} ms, max {max(times):.3f} ms over "
                     f"{repeats} calls{check}")
    return lines


def _report(args: argparse.Namespace, sentences: list[str], latencies: list[float], elapsed: float,
            chars: int, build_s: float) -> str:
    rows = [
        ("sentences", f"{len(sentences)} (NTREX-128 ja, mean {chars / max(1, len(sentences)):.0f} chars)"),
        ("throughput", f"{len(sentences) / elapsed:.2f} sentences/s"),
        ("latency p50", f"{statistics.median(latencies):.0f} ms"),
        ("latency p95", f"{_percentile(latencies, 0.95):.0f} ms"),
        ("latency max", f"{max(latencies):.0f} ms"),
        ("model", "transformer-base 6+6 layers, d512, 8 heads, FFN 2048, 32k vocab, random weights"),
        ("decoding", f"CTranslate2 {args.compute_type}, beam {args.beam_size}, {args.num_hypotheses}-best, "
                     f"{args.threads} thread(s), output capped at source length"),
        ("cpu", f"{os.cpu_count()} logical cores visible (shared machine)"),
        ("package build", f"{build_s:.1f} s (cached after the first run)"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = ["## MT (argostranslate package, CTranslate2)", ""]
    lines += [f"{k.ljust(width)}  {v}" for k, v in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run_mt_benchmark(sys.argv[1:]))
