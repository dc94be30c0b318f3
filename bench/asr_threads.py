"""Whisper decodes one or two at a time: CTranslate2's threads for every decode, or the relay's default
(a solo copy with CTranslate2's threads for a decode alone, one share of the cores for overlapping ones).

The 8 utterances of ``bench/e2e.py`` (espeak-ng Japanese and English, with 0.2 s of silence after the
speech, as the pause decode sees them) are decoded by the real Whisper base from one thread, or from two
threads at once (two speakers), twice per configuration, interleaved. Reported per configuration: wall
time for the 8 decodes and process CPU seconds per decode. On a machine that other jobs share, wall times
measure their load too (and a process with more runnable threads gets a larger share of the cores); run
it under ``chrt -r 10`` for what a dedicated node would see (a few seconds at real-time priority).

    chrt -r 10 .venv/bin/python bench/asr_threads.py

``--model`` decodes with another Whisper folder in the CTranslate2 format (the tests' smoke run uses the
tiny random-weight one), ``--clips`` and ``--rounds`` make the run shorter.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests" / "fixtures")]

from _e2e_stack import speech_set  # noqa: E402

from pipelines.asr.decoder import WhisperDecoder  # noqa: E402


def whisper(threads: int, workers: int, folder: Path | None) -> Any:
    from faster_whisper import WhisperModel
    from real_models import whisper_base

    folder = folder or whisper_base(ROOT / ".cache" / "test-models")
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=workers,
                        local_files_only=True)


def run(decoder: WhisperDecoder, clips: list[np.ndarray], at_once: int) -> tuple[float, float]:
    """CPU seconds and wall seconds for decoding ``clips`` from ``at_once`` threads."""

    def speaker(first: int) -> None:
        for clip in clips[first::at_once]:
            decoder.decode(clip, ["ja", "en"], "", 1, int(15 * len(clip) / 16000))

    cpu, wall = time.process_time(), time.perf_counter()
    threads = [threading.Thread(target=speaker, args=(k,)) for k in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.process_time() - cpu, time.perf_counter() - wall


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="a Whisper folder (CTranslate2); default: the real Whisper base")
    parser.add_argument("--clips", type=int, default=8, help="how many of the 8 e2e utterances are decoded")
    parser.add_argument("--rounds", type=int, default=2, help="times each configuration decodes them")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    speech = speech_set(lead_s=0.3, tail_s=0.2)
    clips = [np.frombuffer(s.pcm, "<i2").astype(np.float32) / 32768 for s in speech["clerk"] + speech["resident"]]
    clips = clips[:args.clips]
    decoders = {
        "CTranslate2's threads for every decode": WhisperDecoder(whisper(0, 2, args.model), 0.0),
        "solo copy + one share of the cores each": WhisperDecoder(whisper(1, 2, args.model), 0.0,
                                                                  solo_model=whisper(0, 1, args.model)),
    }
    for decoder in decoders.values():
        run(decoder, clips[:2], 1)  # warm-up
    totals: dict[tuple[int, str], list[float]] = {}
    for _ in range(args.rounds):
        for at_once in (1, 2):
            for name, decoder in decoders.items():
                cpu, wall = run(decoder, clips, at_once)
                total = totals.setdefault((at_once, name), [0.0, 0.0])
                total[0], total[1] = total[0] + cpu, total[1] + wall
    print(f"| decodes at once | configuration | wall for {len(clips)} decodes | CPU s per decode |")
    print("|---|---|---|---|")
    for (at_once, name), (cpu, wall) in sorted(totals.items()):
        print(f"| {at_once} | {name} | {wall / args.rounds:.2f} s | {cpu / (args.rounds * len(clips)):.3f} |")


if __name__ == "__main__":
    main()
