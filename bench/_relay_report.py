"""The printed report of ``bench/relay_overhead.py``: latencies, the figures that do not depend on the
machine's load, and (with ``--trace``) where each message's time went."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

from _relay_stalls import stalls
from _relay_store import store_lines

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(args: argparse.Namespace, result: dict[str, Any], rss: float, stats: dict[str, Any]) -> str:
    lines = [f"relay overhead: {args.sessions} sessions × {args.messages} messages, think {args.think}s, "
             f"fake engines with zero latency, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}",
             f"connected {result['open']} sessions ({2 * result['open']} websockets) in {result['connect_s']:.1f} s "
             f"(at most {args.connect_concurrency or 'all'} at a time); failed: {len(result['failed'])}"]
    lines += [f"  {reason}" for reason in sorted(set(result["failed"]))[:5]]
    if "idle_cpu" in result:
        lines.append(f"relay CPU with every session open and silent (pings only): {result['idle_cpu'] * 100:.1f}% of a core")
    if not result["transcript"]:
        return "\n".join(lines)
    lines.append(f"{'latency (ms)':34} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    for key, label in (("transcript", "text → transcript (tablet)"), ("translation", "text → translation (phone)"),
                       ("lateness", "bench event loop lateness")):
        values = [v * 1000 for v in result[key]]
        lines.append(f"{label:34} {percentile(values, 50):7.2f} {percentile(values, 95):7.2f} "
                     f"{percentile(values, 99):7.2f} {max(values):7.2f}")
    count = len(result["transcript"])
    lines.append(f"client messages/s: {count / result['elapsed']:.0f}  (events out/s incl. both sockets: "
                 f"{3 * count / result['elapsed']:.0f}); mean {statistics.mean(result['translation']) * 1000:.2f} ms")
    lines.append(f"relay CPU while conversing: {result['relay_cpu'] * 100:.0f}% of a core; peak RSS: {rss:.0f} MB")
    lines += load_independent(stats, count, result)
    lines += stalls(stats, count, result, percentile)
    return "\n".join(lines)


def load_independent(stats: dict[str, Any], count: int, result: dict[str, Any]) -> list[str]:
    """Figures that do not depend on what else the machine runs: CPU time and counts per message."""
    if not stats:
        return []
    idle = result.get("idle_cpu", 0.0) * result["elapsed"]  # what the pings alone cost meanwhile
    lines = [f"relay CPU per message: {stats['cpu'] / count * 1000:.2f} ms "
             f"({max(0.0, stats['cpu'] - idle) / count * 1000:.2f} ms without the idle sessions' pings); "
             f"store writes per message: {stats['writes'] / count:.2f}, commits per message: "
             f"{stats['commits'] / count:.2f}"]
    if stats.get("hops"):
        hops = stats["hops"]
        lines.append(f"hand-overs per message: worker thread → event loop {hops.get('threadsafe', 0) / count:.2f}, "
                     f"store transactions {stats['commits'] / count:.2f}, bridge calls {hops.get('bridge', 0) / count:.2f}, "
                     f"event-loop callbacks scheduled {hops.get('call_soon', 0) / count:.1f}")
    if "garbage_after_hangup" in stats:
        lines.append(f"cyclic garbage the sessions left once every socket had closed: {stats['garbage_after_hangup']} objects "
                     f"({stats['garbage_after_hangup'] / max(1, result['open']):.1f} per session)")
    lines += store_lines(stats, count)
    lines.append(f"relay event loop: {stats.get('loop', '?')}, thread switch interval "
                 f"{stats.get('switch_interval_ms', 0.0):g} ms")
    lines.append(f"relay garbage collections while conversing (threshold {tuple(stats['gc_threshold'])}, "
                 f"{stats['frozen']} objects frozen):")
    for gen, (n, total, longest, cpu, collected) in sorted(stats["gc"].items()):
        lines.append(f"  gen {gen}: {n} ({n / count * 1000:.1f} per 1,000 messages), {total * 1000:.0f} ms "
                     f"in all, longest {longest * 1000:.1f} ms; CPU {cpu * 1000:.0f} ms in all, "
                     f"{cpu / n * 1000 if n else 0.0:.2f} ms each; cyclic garbage freed: "
                     f"{collected / count:.1f} objects per message")
    return lines


def traced_stages(result: dict[str, Any], path: Path, stats: dict[str, Any]) -> list[str]:
    """The relay's stamps of each message joined with this process's send and receive times: where the time
    goes (bench/_relay_trace.py), and what the slowest 1 % met on the way (bench/_relay_tail.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from _relay_tail import tail_causes
    from _relay_trace import breakdown, complete

    stamps = json.loads(path.read_text()) if path.exists() else {}
    rows = [{**stamps[m["utterance_id"]], **m} for m in result["messages"] if m["utterance_id"] in stamps]
    return breakdown(rows, percentile) + tail_causes(complete(rows), stats, result, percentile) + stall_stacks(stats)


def stall_stacks(stats: dict[str, Any], worst: int = 8) -> list[str]:
    """Where the relay's loop thread was while its loop was stalled (``StallSampler``, 2 ms samples)."""
    counts = stats.get("stall_stacks") or {}
    total = sum(counts.values())
    lines = [f"the relay loop's thread while its loop was over 5 ms late: {total} samples (every 2 ms)"]
    for where, n in sorted(counts.items(), key=lambda item: -item[1])[:worst]:
        lines.append(f"  {n:5d}  {where}")
    return lines


def figures(args: argparse.Namespace, result: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of one run, for comparing runs (milliseconds; per message)."""
    out: dict[str, Any] = {"sessions": args.sessions, "messages": args.messages, "think": args.think,
                           "load": os.getloadavg()[0], "failed": len(result["failed"])}
    for key in ("transcript", "translation", "lateness"):
        values = [v * 1000 for v in result[key]]
        if values:
            out[key] = {f"p{q}": percentile(values, q) for q in (50, 95, 99)} | {"max": max(values)}
    count = len(result["transcript"])
    if stats and count:
        out |= {"cpu_ms_per_message": stats["cpu"] / count * 1000, "writes_per_message": stats["writes"] / count,
                "commits_per_message": stats["commits"] / count}
        out["gc0_per_1000"] = stats["gc"]["0"][0] / count * 1000
        out |= {"loop": stats.get("loop"), "switch_interval_ms": stats.get("switch_interval_ms")}
        if stats.get("store"):
            out["store"] = stats["store"]
        if stats.get("hops"):
            out["callbacks_per_message"] = stats["hops"].get("call_soon", 0) / count
            out["thread_answers_per_message"] = stats["hops"].get("threadsafe", 0) / count
    return out
