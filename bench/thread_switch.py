"""What Python's thread switch interval (``[relay] switch_interval_ms``) does to the relay's waits.

The relay's event loop and the bridge's engine threads share one interpreter lock. Two waits depend on
the switch interval, and this measures both through the relay's own bridge (``relay.turns.bridge``),
each interval in turn, ``--rounds`` times, interleaved so that the machine's load hits them alike:

- **loop → thread**: the loop, busy with sessions' callbacks (small Python steps, each with a system
  call, as a socket write is), asks an engine thread for a call that does nothing: how long until the
  thread runs (it needs the lock that the busy loop keeps taking back);
- **thread → loop**: an engine running Python code in its thread (as the やさしい日本語 rewriter, the
  tokenisers and the recognisers' glue do) while the loop's timers are due every millisecond: how late
  each timer runs (every session waits as long).

And what it costs: the time the Python engine takes for a fixed piece of work beside the busy loop.

    .venv/bin/python bench/thread_switch.py --intervals 5,1,0.5 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relay.turns.bridge import Bridge


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def python_engine(work: int) -> int:
    """Pure Python work, holding the interpreter lock (as a rule-based rewriter does)."""
    return sum(sum(range(200)) for _ in range(work))


async def busy_loop(stop: asyncio.Event) -> None:
    """Sessions' callbacks: a little Python and a system call each, back to back."""
    r, w = os.pipe()
    try:
        while not stop.is_set():
            sum(range(300))
            os.write(w, b"x")
            os.read(r, 1)
            await asyncio.sleep(0)
    finally:
        os.close(r)
        os.close(w)


async def loop_to_thread(bridge: Bridge, calls: int) -> list[float]:
    stop = asyncio.Event()
    busy = asyncio.create_task(busy_loop(stop))
    waits = []
    for _ in range(calls):
        asked = time.perf_counter()
        began: float = await bridge.run("mt", time.perf_counter)
        waits.append((began - asked) * 1000)
        await asyncio.sleep(0.002)
    stop.set()
    await busy
    return waits


async def thread_to_loop(bridge: Bridge, work: int) -> list[float]:
    late = []
    call = bridge.start("easy_japanese", python_engine, work)
    while not call.done():
        due = time.perf_counter() + 0.001
        await asyncio.sleep(0.001)
        late.append((time.perf_counter() - due) * 1000)
    await call
    return late


async def engine_time(bridge: Bridge, work: int) -> float:
    stop = asyncio.Event()
    busy = asyncio.create_task(busy_loop(stop))
    started = time.perf_counter()
    await bridge.run("easy_japanese", python_engine, work)
    elapsed = time.perf_counter() - started
    stop.set()
    await busy
    return elapsed * 1000


async def measure(interval_ms: float, args: argparse.Namespace) -> dict[str, list[float]]:
    sys.setswitchinterval(interval_ms / 1000)
    bridge = Bridge({"mt": 2, "easy_japanese": 1})
    try:
        return {"loop_to_thread": await loop_to_thread(bridge, args.calls),
                "thread_to_loop": await thread_to_loop(bridge, args.work),
                "engine_ms": [await engine_time(bridge, args.work)]}
    finally:
        bridge.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--intervals", default="5,1,0.5", help="switch intervals to compare, in ms")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--calls", type=int, default=300, help="engine calls asked from the busy loop per round")
    parser.add_argument("--work", type=int, default=20000, help="size of the Python engine's piece of work")
    args = parser.parse_args(argv)
    intervals = [float(v) for v in args.intervals.split(",")]
    results: dict[float, dict[str, list[float]]] = {i: {} for i in intervals}
    for _ in range(args.rounds):
        for interval in intervals:
            for key, values in asyncio.run(measure(interval, args)).items():
                results[interval].setdefault(key, []).extend(values)
    print(f"thread switch interval: {args.rounds} rounds, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"{'interval':>9} | {'loop → thread p50 / p99 / max (ms)':>36} | {'loop late while a Python engine runs p50 / p99 / max':>52} | "
          f"{'Python engine time beside the busy loop (median)':>47}")
    for interval, r in results.items():
        a, b = r["loop_to_thread"], r["thread_to_loop"]
        print(f"{interval:>7g} ms | {percentile(a, 50):10.2f} / {percentile(a, 99):6.2f} / {max(a):6.2f}"
              f"{'':>8} | {percentile(b, 50):24.2f} / {percentile(b, 99):6.2f} / {max(b):6.2f}"
              f"{'':>8} | {sorted(r['engine_ms'])[len(r['engine_ms']) // 2]:40.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
