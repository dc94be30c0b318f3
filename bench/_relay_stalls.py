"""Where the longest stalls of a ``bench/relay_overhead.py`` run come from, for both of its processes.

A run of 10,000 messages has its p99 in its 100 slowest messages, so one stall of the machine, of a
garbage collection or of an event loop that lasts 150 ms (which delays every message in flight and the
queue behind them) moves the p99 by itself. To tell them apart, the benchmark and its relay process each
record, on the one clock of the machine (``time.perf_counter``, CLOCK_MONOTONIC):

- how late a 10 ms timer of their event loop fires (``LatenessTicker``): the loop was busy or stopped;
- every garbage collection with its start, its wall time and its generation (``GcPauses``): a collection
  holds the interpreter lock, so it stops the loop and every thread of that process;
- the machine's CPU time that the hypervisor gave to others (``steal`` in ``/proc/stat``) and how much
  of the two processes' time the kernel did not run them while they wanted to (``schedstat``).

``stall_lines`` puts each process's longest late timers side by side with what the other process and
the collectors did at the same moment: a stall that both loops see at once with no collection in either
is the machine's (the VM stopped, or another process had the cores), one that only one loop sees with
that process's collection inside it is the collector's.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

Stamped = list[tuple[float, float]]
"""(when, how long) in seconds of ``time.perf_counter``."""


class GcPauses:
    """Every garbage collection of this process: start, wall seconds, generation; and the CPU seconds of
    each (``cpu``, same order: what the collection itself cost, whatever else ran on the machine)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int]] = []
        self.cpu: list[float] = []
        self._started = self._started_cpu = 0.0

    def install(self) -> None:
        gc.callbacks.append(self._on_gc)

    def clear(self) -> None:
        self.pauses.clear()
        self.cpu.clear()

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started, self._started_cpu = time.perf_counter(), time.thread_time()
        else:
            self.pauses.append((self._started, time.perf_counter() - self._started, info["generation"]))
            self.cpu.append(time.thread_time() - self._started_cpu)


class LatenessTicker:
    """How late a 10 ms timer of the running event loop fires, stamped with when it was due."""

    def __init__(self) -> None:
        self.samples: Stamped = []
        self._stop = asyncio.Event()
        self.last_fired = time.perf_counter()  # read by StallSampler from another thread

    def clear(self) -> None:
        self.samples.clear()

    async def run(self) -> None:
        while not self._stop.is_set():
            due = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)
            self.last_fired = time.perf_counter()
            self.samples.append((due, max(0.0, self.last_fired - due)))

    def stop(self) -> None:
        self._stop.set()


class StallSampler:
    """What the event loop's thread is doing while its loop is stalled: a thread that wakes every 2 ms and,
    when the loop's 10 ms ticker (``LatenessTicker``) is more than ``late_s`` overdue, records where the
    loop's thread is (its innermost frames of this project, aiohttp and asyncio). A sampler thread needs
    the interpreter lock to look, so it sees the loop's own Python work and the waits in it, not a stop of
    the whole process (a garbage collection, the kernel not running it): those the stall report shows."""

    def __init__(self, ticker: LatenessTicker, late_s: float = 0.005) -> None:
        self.ticker, self.late_s = ticker, late_s
        self.counts: dict[str, int] = {}
        self.enabled = False
        self._loop_thread = threading.get_ident()
        self._done = threading.Event()
        threading.Thread(target=self._run, name="stall-sampler", daemon=True).start()

    def clear(self) -> None:
        self.counts.clear()

    def stop(self) -> None:
        self._done.set()

    def _run(self) -> None:
        while not self._done.wait(0.002):
            if self.enabled and time.perf_counter() - self.ticker.last_fired > 0.01 + self.late_s:
                frame = sys._current_frames().get(self._loop_thread)
                if frame is not None:
                    where = self._where(frame)
                    self.counts[where] = self.counts.get(where, 0) + 1

    @staticmethod
    def _where(frame: Any) -> str:
        """The innermost four frames, innermost first: function (file:line)."""
        names = []
        for summary in reversed(traceback.extract_stack(frame)[-4:]):
            names.append(f"{summary.name} ({Path(summary.filename).name}:{summary.lineno})")
        return " < ".join(names)


def cpu_ticks() -> dict[str, int]:
    """The machine's CPU time so far by kind (clock ticks), from the first line of ``/proc/stat``."""
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return {name: int(value) for name, value in zip(names, fields, strict=False)}


def run_delay_s(pid: int) -> float:
    """Seconds the kernel kept the process's threads waiting for a core while they could run
    (``/proc/PID/task/*/schedstat``, second field, summed over the threads)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return total / 1e9


def context_switches(pid: int) -> tuple[int, int]:
    """The process's context switches so far, summed over its threads: voluntary (a thread went to sleep:
    waiting for a socket, a lock, the interpreter lock, work) and involuntary (the kernel took its core)."""
    voluntary = involuntary = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = dict(line.split(":\t") for line in (task / "status").read_text().splitlines() if ":\t" in line)
        except OSError:
            continue  # a thread that ended meanwhile
        voluntary += int(fields.get("voluntary_ctxt_switches", 0))
        involuntary += int(fields.get("nonvoluntary_ctxt_switches", 0))
    return voluntary, involuntary


def steal_share(before: dict[str, int], after: dict[str, int]) -> tuple[float, float]:
    """Of the machine's CPU time between the two readings: the share stolen by the hypervisor, and the
    share busy (not idle, not stolen)."""
    delta = {key: after[key] - before[key] for key in before}
    total = sum(delta.values()) or 1
    return delta["steal"] / total, (total - delta["idle"] - delta["iowait"] - delta["steal"]) / total


def _overlapping(spans: list[tuple[float, float, int]], start: float, end: float) -> list[tuple[float, float, int]]:
    return [p for p in spans if p[0] < end and p[0] + p[1] > start]


def _late_during(samples: Stamped, start: float, end: float) -> float:
    """The most the other loop was late for a timer due within (start, end)."""
    return max((late for due, late in samples if start - 0.01 <= due <= end), default=0.0)


def stall_lines(bench: Stamped, relay: Stamped, bench_gc: list[tuple[float, float, int]],
                relay_gc: list[tuple[float, float, int]], worst: int = 3) -> list[str]:
    """The longest late timers of each loop, with what the other process and the collectors did then."""
    lines = []
    for name, own, other, own_gc, other_gc in (("bench", bench, relay, bench_gc, relay_gc),
                                               ("relay", relay, bench, relay_gc, bench_gc)):
        for due, late in sorted(own, key=lambda s: -s[1])[:worst]:
            if late < 0.005:
                break
            start, end = due - 0.01, due + late
            gcs = ", ".join(f"gen {g} {w * 1000:.0f} ms" for _, w, g in _overlapping(own_gc, start, end)) or "none"
            others = ", ".join(f"gen {g} {w * 1000:.0f} ms" for _, w, g in _overlapping(other_gc, start, end)) or "none"
            lines.append(f"  {name} loop {late * 1000:6.1f} ms late: its own collections {gcs}; the other loop "
                         f"{_late_during(other, start, end) * 1000:.1f} ms late then, its collections {others}")
    return lines


def stalls(stats: dict[str, Any], count: int, result: dict[str, Any],
           percentile: Callable[[list[float], float], float]) -> list[str]:
    """What else ran meanwhile (the machine, the benchmark's own clients) and the longest stalls of each
    loop with what coincided with them (bench/_relay_stalls.py)."""
    if "client_cpu_s" not in result:
        return []
    relay_late = [late * 1000 for _, late in stats.get("late", [])]
    user, system = result["relay_user_system_s"]
    voluntary, involuntary = result["relay_switches"]
    lines = [f"relay CPU per message in its own code / in the kernel: {user / count * 1000:.2f} / "
             f"{system / count * 1000:.2f} ms; its threads' context switches per message: {voluntary / count:.1f} "
             f"voluntary (sleeps: sockets, locks, the interpreter lock), {involuntary / count:.1f} involuntary",
             f"benchmark clients ({result.get('client_loop', '?')} loop) CPU per message: "
             f"{result['client_cpu_s'] / count * 1000:.2f} ms; machine while "
             f"conversing: {result['machine_busy'] * 100:.0f}% busy, {result['steal'] * 100:.2f}% stolen by the "
             f"hypervisor; waiting for a core: relay {result['run_delay_s'][0] / count * 1000:.3f} ms, clients "
             f"{result['run_delay_s'][1] / count * 1000:.3f} ms per message"]
    if relay_late:
        lines.append(f"relay event loop lateness (ms) p50 / p99 / max: {percentile(relay_late, 50):.2f} / "
                     f"{percentile(relay_late, 99):.2f} / {max(relay_late):.2f}")
    bench_gc = [tuple(p) for p in result.get("client_gcs", [])]
    longest = max((w for _, w, _ in bench_gc), default=0.0)
    full = [cpu for (*_, g), cpu in zip(bench_gc, result["client_gc_cpu"], strict=True) if g == 2]
    lines.append(f"benchmark clients' garbage collections (collector: {result.get('client_gc', '?')}): "
                 f"{len(bench_gc)}, longest {longest * 1000:.1f} ms; full (gen 2): {len(full)}, CPU "
                 f"{max(full, default=0.0) * 1000:.1f} ms at most")
    lines.append("longest stalls of each loop:")
    return lines + stall_lines(result["late"], [tuple(s) for s in stats.get("late", [])], bench_gc,  # type: ignore[misc]
                               [tuple(p) for p in stats.get("gc_spans", [])])  # type: ignore[misc]
