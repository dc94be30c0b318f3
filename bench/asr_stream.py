"""Streaming ASR benchmark: N concurrent sessions fed WAV/FLAC files at real-time pace.

Uses a Whisper with the real dimensions of ``base`` or ``small`` and random weights (built by
tests/fixtures/build_whisper.py and cached in .cache/bench-models), with decoding capped at 6 tokens per
second of audio (30 tokens per 5 s, a realistic length for speech). Each session is a thread that pushes
0.25 s chunks on the wall clock and calls ``process()`` after each, through a semaphore of
``max_concurrent_decodes`` like the relay's bridge. Each sessions count runs in a fresh process, so the
peak RSS is that of serving, not of building the model.

    .venv/bin/python bench/asr_stream.py --size base --sessions 1,2,4,8
    .venv/bin/python bench/asr_stream.py --size base --sessions 1 --seconds 20 --encoder-window-s 30
    .venv/bin/python bench/asr_stream.py --size base --sessions 4,8,16 --batch 8   # decodes batched across sessions
    .venv/bin/python bench/asr_stream.py --real --sessions 1,4,8 --batch 8         # the real Whisper base, no token cap
    .venv/bin/python bench/asr_stream.py --real --decode-cost 1,2,4,8              # CPU per decode by batch size

``--batch N`` sets ``[asr] batch_size = N`` (``--batch-window-ms`` its window): the sessions' decodes
gather into CTranslate2 batches, and the semaphore lets ``max_concurrent_decodes × N`` decodes in, as
the relay's bridge does. The report adds the mean batch size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "fixtures")]
# ../shared/data next to the checkout (a git worktree under /work/wt/NAME looks two levels up)
SPEECH = next((p / "shared" / "data" / "speech" for p in ROOT.parents[:2] if (p / "shared" / "data").is_dir()),
              ROOT.parent / "shared" / "data" / "speech")
CHUNK_S = 0.25
GAP_S = 1.5  # silence between clips: every clip is one or more utterances with an endpoint


def session_audio(files: list[Path]) -> np.ndarray:
    from faster_whisper import decode_audio

    gap = np.zeros(int(GAP_S * 16000), dtype=np.float32)
    parts = [gap]
    for path in files:
        parts += [decode_audio(str(path)), gap]
    return np.concatenate(parts)


def run_session(recognizer, audio: np.ndarray, gate: threading.Semaphore, delay: float, out: dict) -> None:  # type: ignore[no-untyped-def]
    stream = recognizer.new_stream(["ja", "en"], 16000)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    step = int(CHUNK_S * 16000) * 2
    time.sleep(delay)
    start, busy, latencies, partial_times = time.perf_counter(), 0.0, [], []
    for index, offset in enumerate(range(0, len(pcm), step)):
        time.sleep(max(0.0, start + (index + 1) * CHUNK_S - time.perf_counter()))  # real-time pace
        stream.insert_audio(pcm[offset:offset + step])
        with gate:
            began = time.perf_counter()
            events = stream.process()
            busy += time.perf_counter() - began
        now = time.perf_counter()
        for event in events:
            if event.kind == "partial":
                partial_times.append((event.start_s, now))
            else:  # end_s is the speech end plus 0.2 s of padding (or the cut point)
                speech_end = event.end_s - (0.0 if event.details.get("cut_at_max_length") else 0.2)
                latencies.append(now - (start + speech_end))
    out.update(busy=busy, audio_s=len(audio) / 16000, latencies=latencies, partials=partial_times)


def cadence(partials: list[tuple[float, float]]) -> list[float]:
    gaps = []
    for (utt_a, t_a), (utt_b, t_b) in itertools.pairwise(partials):
        if utt_a == utt_b:
            gaps.append(t_b - t_a)
    return gaps


def worker(model_dir: Path, size: str, sessions: int, compute_type: str, seconds: float,
           encoder_window_s: float = 0.0, batch: int = 1, batch_window_ms: float = 20.0, real: bool = False) -> dict:
    from pipelines.asr import AsrConfig, load_recognizer

    with tempfile.TemporaryDirectory() as models:
        (Path(models) / "whisper").mkdir()
        (Path(models) / "whisper" / size).symlink_to(model_dir)
        # random weights never stop on their own: cap them at a realistic length; real ones as served
        config = AsrConfig(model=size, compute_type=compute_type, max_concurrent_decodes=2,
                           encoder_window_s=encoder_window_s, batch_size=batch, batch_window_ms=batch_window_ms,
                           **({} if real else {"max_tokens_per_second": 6.0, "hallucination_guard": False}))
        recognizer = load_recognizer(config, Path(models))
    files = sorted(p for p in SPEECH.iterdir() if p.suffix in (".wav", ".flac"))
    audio = session_audio(files)[: int(seconds * 16000)]
    gate = threading.Semaphore(config.max_concurrent_decodes * max(1, batch))
    results: list[dict] = [{} for _ in range(sessions)]
    cpu0, wall0 = os.times(), time.perf_counter()
    threads = [threading.Thread(target=run_session, args=(recognizer, audio, gate, i * 0.7, results[i]))
               for i in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu1, wall = os.times(), time.perf_counter() - wall0
    lat = [x for r in results for x in r["latencies"]]
    gaps = [g for r in results for g in cadence(r["partials"])]
    sizes = getattr(getattr(recognizer.decoder, "gatherer", None), "batch_sizes", None) or [1]
    return {
        "size": size, "sessions": sessions, "finals": len(lat), "batch": batch, "mean_batch": float(np.mean(sizes)),
        "rtf": sum(r["busy"] for r in results) / sum(r["audio_s"] for r in results),
        "p50": float(np.percentile(lat, 50)) if lat else float("nan"),
        "p95": float(np.percentile(lat, 95)) if lat else float("nan"),
        "cadence": float(np.median(gaps)) if gaps else float("nan"),
        "cpu": ((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)) / wall * 100,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def decode_cost(model_dir: Path, compute_type: str, sizes: list[int], clip_s: float = 4.0, rounds: int = 3) -> None:
    """CPU seconds per decode, encoder and generation apart, of 8 clips decoded in batches of each size:
    what batching saves, independent of the machine's load (CPU time, not wall time)."""
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim

    from pipelines.asr.decoder import WhisperDecoder

    model = WhisperModel(str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=1, local_files_only=True)
    decoder = WhisperDecoder(model, 0.0)
    audio = session_audio(sorted(p for p in SPEECH.iterdir() if p.suffix in (".wav", ".flac")))
    step = int(clip_s * 16000)
    clips = [audio[i * step // 2:i * step // 2 + step] for i in range(8)]
    prompt = decoder._prompt("en", "", "")[0]
    frames = decoder._encoder_frames(int(clip_s * 100))
    cpu = lambda: sum(os.times()[:2])  # noqa: E731
    print("| batch | encoder CPU s/decode | generation CPU s/decode | total | load |\n|---|---|---|---|---|")
    for size in sizes:
        encoder = generation = 0.0
        for _ in range(rounds):
            for start in range(0, 8, size):
                features = np.stack([pad_or_trim(model.feature_extractor(c), frames) for c in clips[start:start + size]])
                began = cpu()
                encoded = model.encode(features)
                model.model.detect_language(encoded)
                middle = cpu()
                model.model.generate(encoded, [prompt] * len(features), beam_size=1, max_length=len(prompt) + 40,
                                     return_scores=True, return_no_speech_prob=True)
                encoder, generation = encoder + middle - began, generation + cpu() - middle
        n = 8 * rounds
        print(f"| {size} | {encoder / n:.3f} | {generation / n:.3f} | {(encoder + generation) / n:.3f} | "
              f"{os.getloadavg()[0]:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="base", choices=["base", "small", "test"])
    parser.add_argument("--sessions", default="1,2,4,8")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--seconds", type=float, default=30.0, help="audio per session")
    parser.add_argument("--encoder-window-s", type=float, default=0.0,
                        help="AsrConfig.encoder_window_s: 0 = encode the utterance only (default), 30 = Whisper's full window")
    parser.add_argument("--batch", type=int, default=1, help="[asr] batch_size: decodes batched across sessions")
    parser.add_argument("--batch-window-ms", type=float, default=20.0, help="[asr] batch_window_ms")
    parser.add_argument("--real", action="store_true",
                        help="the real Whisper base from .cache/registry-models (make test installs it), no token cap")
    parser.add_argument("--decode-cost", default="", help="batch sizes, e.g. 1,2,4,8: CPU per decode, no streaming")
    parser.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from build_whisper import ensure_model

    if args.real:
        model_dir, args.size = ROOT / ".cache" / "registry-models" / "whisper" / "base", "base"
    else:
        model_dir = ensure_model(args.size, ROOT / ".cache" / "bench-models")
    if args.decode_cost:
        decode_cost(model_dir, args.compute_type, [int(n) for n in args.decode_cost.split(",")])
        return
    if args.worker:
        print(json.dumps(worker(model_dir, args.size, args.worker, args.compute_type, args.seconds,
                                args.encoder_window_s, args.batch, args.batch_window_ms, args.real)))
        return
    print(f"load before: {os.getloadavg()[0]:.1f}")
    print("| model | sessions | batch | mean batch | finals | RTF | EoS→final p50 | p95 | partial cadence | CPU % | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for count in (int(n) for n in args.sessions.split(",")):
        line = subprocess.run([sys.executable, __file__, "--size", args.size, "--compute-type", args.compute_type,
                               "--seconds", str(args.seconds), "--encoder-window-s", str(args.encoder_window_s),
                               "--batch", str(args.batch), "--batch-window-ms", str(args.batch_window_ms),
                               *(["--real"] if args.real else []), "--worker", str(count)],
                              capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        r = json.loads(line)
        weights = "real" if args.real else "random"
        print(f"| {r['size']} {args.compute_type} {weights} | {r['sessions']} | {r['batch']} | {r['mean_batch']:.1f} | "
              f"{r['finals']} | {r['rtf']:.2f} | {r['p50']:.2f} s | {r['p95']:.2f} s | {r['cadence']:.2f} s | "
              f"{r['cpu']:.0f} | {r['rss_mb']:.0f} | load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
