"""Relay overhead: N concurrent sessions exchanging text through fake engines with zero latency.

The relay runs in its own process (as in production); this process drives N counter tablets and N
resident phones over real websockets. Each session sends typed text in a closed loop (next message
when the previous one's translation has arrived, after an optional think time) and we measure
message-in → event-out latency (with --think, each session pauses a random exponential time between
messages, so arrivals are Poisson; --think 0 measures saturation throughput): `text` sent → `transcript` at the tablet, and → `translation` at the
resident's phone. Prints p50/p95/p99, messages/s, and the relay's peak RSS.

    .venv/bin/python bench/relay_overhead.py --sessions 100 --messages 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent

SERVER = r"""
import asyncio, sys
from aiohttp import web
sys.path.insert(0, {root!r})
from relay.app import create_app
from relay.context import CONTEXT
from relay.settings import load_settings
from tests.fakes import fake_engines

async def main():
    settings = load_settings(env={{}}, overrides={{
        "store": {{"path": {db!r}}}, "relay": {{"max_sessions": 100000, "back_translation": False}},
        "logging": {{"level": "WARNING"}}}})
    app = create_app(settings, fake_engines())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", {port}).start()
    _, token = await app[CONTEXT].auth.add_token("clerk", "bench")
    print("READY", token, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run_session(http: aiohttp.ClientSession, base: str, token: str, messages: int, think: float,
                      to_transcript: list[float], to_translation: list[float]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(f"{base}/api/sessions", headers=headers,
                         json={"counter": "bench", "resident_lang": "en", "tts": False}) as resp:
        session = await resp.json()
    counter = await http.ws_connect(f"{base}/ws")
    resident = await http.ws_connect(f"{base}/ws")
    await counter.send_json({"type": "hello", "protocol": 1, "role": "counter", "token": token,
                             "session_id": session["session_id"]})
    await resident.send_json({"type": "hello", "protocol": 1, "role": "resident",
                              "token": session["resident_token"]})
    await counter.receive_json()
    await resident.receive_json()
    if think:  # counters do not speak in step: start at a random moment
        await asyncio.sleep(random.uniform(0, think))
    for i in range(messages):
        sent = time.perf_counter()
        await counter.send_str(json.dumps({"type": "text", "speaker": "clerk", "text": f"番号{i}番の方どうぞ"}))
        while (await counter.receive_json())["type"] != "transcript":
            pass
        to_transcript.append(time.perf_counter() - sent)
        while (await resident.receive_json())["type"] != "translation":
            pass
        to_translation.append(time.perf_counter() - sent)
        if think:  # exponential pauses: Poisson arrivals at 1/think per session
            await asyncio.sleep(random.expovariate(1 / think))
    await counter.close()
    await resident.close()


async def drive(base: str, token: str, sessions: int, messages: int, think: float) -> dict[str, object]:
    to_transcript: list[float] = []
    to_translation: list[float] = []
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(run_session(http, base, token, messages, think, to_transcript, to_translation)
                               for _ in range(sessions)))
        elapsed = time.perf_counter() - started
    return {"transcript": to_transcript, "translation": to_translation, "elapsed": elapsed}


def report(args: argparse.Namespace, result: dict[str, object], rss: float) -> str:
    lines = [f"relay overhead: {args.sessions} sessions × {args.messages} messages, think {args.think}s, "
             f"fake engines with zero latency, {os.cpu_count()} CPUs",
             f"{'latency (ms)':34} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}"]
    for key, label in (("transcript", "text → transcript (tablet)"), ("translation", "text → translation (phone)")):
        values = [v * 1000 for v in result[key]]  # type: ignore[attr-defined]
        lines.append(f"{label:34} {percentile(values, 50):7.2f} {percentile(values, 95):7.2f} "
                     f"{percentile(values, 99):7.2f} {max(values):7.2f}")
    count = len(result["transcript"])  # type: ignore[arg-type]
    elapsed = float(result["elapsed"])  # type: ignore[arg-type]
    lines.append(f"client messages/s: {count / elapsed:.0f}  (events out/s incl. both sockets: "
                 f"{3 * count / elapsed:.0f}); mean {statistics.mean(result['translation']) * 1000:.2f} ms")  # type: ignore[arg-type]
    lines.append(f"relay peak RSS: {rss:.0f} MB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--messages", type=int, default=20, help="messages per session")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds between a session's messages (exponential); 0 = closed loop, as fast as possible")
    args = parser.parse_args(argv)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        code = SERVER.format(root=str(ROOT), db=str(Path(tmp) / "bench.sqlite3"), port=port)
        server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            ready = server.stdout.readline().split()
            if not ready or ready[0] != "READY":
                print("relay did not start", file=sys.stderr)
                return 1
            result = asyncio.run(drive(f"http://127.0.0.1:{port}", ready[1], args.sessions, args.messages,
                                       args.think))
            print(report(args, result, peak_rss_mb(server.pid)))
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
