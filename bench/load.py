"""Load generator: the 8:30 rush. N simulated counter tablets (websockets clients) against one relay.

Each counter runs a realistic script until the time is up: a clerk's sentence as speech (a WAV streamed
at real-time pace, 0.1 s frames), a typed turn now and then (筆談, with a ``client_id``), an escalation
now and then (cancelled again), one forced disconnect and resume with ``resume_after``, and a think
time between turns (exponential, mean ``--think`` s). The relay runs in its own process with fake
engines at realistic delays (``--asr-delay`` per 0.25 s decode, ``--mt-delay`` per translation,
``--tts-delay`` per sentence) — or, with ``--real MODELS_DIR``, the small real-format test models
(``tests/fixtures``, random weights: timing only) installed in a models folder.

Reported: latency per stage (speech end → transcript, → translation; text → transcript, →
translation; translation → first speech audio) p50/p95/p99; turns/s; errors by code; lost and
duplicated events (a fresh client replays every session from the store at the end and compares:
both must be zero); relay CPU seconds and peak RSS. JSON on stdout (``--json``) and a Markdown row.

    .venv/bin/python bench/load.py --sessions 50 --duration 60
    .venv/bin/python bench/load.py --find-max 10,20,30,40,60 --duration 45   # largest N with p95 < 1.5 s
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAV = Path("/work/shared/data/speech/librispeech_1089-134686-0001.wav")
FRAME_S = 0.1
P95_TARGET_S = 1.5

SERVER = r"""
import asyncio, sys, time
from aiohttp import web
sys.path.insert(0, {root!r})
from relay.app import create_app
from relay.context import CONTEXT
from relay.settings import load_settings
from tests.fakes import FakeRecognizer, FakeSynthesizer, FakeTranslator, fake_engines

class SlowSynthesizer(FakeSynthesizer):
    def synthesize(self, text, lang, rate=1.0):
        for chunk in super().synthesize(text, lang, rate):
            time.sleep({tts_delay})
            yield chunk

async def main():
    settings = load_settings(env={{}}, overrides={{
        "store": {{"path": {db!r}}}, "relay": {{"max_sessions": 100000}}, **({{"models": {{"dir": {real!r}}}}} if {real!r} else {{}}),
        "queue": {{"max_wait_s": 3600}}, "logging": {{"level": "WARNING"}}}})
    if {real!r}:
        engines = None  # the models installed in that folder, loaded as `madoguchi serve` does
    else:
        said = [("ja", "住民票の写しを一通お願いします"), ("ja", "こちらの用紙にご記入ください"),
                ("ja", "本人確認書類はお持ちですか")]
        engines = fake_engines(
            recognizer=FakeRecognizer(said, delay={asr_delay}, utterance_bytes=0),
            translator=FakeTranslator(delay={mt_delay}), synthesizer=SlowSynthesizer(sentences=2))
    app = create_app(settings, engines)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", {port}).start()
    _, token = await app[CONTEXT].auth.add_token("clerk", "load")
    print("READY", token, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


@dataclass
class Results:
    latency: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    turns: int = 0
    duplicated: int = 0
    lost: int = 0
    unconfirmed_texts: int = 0
    lost_detail: list[str] = field(default_factory=list)  # type:state@seq/last seen, to tell why

    def add(self, stage: str, seconds: float) -> None:
        self.latency.setdefault(stage, []).append(seconds)


class Counter_:
    """One tablet: its websocket, what it has seen (by seq) and what it is waiting for."""

    def __init__(self, base: str, token: str, session_id: str, results: Results, pcm: bytes) -> None:
        self.base, self.token, self.session_id, self.results, self.pcm = base, token, session_id, results, pcm
        self.ws: ClientConnection | None = None
        self.seen: dict[int, dict[str, Any]] = {}
        self.waiting: dict[str, tuple[str, float]] = {}  # key → (stage prefix, started)
        self.sent_ids: set[str] = set()
        self.reader: asyncio.Task[None] | None = None
        self.speech_end = 0.0

    async def connect(self) -> None:
        self.ws = await connect(self.base.replace("http", "ws") + "/ws", max_size=None)
        hello: dict[str, Any] = {"type": "hello", "protocol": 1, "role": "counter", "token": self.token,
                                 "session_id": self.session_id}
        if self.reader is not None:  # a reconnect: everything after the last event seen, even if none was
            hello["resume_after"] = max(self.seen, default=0)
        await self.ws.send(json.dumps(hello))
        self.reader = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                if isinstance(raw, str):
                    self._on(json.loads(raw))
        except ConnectionClosed:
            pass

    def _on(self, body: dict[str, Any]) -> None:
        now = time.perf_counter()
        seq = body.get("seq")
        if isinstance(seq, int):
            if seq in self.seen:
                self.results.duplicated += 1
            self.seen[seq] = body
        kind = body["type"]
        if kind == "error":
            self.results.errors[body["code"]] += 1
        elif kind == "transcript":
            key = body.get("client_id") or "speech"
            if key in self.waiting:
                prefix, started = self.waiting[key]
                self.results.add(f"{prefix} → transcript", now - started)
                self.waiting[body["utterance_id"]] = (prefix, started)
                del self.waiting[key]
        elif kind == "translation" and body.get("kind") in ("translation", "easy_japanese"):
            if body["utterance_id"] in self.waiting:
                prefix, started = self.waiting.pop(body["utterance_id"])
                self.results.add(f"{prefix} → translation", now - started)
                self.results.turns += 1
                self.waiting["tts:" + body["utterance_id"]] = ("translation", now)
                self.waiting["back:" + body["utterance_id"]] = ("translation", now)  # the clerk's check follows
        elif kind == "translation" and body.get("kind") == "back_translation":
            self.waiting.pop("back:" + body["utterance_id"], None)
        elif kind == "tts.start" and "tts:" + body["utterance_id"] in self.waiting:
            _, started = self.waiting.pop("tts:" + body["utterance_id"])
            self.results.add("translation → first speech audio", now - started)

    async def speak(self) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps({"type": "audio.start", "speaker": "clerk", "sample_rate": 16000}))
        step = int(16000 * 2 * FRAME_S)
        started = time.perf_counter()
        for n, offset in enumerate(range(0, len(self.pcm), step)):
            await self.ws.send(self.pcm[offset:offset + step])
            await asyncio.sleep(max(0.0, started + (n + 1) * FRAME_S - time.perf_counter()))  # real time
        self.waiting["speech"] = ("speech end", time.perf_counter())
        await self.ws.send(json.dumps({"type": "audio.stop"}))

    async def type_text(self, n: int) -> None:
        assert self.ws is not None
        client_id = f"{self.session_id}-{n}"
        self.sent_ids.add(client_id)
        self.waiting[client_id] = ("text", time.perf_counter())
        await self.ws.send(json.dumps({"type": "text", "speaker": "clerk", "text": f"{n}番の窓口へどうぞ",
                                       "client_id": client_id}))

    async def escalate_and_cancel(self) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps({"type": "escalate", "reason": "load test"}))
        await asyncio.sleep(1.0)
        await self.ws.send(json.dumps({"type": "escalation.cancel"}))

    async def drop_and_resume(self) -> None:
        assert self.ws is not None and self.reader is not None
        await self.ws.close()
        await self.reader
        await self.connect()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader


async def run_counter(tablet: Counter_, until: float, think: float, rng: random.Random) -> None:
    await tablet.connect()
    n, dropped = 0, False
    drop_at = until - rng.uniform(0.3, 0.7) * (until - time.perf_counter())  # one forced disconnect
    await asyncio.sleep(rng.uniform(0, think))  # counters open within the first moments, not in lockstep
    while time.perf_counter() < until:
        roll = rng.random()
        if roll < 0.6:
            await tablet.speak()
        elif roll < 0.95:
            await tablet.type_text(n)
        else:
            await tablet.escalate_and_cancel()
        n += 1
        if not dropped and time.perf_counter() > drop_at:
            dropped = True
            await tablet.drop_and_resume()
        await asyncio.sleep(rng.expovariate(1 / think))
    for _ in range(200):  # let the last turns finish before leaving: what comes later is not "lost"
        if not any(not key.startswith("tts:") for key in tablet.waiting):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    await tablet.close()


async def audit(base: str, token: str, tablet: Counter_, results: Results) -> None:
    """A fresh client replays the whole session from the store: what the tablet missed is lost."""
    async with connect(base.replace("http", "ws") + "/ws", max_size=None) as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": 1, "role": "counter", "token": token,
                                  "session_id": tablet.session_id, "resume_after": 0}))
        stored: dict[int, dict[str, Any]] = {}
        welcome = json.loads(await ws.recv())
        last = welcome["last_seq"]
        while len(stored) < last:
            raw = await asyncio.wait_for(ws.recv(), 10)
            if isinstance(raw, str) and "seq" in (body := json.loads(raw)):
                stored[body["seq"]] = body
    missing = sorted(set(stored) - set(tablet.seen))
    results.lost += len(missing)
    results.lost_detail.extend(f"{stored[seq]['type']}:{stored[seq].get('state') or stored[seq].get('kind') or ''}"
                               f"@{seq}/{max(tablet.seen, default=0)}" for seq in missing)
    stored_ids = [b.get("client_id") for b in stored.values() if b["type"] == "transcript" and b.get("client_id")]
    results.duplicated += len(stored_ids) - len(set(stored_ids))
    results.unconfirmed_texts += len(tablet.sent_ids - set(stored_ids))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def speech_pcm(path: Path) -> bytes:
    if path.exists():
        with wave.open(str(path)) as w:
            if w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2:
                return w.readframes(w.getnframes())
    return b"\x10\x00\xf0\xff" * 16000 * 2  # 2 s of a quiet square wave


def drive(args: argparse.Namespace, sessions: int) -> dict[str, Any]:
    """Start a relay process, load it, stop it."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        script = SERVER.format(root=str(ROOT), db=str(Path(tmp) / "load.sqlite3"), port=port, real=args.real,
                               asr_delay=args.asr_delay, mt_delay=args.mt_delay, tts_delay=args.tts_delay)
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, cwd=ROOT)
        try:
            assert proc.stdout is not None
            ready, token = proc.stdout.readline().decode().split()
            assert ready == "READY"
            return asyncio.run(_load(args, sessions, f"http://127.0.0.1:{port}", token, psutil.Process(proc.pid)))
        finally:
            proc.terminate()
            proc.wait(timeout=30)


async def _load(args: argparse.Namespace, sessions: int, base: str, token: str, relay: psutil.Process) -> dict[str, Any]:
    results, pcm, rng = Results(), speech_pcm(Path(args.wav)), random.Random(args.seed)
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        tablets = []
        for n in range(sessions):
            async with http.post(f"{base}/api/sessions", json={"counter": f"{n + 1}番", "resident_lang": "en"}) as r:
                tablets.append(Counter_(base, token, (await r.json())["session_id"], results, pcm))
    cpu_before, peak_rss = sum(relay.cpu_times()[:2]), 0
    started = time.perf_counter()
    runs = asyncio.gather(*(run_counter(t, started + args.duration, args.think, random.Random(rng.random()))
                            for t in tablets))
    while not runs.done():
        peak_rss = max(peak_rss, relay.memory_info().rss)
        await asyncio.sleep(0.5)
    await runs
    elapsed = time.perf_counter() - started
    cpu = sum(relay.cpu_times()[:2]) - cpu_before
    for tablet in tablets:
        await audit(base, token, tablet, results)
    return {
        "sessions": sessions, "duration_s": round(elapsed, 1), "turns": results.turns,
        "turns_per_s": round(results.turns / elapsed, 2),
        "latency_s": {stage: {"n": len(v), "p50": round(percentile(v, 0.5), 3), "p95": round(percentile(v, 0.95), 3),
                              "p99": round(percentile(v, 0.99), 3)} for stage, v in sorted(results.latency.items())},
        "errors": dict(results.errors), "lost_events": results.lost, "lost_detail": results.lost_detail[:20],
        "duplicated_events": results.duplicated,
        "texts_never_stored": results.unconfirmed_texts,
        "relay_cpu_s": round(cpu, 1), "relay_cpu_share": round(cpu / elapsed, 2),
        "relay_peak_rss_mb": round(peak_rss / 2**20), "load_average": [round(x, 2) for x in psutil.getloadavg()],
    }


def translation_p95(result: dict[str, Any]) -> float:
    stages = [v["p95"] for k, v in result["latency_s"].items() if k.endswith("→ translation")]
    return max(stages) if stages else float("inf")


def markdown(results: list[dict[str, Any]]) -> str:
    lines = ["| counters | turns/s | speech end → translation p50 / p95 / p99 | text → translation p50 / p95 / p99 "
             "| lost / duplicated | errors | relay CPU | relay peak RSS | load avg (1 min) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        def cell(stage: str, result: dict[str, Any] = r) -> str:
            s = result["latency_s"].get(stage)
            return f"{s['p50']:.2f} / {s['p95']:.2f} / {s['p99']:.2f} s" if s else "—"
        errors = ", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "none"
        lines.append(f"| {r['sessions']} | {r['turns_per_s']} | {cell('speech end → translation')} | "
                     f"{cell('text → translation')} | {r['lost_events']} / {r['duplicated_events']} | {errors} | "
                     f"{r['relay_cpu_share']:.0%} of a core | {r['relay_peak_rss_mb']} MB | {r['load_average'][0]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--find-max", default="", help="comma-separated counts to try, smallest first")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=4.0, help="mean pause between a counter's turns (s)")
    parser.add_argument("--asr-delay", type=float, default=0.08, help="seconds per 0.25 s decode (fake ASR)")
    parser.add_argument("--mt-delay", type=float, default=0.25, help="seconds per translation (fake MT)")
    parser.add_argument("--tts-delay", type=float, default=0.15, help="seconds per sentence (fake TTS)")
    parser.add_argument("--real", default="", metavar="MODELS_DIR",
                        help="load the models installed in this folder (e.g. the small real-format test models "
                             "installed with `madoguchi models install`) instead of fakes")
    parser.add_argument("--wav", default=str(DEFAULT_WAV))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.find_max.split(",") if c] or [args.sessions]
    results: list[dict[str, Any]] = []
    for sessions in counts:
        result = drive(args, sessions)
        results.append(result)
        print(json.dumps(result, ensure_ascii=False) if args.json else markdown([result]), flush=True)
        if args.find_max and (translation_p95(result) > P95_TARGET_S or result["lost_events"]
                              or result["duplicated_events"]):
            break
    if len(results) > 1:
        held = [r["sessions"] for r in results if translation_p95(r) <= P95_TARGET_S
                and not r["lost_events"] and not r["duplicated_events"]]
        print(markdown(results))
        print(f"largest count held with translation p95 ≤ {P95_TARGET_S} s and nothing lost: {max(held, default=0)}")
    bad = any(r["lost_events"] or r["duplicated_events"] or r["texts_never_stored"] for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
