"""Operator-queue simulation: many counters, a dozen operators, Poisson arrivals, a real city's mix.

Runs the real backends (in-process + SQLite, and Redis with two relay nodes) under a simulated clock,
so hours of service take seconds, and prints:
- the wall-clock latency of each queue operation (p50 / p99), i.e. what a relay pays per transition;
- the service metrics the queue computes (ASA, service level, abandonment, occupancy, longest wait);
- for the "pooled" scenario (every operator speaks every language, exponential handle times, no
  abandonment) the M/M/c (Erlang C) prediction for the same figures.

    .venv/bin/python bench/operator_queue.py [--hours 8] [--backends memory,redis] [--redis-url URL]

Without --redis-url a private redis-server is started on a free loopback port (Debian's /usr/bin).
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import math
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from relay.escalation.queue.backend import InProcessQueue, ModelBackend
from relay.escalation.queue.config import QueueConfig
from relay.escalation.queue.events import Connected, Notification, OfferMade
from relay.escalation.queue.redis_backend import RedisQueue
from relay.escalation.queue.stats import ServiceStats

# Share of escalations by resident language, shaped on foreign-resident figures of a Japanese city.
CITY_MIX = {"zh": 0.28, "vi": 0.18, "ko": 0.11, "tl": 0.09, "pt": 0.08, "ne": 0.07, "id": 0.05, "en": 0.05,
            "th": 0.03, "my": 0.03, "es": 0.03}
SKILLED_OPERATORS = [["zh", "en"], ["zh"], ["zh", "ko"], ["vi"], ["vi", "en"], ["ko", "en"], ["tl", "en"],
                     ["pt", "es"], ["pt", "es", "en"], ["ne", "en"], ["id", "en"], ["th", "my", "en"]]


@dataclass
class Scenario:
    name: str
    operators: list[list[str]]
    arrivals_per_hour: float
    handle_time_s: float = 240.0
    counters: int = 200
    config: QueueConfig = field(default_factory=QueueConfig)


def scenarios() -> list[Scenario]:
    every = sorted(CITY_MIX)
    pooled = QueueConfig(max_wait_s=1e9, wrap_up_s=0.0, heartbeat_timeout_s=1e9, offer_timeout_s=1e9)
    skilled = QueueConfig(max_wait_s=300.0, wrap_up_s=0.0, heartbeat_timeout_s=1e9)
    return [Scenario("pooled (M/M/12)", [every] * 12, 126.0, config=pooled),  # offered load 8.4 erlang
            Scenario("skills (city mix)", SKILLED_OPERATORS, 120.0, config=skilled)]


def erlang_c(arrivals_per_s: float, service_s: float, servers: int, target_s: float) -> dict[str, float]:
    load = arrivals_per_s * service_s
    top = load**servers / math.factorial(servers) / (1 - load / servers)
    p_wait = top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)
    drain = servers / service_s - arrivals_per_s
    return {"p_wait": p_wait, "asa_s": p_wait / drain, "service_level": 1 - p_wait * math.exp(-drain * target_s),
            "occupancy": load / servers}


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    escalations: int = 0
    retries: int = 0
    handle_times: list[float] = field(default_factory=list)
    hours: float = 0.0


class Simulation:
    """Discrete events on a fake clock; every queue call is a real backend call, timed on the wall."""

    def __init__(self, scenario: Scenario, nodes: list[ModelBackend], clock: list[float], seed: int) -> None:
        self.s, self.nodes, self.clock = scenario, nodes, clock
        self.rng = random.Random(seed)
        self.events: list[tuple[float, int, str, tuple[str, ...]]] = []
        self.seq = 0
        self.run = Run()
        self.busy_counters: set[int] = set()

    def at(self, when: float, kind: str, *args: str) -> None:
        self.seq += 1
        heapq.heappush(self.events, (when, self.seq, kind, args))

    def node_of(self, operator_id: str) -> ModelBackend:
        """The node an operator's console is connected to (operators are spread over the nodes)."""
        return self.nodes[int(operator_id.removeprefix("op")) % len(self.nodes)]

    async def timed(self, op: str, call: Callable[[], Awaitable[list[Notification]]]) -> list[Notification]:
        started = time.perf_counter()
        notes = await call()
        self.run.latencies.setdefault(op, []).append(time.perf_counter() - started)
        for note in notes:
            if isinstance(note, OfferMade):
                self.at(self.clock[0], "accept", note.operator_id, note.session_id)
            elif isinstance(note, Connected):
                handle = self.rng.expovariate(1 / self.s.handle_time_s)
                self.run.handle_times.append(handle)
                self.at(self.clock[0] + handle, "release", note.operator_id, note.session_id)
        return notes

    async def go(self, hours: float) -> Run:
        end = hours * 3600
        self.run.hours = hours
        for i, langs in enumerate(self.s.operators):
            node = self.nodes[i % len(self.nodes)]
            await self.timed("sign_in", lambda n=node, o=f"op{i}", la=langs: n.sign_in(o, la))
        self.at(self.rng.expovariate(self.s.arrivals_per_hour / 3600), "arrival")
        self.at(10.0, "tick")
        while self.events and self.events[0][0] <= end:
            when, _, kind, args = heapq.heappop(self.events)
            self.clock[0] = when
            await self.handle(kind, args)
        return self.run

    async def handle(self, kind: str, args: tuple[str, ...]) -> None:
        if kind == "arrival":
            self.at(self.clock[0] + self.rng.expovariate(self.s.arrivals_per_hour / 3600), "arrival")
            await self.arrive()
        elif kind == "tick":
            self.at(self.clock[0] + 10.0, "tick")
            await self.timed("tick", self.nodes[0].tick)
        elif kind == "accept":
            op, sid = args
            await self.timed("accept", lambda: self.node_of(op).accept(op, sid))
        elif kind == "release":
            op, sid = args
            await self.timed("release", lambda: self.node_of(op).release(op, sid))
            await self.timed("tick", self.node_of(op).tick)  # wrap-up of 0 s ends at once

    async def arrive(self) -> None:
        lang = self.rng.choices(list(CITY_MIX), weights=list(CITY_MIX.values()))[0]
        counter = self.rng.randrange(self.s.counters)
        self.run.escalations += 1
        sid = f"c{counter}-{self.run.escalations}"
        await self.timed("enqueue", lambda: self.nodes[counter % len(self.nodes)].enqueue(sid, lang))


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


async def make_nodes(kind: str, scenario: Scenario, clock: list[float], redis_url: str,
                     tmp: Path) -> list[ModelBackend]:
    config = scenario.config
    if kind == "memory":
        db = tmp / f"{uuid.uuid4().hex}.sqlite3"
        nodes: list[ModelBackend] = [InProcessQueue(config, db, node_id="node-a", clock=lambda: clock[0])]
    else:
        config.redis_url, config.redis_prefix = redis_url, f"bench-{uuid.uuid4().hex}"
        nodes = [RedisQueue(config, node_id=n, clock=lambda: clock[0]) for n in ("node-a", "node-b")]
    for node in nodes:
        await node.start()
    return nodes


def report(kind: str, scenario: Scenario, run: Run, stats: ServiceStats, wall_s: float) -> None:
    ops = sum(len(v) for v in run.latencies.values())
    print(f"\n== {scenario.name} | backend {kind} | {run.escalations} escalations, {ops} queue operations "
          f"in {wall_s:.1f} s wall ==")
    print(f"{'operation':<10}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for op, values in sorted(run.latencies.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        print(f"{op:<10}{len(values):>8}{statistics.median(values) * 1e3:>10.3f}{p99 * 1e3:>10.3f}")
    if run.retries:
        print(f"optimistic-lock retries: {run.retries}")
    fmt = lambda v, scale=1.0, unit="": "n/a" if v is None else f"{v * scale:.1f}{unit}"  # noqa: E731
    print(f"ASA {fmt(stats.average_speed_of_answer_s, unit=' s')}, service level ({stats.service_level_s:g} s) "
          f"{fmt(stats.service_level, 100, '%')}, abandonment {fmt(stats.abandonment_rate, 100, '%')}, "
          f"unavailable {fmt(stats.unavailable_rate, 100, '%')}, occupancy {fmt(stats.occupancy, 100, '%')}, "
          f"longest current wait {stats.longest_current_wait_s:.0f} s, AHT (last 20) {fmt(stats.average_handle_time_s)} s")
    if scenario.config.max_wait_s > 1e6:
        servers, target = len(scenario.operators), scenario.config.service_level_s
        nominal = erlang_c(scenario.arrivals_per_hour / 3600, scenario.handle_time_s, servers, target)
        realised = erlang_c(run.escalations / (run.hours * 3600), statistics.fmean(run.handle_times), servers,
                            target)  # the same formula at the arrival rate and handle time this run drew
        for label, model in (("nominal load", nominal), ("realised load", realised)):
            print(f"M/M/{servers} Erlang C, {label}: ASA {model['asa_s']:.1f} s, service level "
                  f"{model['service_level'] * 100:.1f}%, P(wait) {model['p_wait'] * 100:.1f}%, "
                  f"occupancy {model['occupancy'] * 100:.1f}%")
    print("escalations by language: " + ", ".join(f"{k} {v}" for k, v in
                                                   sorted(stats.escalations_by_lang.items(), key=lambda kv: -kv[1])))


def compare_backends(scenario: Scenario, by_backend: dict[str, ServiceStats]) -> None:
    """With one seed every backend must compute the same service metrics: one state machine behind all."""
    if len(by_backend) < 2:
        return
    (first, reference), *others = by_backend.items()
    differences = [f"{kind}.{name}: {getattr(stats, name)!r} vs {first}: {getattr(reference, name)!r}"
                   for kind, stats in others for name in vars(reference)
                   if getattr(stats, name) != getattr(reference, name)]
    verdict = "identical" if not differences else "DIFFERENT: " + "; ".join(differences)
    print(f"\n{scenario.name}: service metrics of {' and '.join(by_backend)} {verdict}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=8.0, help="simulated service hours per run")
    parser.add_argument("--backends", default="memory,redis")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    proc = None
    redis_url = args.redis_url
    if "redis" in args.backends and not redis_url:
        proc, redis_url = start_redis()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for scenario in scenarios():
                by_backend: dict[str, ServiceStats] = {}
                for kind in args.backends.split(","):
                    clock = [0.0]
                    nodes = await make_nodes(kind, scenario, clock, redis_url, Path(tmp))
                    started = time.perf_counter()
                    run = await Simulation(scenario, nodes, clock, args.seed).go(args.hours)
                    run.retries = sum(getattr(n, "retries", 0) for n in nodes)
                    by_backend[kind] = await nodes[0].stats()
                    report(kind, scenario, run, by_backend[kind], time.perf_counter() - started)
                    for node in nodes:
                        await node.close()
                compare_backends(scenario, by_backend)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    asyncio.run(main())
