"""bench/_relay_stalls.py: the stall report of bench/relay_overhead.py tells a stall of the whole machine
(both loops late at once, no collection) from one process's garbage collection (only its loop late,
with its collection inside the stall)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench")]

from _relay_stalls import stall_lines, steal_share  # noqa: E402


def _ticks(stalls: dict[float, float], start: float = 100.0, seconds: float = 2.0) -> list[tuple[float, float]]:
    """A loop's 10 ms timer samples: on time, except those due at the given moments (due → late)."""
    samples = [(start + i * 0.01, 0.0002) for i in range(int(seconds / 0.01))]
    return sorted([s for s in samples if round(s[0], 2) not in stalls] + list(stalls.items()))


def test_a_stall_both_loops_see_without_a_collection_is_told_apart_from_one_processs_collection() -> None:
    machine_pause, collection = 100.50, 101.20
    bench = _ticks({machine_pause: 0.170, collection: 0.150})
    relay = _ticks({machine_pause: 0.165})
    bench_gc = [(collection - 0.005, 0.150, 2)]  # the benchmark's own full collection
    lines = stall_lines(bench, relay, bench_gc, [], worst=2)
    assert lines[0].startswith("  bench loop  170.0 ms late: its own collections none; the other loop 165.0 ms late")
    assert lines[1].startswith("  bench loop  150.0 ms late: its own collections gen 2 150 ms; the other loop 0.2 ms")
    assert lines[2].startswith("  relay loop  165.0 ms late: its own collections none; the other loop 170.0 ms")
    assert len(lines) == 3, "a loop that was never 5 ms late has no stall to report"


def test_steal_and_busy_shares_come_from_the_machines_cpu_ticks() -> None:
    before = {"user": 0, "nice": 0, "system": 0, "idle": 0, "iowait": 0, "irq": 0, "softirq": 0, "steal": 0}
    after = {**before, "user": 50, "system": 20, "idle": 25, "steal": 5}
    steal, busy = steal_share(before, after)
    assert (steal, busy) == (0.05, 0.70)
