"""What one engine call through the bridge costs the relay, apart from the engine: CPU time and wall time
of a round trip (loop → the model's thread → loop) with an engine that does nothing, on Python's event loop
and on uvloop. CPU time is the process's (the loop's thread and the worker's), so it hardly depends on
what else the machine runs.

    .venv/bin/python bench/bridge_cost.py --calls 5000 --rounds 3

On a checkout from before the bridge's calls were futures (no ``Bridge.start``) it measures the old way:
``asyncio.to_thread`` inside a task, as the turn pipeline used it for the translation.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from relay.runtime.event_loop import loop_factory
from relay.turns.bridge import Bridge


async def round_trips(calls: int) -> tuple[float, float]:
    """Microseconds of CPU and of wall time per call."""
    bridge = Bridge({"mt": 2})
    call = getattr(bridge, "start", None)

    async def one() -> None:
        if call is not None:
            await call("mt", len, "x")
        else:  # the turn's translation before: a task around asyncio.to_thread
            await asyncio.ensure_future(bridge.run("mt", len, "x"))

    for _ in range(200):  # threads started, caches warm
        await one()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        await one()
    result = (time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6
    if hasattr(bridge, "close"):
        bridge.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    loops = ["asyncio"] + (["uvloop"] if importlib.util.find_spec("uvloop") else [])
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in loops}
    for _ in range(args.rounds):
        for name in loops:  # interleaved: the machine's load hits both alike
            with asyncio.Runner(loop_factory=loop_factory(name)) as runner:
                figures[name].append(runner.run(round_trips(args.calls)))
    print(f"bridge round trip with an engine that does nothing: {args.calls} calls × {args.rounds} rounds, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; median (min) per call")
    for name, values in figures.items():
        cpu, wall = [v[0] for v in values], [v[1] for v in values]
        print(f"  {name:8} CPU {statistics.median(cpu):6.1f} µs ({min(cpu):.1f})   wall {statistics.median(wall):6.1f} µs "
              f"({min(wall):.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
