"""End to end: N counters talking through one relay process with the real models, timed from the end of speech.

Each counter is a session with two websocket clients, the clerk's tablet and the resident's phone (see
``bench/_e2e_clients.py``): the clerk speaks Japanese, the resident answers in English, in turn, each
utterance streamed at real-time pace (espeak-ng speech, 100 ms frames). Models (``bench/_e2e_stack.py``):
the real Whisper base (int8), Kokoro Japanese and Piper en_US-joe-medium voices from their registry
packages, and transformer-base translation with random weights (no trained Argos package ships in a
registry; its output is noise of the right length). Translation and speech caches are off, so every
turn pays for its models.

``--engines inprocess`` (default) runs the engines in the relay; ``--engines remote`` runs them on
servers in their own processes — ``wyoming-faster-whisper``, ``wyoming-piper`` (English only: no
Wyoming server speaks Kokoro) and a LibreTranslate-API server on the same Argos packages — as a city
with shared inference servers would. ``--set SECTION.KEY=VALUE`` changes any relay setting (e.g. a
batched decoding setting), so every variant of the table is one flag.

Reported per stage, p50/p95/p99: first partial (from the start of speech: the clerk sees text while
still speaking), final transcript on the speaker's device, translation on the other side's screen, and
the first byte of speech audio there — all from the end of speech (the last sample above -40 dBFS);
turns per minute; partial events per turn (fewer on a busy node: finals first); CPU (cores) and peak RSS of every process, the benchmark's clients included; the
load average. JSON (``--json``) and a Markdown table. ``--ramp`` doubles N from 1, then bisects, to find
the largest N whose ``--ramp-stage`` p95 stays under ``--target-s``.

    .venv/bin/python bench/e2e.py --counters 1 --duration 60
    .venv/bin/python bench/e2e.py --ramp --ramp-stage final --target-s 1.5 --duration 60
    .venv/bin/python bench/e2e.py --engines remote --counters 1
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _e2e_clients import Conversation, Turn, target_lang  # noqa: E402
from _e2e_stack import Proc, Speech, prepare_models, speech_set, start_relay, start_servers  # noqa: E402

STAGES = ("partial", "final", "translation", "first_audio")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counters", type=int, default=1, help="counters talking at the same time")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of conversation per measurement")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between turns (s, exponential)")
    parser.add_argument("--turn-timeout", type=float, default=15.0, help="longest wait for a turn's translation")
    parser.add_argument("--tail", type=float, default=2.0, help="silence streamed after each utterance (s)")
    parser.add_argument("--engines", choices=("inprocess", "remote"), default="inprocess")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        help="a relay setting (value as JSON, else a string); repeatable")
    parser.add_argument("--label", default="", help="name of this configuration in the table")
    parser.add_argument("--mt-size", choices=("base", "small"), default="base",
                        help="transformer-base (random weights), or the tiny test packages (smoke test)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="use this models folder as it is instead of the registry models (e.g. the random-weight "
                             "Whisper base of bench/device/build_models.py, where the registry packages are absent)")
    parser.add_argument("--skip-engine", action="append", default=[], metavar="NAME",
                        help="an engine of /healthz the run does without (not waited for), e.g. tts with speech "
                             "output off and no voices in --models-dir; repeatable")
    parser.add_argument("--ramp", action="store_true", help="find the largest N that holds the target")
    parser.add_argument("--ramp-start", type=int, default=1, help="the ramp's first N (then doubling, then bisection)")
    parser.add_argument("--ramp-max", type=int, default=32)
    parser.add_argument("--ramp-stage", choices=("final", "translation"), default="translation")
    parser.add_argument("--target-s", type=float, default=1.5, help="p95 target of the ramp stage (s)")
    parser.add_argument("--warm-up-turns", type=int, default=2,
                        help="turns spoken before measuring (the first decode of each model loads it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print each result as one JSON line too")
    return parser.parse_args(argv)


def setting_overrides(pairs: list[str]) -> dict[str, dict[str, Any]]:
    """``["asr.beam_size=2", "relay.back_translation=false"]`` → ``{"asr": {"beam_size": 2}, ...}``."""
    overrides: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        section, dot, name = key.partition(".")
        if not sep or not dot:
            raise SystemExit(f"--set {pair!r}: expected SECTION.KEY=VALUE")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        overrides.setdefault(section, {})[name] = value
    return overrides


@dataclass
class Stack:
    base: str
    token: str
    procs: list[Proc]
    tts_langs: set[str]


@contextmanager
def running_stack(args: argparse.Namespace, workdir: Path) -> Iterator[Stack]:
    models = args.models_dir.resolve() if args.models_dir else prepare_models(args.mt_size)
    procs: list[Proc] = []
    try:
        overrides: dict[str, Any] = {
            "store": {"path": str(workdir / "e2e.sqlite3")}, "models": {"dir": str(models)},
            "relay": {"max_sessions": 10000}, "queue": {"max_wait_s": 3600}, "logging": {"level": "WARNING"},
            # every turn pays for its models: the same test sentences would otherwise come from the caches
            "mt": {"cache_size": 0}, "tts": {"cache_max_mb": 0, "presynthesize_phrasebook": False}}
        if args.engines == "remote":
            servers, overrides["remote"] = start_servers(models, workdir)
            procs += servers
        for section, values in setting_overrides(args.set).items():
            overrides.setdefault(section, {}).update(values)
        relay, base, token = start_relay(overrides, workdir, tuple(args.skip_engine))
        procs.insert(0, relay)
        spoken = tts_languages(base) if overrides.get("relay", {}).get("tts_default", True) else set()
        yield Stack(base, token, procs, spoken)
    finally:
        for proc in procs:
            proc.stop()


def tts_languages(base: str) -> set[str]:
    import urllib.request

    with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:
        engines = json.load(answer)["engines"]
    return {lang for name, e in engines.items() if name in ("tts", "synthesizer") for lang in e["languages"]}


class Monitor:
    """CPU time and peak RSS of each process over a measurement."""

    def __init__(self, procs: list[Proc]) -> None:
        self.procs = {p.name: psutil.Process(p.proc.pid) for p in procs}
        self.procs["bench clients"] = psutil.Process()
        self.cpu0 = {name: sum(p.cpu_times()[:2]) for name, p in self.procs.items()}
        self.peak = dict.fromkeys(self.procs, 0)
        self.started = time.perf_counter()

    def sample(self) -> None:
        for name, proc in self.procs.items():
            self.peak[name] = max(self.peak[name], proc.memory_info().rss)

    def report(self) -> dict[str, dict[str, float]]:
        elapsed = time.perf_counter() - self.started
        cpu = {name: sum(p.cpu_times()[:2]) - self.cpu0[name] for name, p in self.procs.items()}
        return {name: {"cpu_s": round(cpu[name], 1), "cpu_cores": round(cpu[name] / elapsed, 2),
                       "peak_rss_mb": round(self.peak[name] / 2**20)} for name in self.procs}


async def converse(stack: Stack, speech: dict[str, list[Speech]], counters: int, args: argparse.Namespace,
                   max_turns: int = 1 << 30) -> tuple[list[Conversation], float, dict[str, Any]]:
    """N conversations for ``args.duration`` seconds (or ``max_turns`` each); their sessions are closed after."""
    headers = {"Authorization": f"Bearer {stack.token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        talks = []
        for n in range(counters):
            async with http.post(f"{stack.base}/api/sessions", json={"counter": f"{n + 1}番", "resident_lang": "en"}) as r:
                r.raise_for_status()
                talks.append(Conversation(await r.json(), stack.token, speech, stack.tts_langs))
        for talk in talks:
            await talk.open(stack.base)
        stages_before = await stage_times(http, stack.base)
        monitor, rng = Monitor(stack.procs), random.Random(args.seed)
        started = time.perf_counter()
        runs = asyncio.gather(*(t.run(started + args.duration, args.think, args.turn_timeout, random.Random(rng.random()),
                                      max_turns) for t in talks))
        stalls: list[float] = []  # how long /healthz takes: a blocked event loop in the relay shows here
        while not runs.done():
            monitor.sample()
            asked = time.perf_counter()
            async with http.get(f"{stack.base}/healthz") as answer:
                await answer.read()
            stalls.append(time.perf_counter() - asked)
            await asyncio.sleep(0.5)
        await runs
        elapsed = time.perf_counter() - started
        processes = monitor.report()
        processes["relay"]["healthz_max_s"] = round(max(stalls, default=0.0), 2)
        processes["relay"]["stage_mean_s"] = stage_means(stages_before, await stage_times(http, stack.base))
        for talk in talks:
            await talk.close()
            async with http.post(f"{stack.base}/api/sessions/{talk.session['session_id']}/close"):
                pass
    return talks, elapsed, processes


async def stage_times(http: aiohttp.ClientSession, base: str) -> dict[str, float]:
    """The relay's own per-stage timings (``madoguchi_stage_latency_seconds`` sums and counts) from /metrics."""
    async with http.get(f"{base}/metrics") as answer:
        text = await answer.text()
    found = {}
    for line in text.splitlines():
        if line.startswith("madoguchi_stage_latency_seconds_") and not line.startswith("madoguchi_stage_latency_seconds_bucket"):
            name, _, value = line.rpartition(" ")
            found[name.removeprefix("madoguchi_stage_latency_seconds_")] = float(value)
    return found


def stage_means(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Mean seconds per stage over the run: where the relay's time went (engine calls, queueing included)."""
    means = {}
    for key, total in after.items():
        if key.startswith("sum{"):
            count_key = "count" + key.removeprefix("sum")
            count = after.get(count_key, 0.0) - before.get(count_key, 0.0)
            if count:
                stage = key.partition('"')[2].partition('"')[0]
                means[stage] = round((total - before.get(key, 0.0)) / count, 3)
    return means


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary(values: list[float], expected: int) -> dict[str, Any]:
    return {"n": len(values), "missing": expected - len(values), "p50": round(percentile(values, 0.5), 3),
            "p95": round(percentile(values, 0.95), 3), "p99": round(percentile(values, 0.99), 3)}


def turn_latencies(talk: Conversation, turn: Turn) -> dict[str, float]:
    """Seconds from the end of speech (from its start for the first partial) to each stage of one turn."""
    timeline, found = talk.timeline, {}
    if partials := [timeline.first_partial[u] for u in turn.utterances if u in timeline.first_partial]:
        found["partial"] = min(partials) - turn.onset
    if turn.utterances:  # the last utterance holds the end of speech (a turn is split at a long pause)
        last = turn.utterances[-1]
        for stage, times in (("final", timeline.final), ("translation", timeline.translation),
                             ("first_audio", timeline.first_audio)):
            if last in times:
                found[stage] = times[last] - turn.end
    return found


def measure(stack: Stack, speech: dict[str, list[Speech]], counters: int, args: argparse.Namespace) -> dict[str, Any]:
    talks, elapsed, processes = asyncio.run(converse(stack, speech, counters, args))
    by_direction: dict[str, dict[str, list[float]]] = {"clerk": {}, "resident": {}}
    turns = {"clerk": 0, "resident": 0}
    split = 0
    for talk in talks:
        for turn in talk.turns:
            turns[turn.speaker] += 1
            split += len(turn.utterances) > 1
            for stage, seconds in turn_latencies(talk, turn).items():
                by_direction[turn.speaker].setdefault(stage, []).append(seconds)
    latency: dict[str, Any] = {}
    for speaker, stages in by_direction.items():
        direction = f"{speaker} ({'ja' if speaker == 'clerk' else 'en'}→{target_lang(speaker)})"
        spoken = target_lang(speaker) in stack.tts_langs
        latency[direction] = {stage: summary(stages.get(stage, []), turns[speaker])
                              for stage in STAGES if stage != "first_audio" or spoken}
    every = {stage: [s for stages in by_direction.values() for s in stages.get(stage, [])] for stage in STAGES}
    spoken_turns = sum(n for speaker, n in turns.items() if target_lang(speaker) in stack.tts_langs)
    latency["all"] = {stage: summary(every[stage], spoken_turns if stage == "first_audio" else sum(turns.values()))
                      for stage in STAGES}
    errors = [code for talk in talks for code in talk.timeline.errors]
    return {"label": args.label or args.engines, "engines": args.engines, "settings": args.set, "counters": counters,
            "duration_s": round(elapsed, 1), "turns": sum(turns.values()), "split_turns": split,
            "turns_per_min": round(60 * sum(turns.values()) / elapsed, 1), "latency_s": latency,
            "partials_per_turn": round(sum(t.timeline.partials for t in talks) / max(1, sum(turns.values())), 1),
            # CPU time is what a turn costs whatever else the machine runs: capacity ≈ cores / (this × turns/s)
            "engine_cpu_s_per_turn": round(sum(p["cpu_s"] for n, p in processes.items() if n != "bench clients")
                                           / max(1, sum(turns.values())), 2),
            "errors": {code: errors.count(code) for code in set(errors)}, "processes": processes,
            "tts_languages": sorted(stack.tts_langs), "load_average": [round(x, 2) for x in psutil.getloadavg()]}


def stage_p95(result: dict[str, Any], stage: str) -> float:
    """The p95 a ramp compares with its target: the clerk's direction (the resident's screen) for translation."""
    entry = result["latency_s"]["clerk (ja→en)" if stage == "translation" else "all"][stage]
    return float("inf") if entry["missing"] or entry["n"] == 0 else float(entry["p95"])


def ramp(measure_p95: Callable[[int], float], target: float, limit: int, start: int = 1) -> int:
    """The largest N ≤ limit with ``measure_p95(N) ≤ target``: doubling from ``start``, then bisection (below
    ``start`` too when it fails; 0 if N=1 fails). A large node starts higher to spend no time on 1, 2, 4…"""
    held, failed, n = 0, None, start
    while n <= limit:
        if measure_p95(n) <= target:
            held, n = n, n * 2
        else:
            failed = n
            break
    if failed is None:
        return held
    while failed - held > 1:
        middle = (held + failed) // 2
        if measure_p95(middle) <= target:
            held = middle
        else:
            failed = middle
    return held


def cell(entry: dict[str, Any] | None) -> str:
    if not entry or not entry["n"]:
        return "—"
    missing = f" ({entry['missing']} missing)" if entry["missing"] else ""
    return f"{entry['p50']:.2f} / {entry['p95']:.2f} / {entry['p99']:.2f}{missing}"


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| engines | counters | turns/min | first partial (from speech start) | final transcript "
             "| translation on the resident's screen | translation on the clerk's screen | first speech audio byte "
             "| CPU s per turn (relay + servers) | partials per turn | CPU (cores) / peak RSS per process | errors "
             "| load avg (1 min) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lat = r["latency_s"]
        procs = "; ".join(f"{name} {p['cpu_cores']:.2f} / {p['peak_rss_mb']} MB" for name, p in r["processes"].items())
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "none"
        lines.append(f"| {r['label']} | {r['counters']} | {r['turns_per_min']} | {cell(lat['all']['partial'])} | "
                     f"{cell(lat['all']['final'])} | {cell(lat['clerk (ja→en)']['translation'])} | "
                     f"{cell(lat['resident (en→ja)']['translation'])} | {cell(lat['all']['first_audio'])} | "
                     f"{r['engine_cpu_s_per_turn']} | {r['partials_per_turn']} | {procs} | {errors} | "
                     f"{r['load_average'][0]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the relay and servers on the way out
    speech = speech_set(lead_s=0.3, tail_s=args.tail)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="e2e-") as tmp, running_stack(args, Path(tmp)) as stack:
        if args.warm_up_turns:
            warm_up = argparse.Namespace(**{**vars(args), "duration": 120.0, "think": 0.0})
            asyncio.run(converse(stack, speech, 1, warm_up, max_turns=args.warm_up_turns))

        def run(counters: int) -> dict[str, Any]:
            result = measure(stack, speech, counters, args)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False) if args.json else markdown([result]), flush=True)
            return result

        if args.ramp:
            held = ramp(lambda n: stage_p95(run(n), args.ramp_stage), args.target_s, args.ramp_max, args.ramp_start)
            print(markdown(sorted(results, key=lambda r: r["counters"])))
            print(f"largest N with {args.ramp_stage} p95 ≤ {args.target_s} s and nothing missing: {held}")
        else:
            run(args.counters)
            if args.json:
                print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
