"""Relay overhead: N concurrent sessions exchanging text through fake engines with zero latency.

The relay runs in its own process (as in production, with the open-file limit and listen queue of
``madoguchi serve``: relay/runtime/serving.py; its script is bench/_relay_server.py); this process drives N
counter tablets and N resident phones over real websockets. Every socket is read all the time, as a browser's is, so the relay's pings are
answered while a session pauses (a client that reads only while it waits for an answer misses its
pongs when it pauses longer than the ping timeout, and the relay closes it: that is what reset the
sockets of long runs before). All sessions connect first (at most ``--connect-concurrency`` set-ups
at a time; 0 = all at once, like a node restart's reconnect storm), then each sends typed text in a
closed loop (next message when the previous one's translation has arrived, after a think time: with
``--think``, each session pauses a random exponential time between messages, so arrivals are
Poisson; ``--think 0`` measures saturation throughput). Measured with all N sessions open: `text`
sent → `transcript` at the tablet, and → `translation` at the resident's phone, p50/p95/p99;
messages/s; the relay's CPU and peak RSS; and how late this process's own event loop ran (its
lateness is part of every latency measured here). Figures that do not depend on the machine's load
come with them: the relay's CPU time per message (and, from ``--idle`` seconds with every session open
and silent, what the open sockets alone cost), the store's writes and commits per message, every
garbage collection by generation with its CPU time, and the reference cycles the sessions left once
every socket had closed. And what else ran: the clients' own CPU per message (their loop is uvloop when
installed, ``--client-loop``, and their heap is frozen once every session is connected,
``--client-gc``, and their collector is off while they converse: a full collection of one process
holding 2,000 client sockets stopped every client for 130-200 ms, once a run, and its generation-1
collections 14-24 ms a few times a run, and each landed in the measured latencies), the machine's busy and stolen shares,
the relay's user and kernel CPU and context switches per message, how long each process waited for a
core, and the longest stalls of both loops with what coincided (bench/_relay_stalls.py).

    .venv/bin/python bench/relay_overhead.py --sessions 100 --messages 20
    .venv/bin/python bench/relay_overhead.py --sessions 1000 --messages 10 --think 5
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from _relay_report import figures, report, traced_stages  # noqa: E402
from _relay_server import relay_stats, server_code  # noqa: E402
from _relay_stalls import (  # noqa: E402
    GcPauses,
    LatenessTicker,
    context_switches,
    cpu_ticks,
    run_delay_s,
    steal_share,
)

from relay.runtime.event_loop import loop_factory  # noqa: E402

CLIENT_GC = GcPauses()  # this process's garbage collections while the sessions converse

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    return sum(user_system_seconds(pid))


def user_system_seconds(pid: int) -> tuple[float, float]:
    """The process's CPU time so far: in its own code (user) and in the kernel for it (system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / os.sysconf("SC_CLK_TCK"), int(fields[12]) / os.sysconf("SC_CLK_TCK")


class Peer:
    """One websocket read all the time by its own task (which answers the relay's pings, as a browser
    does); messages wait in an inbox, stamped with their arrival time."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.inbox: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.inbox.put_nowait((time.perf_counter(), json.loads(msg.data)))
        self.inbox.put_nowait((time.perf_counter(), {"type": "closed", "code": self.ws.close_code}))

    async def expect(self, kind: str) -> float:
        """The arrival time of the next message of ``kind``; a closed socket or an error fails."""
        return (await self.expect_message(kind))[0]

    async def expect_message(self, kind: str) -> tuple[float, dict[str, Any]]:
        """The next message of ``kind`` with its arrival time; a closed socket or an error fails."""
        while True:
            at, message = await self.inbox.get()
            if message["type"] == kind:
                return at, message
            if message["type"] in ("closed", "error"):
                raise RuntimeError(f"waiting for {kind}: {message}")

    async def close(self) -> None:
        await self.ws.close()
        await self.reader


async def open_session(http: aiohttp.ClientSession, base: str, token: str) -> tuple[Peer, Peer]:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.post(f"{base}/api/sessions", headers=headers,
                         json={"counter": "bench", "resident_lang": "en", "tts": False}) as resp:
        session = await resp.json()
    if "session_id" not in session:
        raise RuntimeError(f"session refused: {session}")
    counter = Peer(await http.ws_connect(f"{base}/ws"))
    resident = Peer(await http.ws_connect(f"{base}/ws"))
    await counter.ws.send_json({"type": "hello", "protocol": 1, "role": "counter", "token": token,
                                "session_id": session["session_id"]})
    await resident.ws.send_json({"type": "hello", "protocol": 1, "role": "resident",
                                 "token": session["resident_token"]})
    await counter.expect("welcome")
    await resident.expect("welcome")
    return counter, resident


async def converse(counter: Peer, resident: Peer, messages: int, think: float, result: dict[str, Any]) -> None:
    if think:  # counters do not speak in step: start at a random moment
        await asyncio.sleep(random.uniform(0, think))
    for i in range(messages):
        sent = time.perf_counter()
        await counter.ws.send_str(json.dumps({"type": "text", "speaker": "clerk", "text": f"番号{i}番の方どうぞ"}))
        at_transcript, transcript = await counter.expect_message("transcript")
        at_translation = await resident.expect("translation")
        result["transcript"].append(at_transcript - sent)
        result["translation"].append(at_translation - sent)
        result["messages"].append({"utterance_id": transcript["utterance_id"], "sent": sent,
                                   "at_transcript": at_transcript, "at_translation": at_translation})
        if think:  # exponential pauses: Poisson arrivals at 1/think per session
            await asyncio.sleep(random.expovariate(1 / think))


async def tell_relay(pid: int, sig: signal.Signals) -> None:
    """Send the relay ``sig`` and wait until it has acted on it (it answers with the same signal). A signal
    is handled when the relay's loop next turns: on a loaded machine that was after the first messages,
    which then fell outside the counts (1.92 store writes per message, not 2; 0.67 bridge calls, not 1)."""
    loop, answered = asyncio.get_running_loop(), asyncio.Event()
    loop.add_signal_handler(sig, answered.set)
    try:
        os.kill(pid, sig)
        await asyncio.wait_for(answered.wait(), 60)
    finally:
        loop.remove_signal_handler(sig)


async def drive(base: str, token: str, args: argparse.Namespace, relay_pid: int) -> dict[str, Any]:
    result: dict[str, Any] = {"transcript": [], "translation": [], "lateness": [], "failed": [], "messages": []}
    limit = asyncio.Semaphore(args.connect_concurrency or args.sessions)

    async def connect(http: aiohttp.ClientSession) -> tuple[Peer, Peer] | None:
        async with limit:
            try:
                return await open_session(http, base, token)
            except (aiohttp.ClientError, RuntimeError, OSError) as exc:
                result["failed"].append(f"connect: {type(exc).__name__}: {exc}")
                return None

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        started = time.perf_counter()
        pairs = [p for p in await asyncio.gather(*(connect(http) for _ in range(args.sessions))) if p]
        result["connect_s"], result["open"] = time.perf_counter() - started, len(pairs)
        result["client_loop"] = type(asyncio.get_running_loop()).__module__.split(".")[0]
        result["client_gc"] = args.client_gc
        # The clients' state lives as long as their sockets: freeze it, as the relay's GC policy freezes its
        # own, so that a full collection of this one process holding 2,000 sockets (150-200 ms, which no
        # browser has) does not stop every client at once and land in the measured latencies.
        if args.client_gc != "python":
            gc.collect()
            gc.freeze()
        if args.client_gc == "paused":
            # ... and no collection of theirs while they converse: a generation-1 collection of this process
            # scans what 1,000 sessions made since the freeze (on the quiet machine: a few a run, 14-24 ms
            # each, every client stopped meanwhile, in the latencies of every message then in flight)
            gc.disable()
        if args.idle:  # every session open, nobody talking: what keeping the sockets alive costs
            cpu0 = cpu_seconds(relay_pid)
            await asyncio.sleep(args.idle)
            result["idle_cpu"] = (cpu_seconds(relay_pid) - cpu0) / args.idle
        late = LatenessTicker()  # how late this process's own loop runs: its share of every latency
        ticker = asyncio.get_running_loop().create_task(late.run())
        await tell_relay(relay_pid, signal.SIGUSR1)  # the relay counts its garbage collections from here
        CLIENT_GC.clear()
        cpu0, started = cpu_seconds(relay_pid), time.perf_counter()
        split0 = user_system_seconds(relay_pid)
        own_cpu0, machine0 = time.process_time(), cpu_ticks()
        delays0 = run_delay_s(relay_pid), run_delay_s(os.getpid())
        switches0 = context_switches(relay_pid)
        outcomes = await asyncio.gather(*(converse(c, r, args.messages, args.think, result) for c, r in pairs),
                                        return_exceptions=True)
        result["elapsed"] = time.perf_counter() - started
        result["relay_cpu"] = (cpu_seconds(relay_pid) - cpu0) / result["elapsed"]
        result["relay_user_system_s"] = [after - before for after, before in zip(user_system_seconds(relay_pid), split0,
                                                                                 strict=True)]
        await tell_relay(relay_pid, signal.SIGUSR2)  # and up to here
        result["client_cpu_s"], machine = time.process_time() - own_cpu0, cpu_ticks()
        result["steal"], result["machine_busy"] = steal_share(machine0, machine)
        result["relay_switches"] = [after - before for after, before in zip(context_switches(relay_pid), switches0,
                                                                            strict=True)]
        result["run_delay_s"] = [run_delay_s(relay_pid) - delays0[0], run_delay_s(os.getpid()) - delays0[1]]
        result["client_gcs"], result["client_gc_cpu"] = list(CLIENT_GC.pauses), list(CLIENT_GC.cpu)
        gc.enable()
        late.stop()
        await ticker
        result["late"], result["lateness"] = late.samples, [lateness for _, lateness in late.samples]
        result["failed"] += [f"converse: {type(o).__name__}: {o}" for o in outcomes if isinstance(o, BaseException)]
        await asyncio.gather(*(p.close() for pair in pairs for p in pair), return_exceptions=True)
    return result


def raise_own_open_file_limit(sockets: int) -> None:
    """This process holds two sockets per session: lift its soft limit as far as the hard limit allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = sockets + 256
    target = want if hard == resource.RLIM_INFINITY else min(hard, max(soft, want))
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < want:
        print(f"warning: open-file limit {target} is too low for {sockets} sockets (raise `ulimit -Hn`)",
              file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--messages", type=int, default=20, help="messages per session")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds between a session's messages (exponential); 0 = closed loop, as fast as possible")
    parser.add_argument("--connect-concurrency", type=int, default=50,
                        help="session set-ups in flight at once while connecting; 0 = all at once")
    parser.add_argument("--idle", type=float, default=10.0,
                        help="seconds with every session open and silent before the conversation, to measure "
                             "what the open sockets alone cost the relay (0 = skip)")
    parser.add_argument("--profile", action="store_true", help="profile the relay (cProfile, to stderr)")
    parser.add_argument("--trace", action="store_true",
                        help="stamp each typed message's stages inside the relay (bench/_relay_trace.py) and report "
                             "where the time goes, for every message and for the slowest 1%%")
    parser.add_argument("--json", default="", help="also write the figures to this JSON file")
    parser.add_argument("--relay-gc-threshold", default="",
                        help="the relay's gc.set_threshold, e.g. 700,10,100 (default: Python's)")
    parser.add_argument("--relay-gc-freeze-s", type=float, default=None,
                        help="the relay's relay.gc_freeze_s (default: the relay's own default; 0 = Python's collector "
                             "with only the start-up heap frozen)")
    parser.add_argument("--client-loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                        help="the event loop of this process's 2,000 client sockets: auto = uvloop when installed (the "
                             "clients share the machine's cores with the relay: the less CPU they take, the less "
                             "of the relay's they measure)")
    parser.add_argument("--client-gc", choices=("paused", "frozen", "python"), default="paused",
                        help="this process's garbage collector: paused = its heap frozen once every session is "
                             "connected and no collection while the sessions converse (the default: no collection "
                             "of 2,000 clients' state stops them all during the conversation); frozen = the heap "
                             "frozen once, Python's collector after (before 27 Nov 08:00); python = Python's "
                             "collector as it is")
    parser.add_argument("--relay-event-loop", choices=("auto", "asyncio", "uvloop"), default=None,
                        help="the relay's relay.event_loop (default: the relay's own default)")
    parser.add_argument("--relay-switch-interval-ms", type=float, default=None,
                        help="the relay's relay.switch_interval_ms (default: the relay's own; 0 = Python's 5 ms)")
    parser.add_argument("--relay-set", action="append", default=[], metavar="KEY=JSON",
                        help="any other [relay] setting for the run, e.g. turns_per_minute=0 (a closed loop of one "
                             "session: every message with commits of its own)")
    parser.add_argument("--store-set", action="append", default=[], metavar="KEY=JSON",
                        help="any [store] setting for the run, e.g. checkpoint_interval_s=0 (SQLite's own checkpoint, "
                             "inside the commits, as before 27 Nov 11:30)")
    args = parser.parse_args(argv)
    raise_own_open_file_limit(2 * args.sessions)
    CLIENT_GC.install()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        code = server_code(args, ROOT, Path(tmp) / "bench.sqlite3", port,
                           trace=str(Path(tmp) / "trace.json") if args.trace else "")
        server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            ready = server.stdout.readline().split()
            if not ready or ready[0] != "READY":
                print("relay did not start", file=sys.stderr)
                return 1
            with asyncio.Runner(loop_factory=loop_factory(args.client_loop)) as runner:
                result = runner.run(drive(f"http://127.0.0.1:{port}", ready[1], args, server.pid))
            rss = peak_rss_mb(server.pid)
            server.terminate()
            out, _ = server.communicate(timeout=30)
            stats = relay_stats(out)
            print(report(args, result, rss, stats))
            if args.trace:
                print("\n".join(traced_stages(result, Path(tmp) / "trace.json", stats)))
            if args.json:
                Path(args.json).write_text(json.dumps(figures(args, result, stats), indent=1))
        finally:
            if server.poll() is None:
                server.kill()
                server.wait(timeout=10)
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
