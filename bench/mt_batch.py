"""MT for many counters at once: batching the turns' sentences, and the cost and worth of n-best confidence.

Speed: ``--turns`` threads (concurrent turns, as the relay's bridge runs them) translate NTREX-128
Japanese sentences, one or two per utterance, ja→en, with ``[mt] batch_size`` 1 (each turn alone) and
the ``--batch`` sizes given, for each decoding (``--decodings``: beam/n-best, e.g. ``4/4`` today's,
``1/1`` greedy). Reports utterances/s, latency p50/p95 and CPU seconds per utterance (the load-proof
figure on a shared machine), and the mean batch.

Confidence (``--confidence``): for every sentence, each decoding's confidence against the chrF of its
translation with the NTREX English reference; the Spearman correlation says how well the confidence
ranks good and bad translations (higher is better; what escalation needs). Only a trained model can
show that: with the default random-weight transformer-base (the real Argos size and format) every
translation is gibberish, chrF is noise and so is the correlation — the run proves the plumbing and
measures the cost. Give ``--models-dir`` a models folder with a real ``ja→en`` Argos package to compare.

    .venv/bin/python bench/mt_batch.py --turns 8 --batch 8 --decodings 4/4,1/1
    .venv/bin/python bench/mt_batch.py --confidence --sentences 200 --models-dir /srv/madoguchi/models
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DATA = next((p / "shared" / "data" / "mt" / "ntrex128" for p in ROOT.parents[:2]
             if (p / "shared" / "data" / "mt").is_dir()), ROOT.parent / "shared" / "data" / "mt" / "ntrex128")


def chrf(hypothesis: str, reference: str, order: int = 6, beta: float = 2.0) -> float:
    """Character n-gram F-score (chrF, Popović 2015), spaces removed, in [0, 1]."""
    hyp, ref = hypothesis.replace(" ", ""), reference.replace(" ", "")
    scores = []
    for n in range(1, order + 1):
        h = Counter(hyp[i:i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i:i + n] for i in range(len(ref) - n + 1))
        if not h or not r:
            continue
        match = sum((h & r).values())
        precision, recall = match / sum(h.values()), match / sum(r.values())
        scores.append(0.0 if match == 0 else (1 + beta**2) * precision * recall / (beta**2 * precision + recall))
    return float(np.mean(scores)) if scores else 0.0


def spearman(a: list[float], b: list[float]) -> float:
    ranks_a, ranks_b = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1]) if len(a) > 2 and np.std(ranks_a) and np.std(ranks_b) else float("nan")


def models(models_dir: Path | None) -> Path:
    if models_dir is not None:
        return models_dir
    from _mt_bench import _base_package

    from pipelines.mt.backend import ArgosPackageTranslator
    from pipelines.mt.models import ArgosModels

    ArgosPackageTranslator.max_length_ratio = 1.0  # random weights never stop: cap at the source length
    folder = Path(tempfile.mkdtemp(prefix="mt-batch-"))
    ArgosModels().install(folder, _base_package())
    return folder


def translator(models_dir: Path, decoding: str, batch: int, window_ms: float):  # type: ignore[no-untyped-def]
    from pipelines.mt import MtConfig, load_translator

    beam, nbest = (int(x) for x in decoding.split("/"))
    config = MtConfig(cache_size=0, beam_size=beam, num_hypotheses=nbest, batch_size=batch,
                      batch_window_ms=window_ms, max_concurrent=2, threads_per_translation=1)
    t = load_translator(config, models_dir)
    t.translate("ウォームアップです。", "ja", "en")
    return t


def speed(models_dir: Path, utterances: list[str], turns: int, decoding: str, batch: int, window_ms: float) -> str:
    t = translator(models_dir, decoding, batch, window_ms)
    gate = threading.Semaphore(2 * batch)  # the relay's bridge: max_concurrent × batch_size
    latencies: list[float] = []
    share = [utterances[i::turns] for i in range(turns)]

    def turn(mine: list[str]) -> None:
        for text in mine:
            began = time.perf_counter()  # the wait for the bridge counts: a turn waits there too
            with gate:
                t.translate(text, "ja", "en")
            latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=turn, args=(mine,)) for mine in share]
    cpu0, wall0 = os.times(), time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    cpu1, wall = os.times(), time.perf_counter() - wall0
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    sizes = getattr(t.pairs["ja", "en"], "gatherer", None)
    mean_batch = statistics.mean(sizes.batch_sizes) if sizes and sizes.batch_sizes else 1.0
    return (f"| {decoding} | {turns} | {batch} | {mean_batch:.1f} | {len(utterances) / wall:.2f} | "
            f"{np.percentile(latencies, 50):.2f} s | {np.percentile(latencies, 95):.2f} s | "
            f"{cpu / len(utterances):.3f} s | {os.getloadavg()[0]:.1f} |")


def confidence_rows(models_dir: Path, sentences: list[str], references: list[str], decodings: list[str]) -> list[str]:
    rows = []
    for decoding in decodings:
        t = translator(models_dir, decoding, 1, 0.0)
        conf, quality, cpu0 = [], [], os.times()
        for source, reference in zip(sentences, references, strict=True):
            result = t.translate(source, "ja", "en")
            conf.append(result.confidence)
            quality.append(chrf(result.text, reference))
        cpu1 = os.times()
        cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
        rows.append(f"| {decoding} | {len(sentences)} | {statistics.mean(quality):.3f} | {statistics.mean(conf):.3f} | "
                    f"{spearman(conf, quality):+.3f} | {cpu / len(sentences):.3f} s |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=8, help="concurrent turns")
    parser.add_argument("--utterances", type=int, default=48)
    parser.add_argument("--batch", default="8", help="[mt] batch_size values to compare with 1")
    parser.add_argument("--batch-window-ms", type=float, default=20.0)
    parser.add_argument("--decodings", default="4/4,2/2,1/1", help="beam/n-best pairs")
    parser.add_argument("--confidence", action="store_true", help="confidence vs chrF against NTREX references")
    parser.add_argument("--sentences", type=int, default=100, help="sentences for --confidence")
    parser.add_argument("--models-dir", type=Path, default=None, help="models folder with a ja→en Argos package")
    args = parser.parse_args()
    ja = [s for s in (DATA / "newstest2019-ref.jpn.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
    en = [s for s in (DATA / "newstest2019-ref.eng-US.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
    folder = models(args.models_dir)
    weights = "given models" if args.models_dir else "transformer-base, random weights (capped at source length)"
    print(f"# MT batching and confidence ({weights}); load before: {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores\n")
    decodings = args.decodings.split(",")
    if args.confidence:
        print("| beam/n-best | sentences | mean chrF | mean confidence | Spearman(confidence, chrF) | CPU per sentence |")
        print("|---|---|---|---|---|---|")
        for row in confidence_rows(folder, ja[: args.sentences], en[: args.sentences], decodings):
            print(row, flush=True)
        return
    # utterances of one or two short sentences, as at a counter (NTREX news sentences are long: ≤ 60 chars)
    short = [s for s in ja if len(s) <= 60]
    utterances = [short[i] + (short[i + 1] if i % 3 == 0 else "") for i in range(args.utterances)]
    print("| beam/n-best | turns | batch_size | mean batch | utterances/s | latency p50 | p95 | CPU per utterance | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    for decoding in decodings:
        for batch in [1, *(int(b) for b in args.batch.split(","))]:
            print(speed(folder, utterances, args.turns, decoding, batch, args.batch_window_ms), flush=True)


if __name__ == "__main__":
    main()
