"""What the slowest 1 % of a traced ``bench/relay_overhead.py`` run waited for, message by message.

The stage breakdown (``bench/_relay_trace.py``) says where the tail's time goes on average; this says
*why*, by putting each message's own span (client send → the phone has the translation) next to what
happened on the machine meanwhile, all on the one clock (``time.perf_counter``, CLOCK_MONOTONIC):

- a garbage collection of the relay, or of the benchmark's clients (both stop their whole process);
- a stall of either event loop (its 10 ms timer fired more than ``STALL_S`` late within the span);
- a long store transaction of the message's own events (over ``STALL_S``: the store's thread, or a
  checkpoint), or one shared with many other writes (a burst of sessions in one loop turn);
- the message's two events serialised: its translation existed but waited for the transcript's commit
  and send (only then may it be published) longer than ``STALL_S``;
- a slow hand-over to the bridge's thread (asked → the worker starts, over ``STALL_S``);
- a slow last hop (the relay sent the translation → the phone has it, over ``STALL_S``: the relay's
  socket write, the kernel and the clients' own loop).

Each cause is counted for the tail and for every message: a cause that the tail meets no more often than
the rest does not make the tail. A message may have several causes, or none of these (then its time is
spread over many short waits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

STALL_S = 0.002  # a wait counted as a cause: 2 ms, a fifth of the 10 ms target

Span = tuple[float, float]  # (start, end) in seconds of time.perf_counter


def _spans_of_collections(pauses: list[Any], generations: tuple[int, ...] = (0, 1, 2)) -> list[Span]:
    return [(start, start + wall) for start, wall, generation in pauses if generation in generations]


def _spans_of_stalls(late: list[Any]) -> list[Span]:
    """A timer due at ``due`` that fired ``late`` seconds late: the loop did not run in (due, due + late)."""
    return [(due, due + lateness) for due, lateness in late if lateness > STALL_S]


def _overlaps(spans: list[Span], start: float, end: float) -> bool:
    return any(a < end and b > start for a, b in spans)


def _causes(row: dict[str, float], spans_of: dict[str, list[Span]]) -> set[str]:
    start, end = row["sent"], row["at_translation"]
    found = set()
    for name, spans in spans_of.items():
        if _overlaps(spans, start, end):
            found.add(name)
    if max(row[f"{k}.thread_end"] - row[f"{k}.thread_start"] for k in ("transcript", "translation")) > STALL_S:
        found.add("long store transaction")
    if max(row["transcript.batch"], row["translation.batch"]) >= 5:
        found.add("transaction shared with ≥ 4 other writes")
    if row["transcript.stored"] - row["mt.done"] > STALL_S:
        found.add("translation waited for the transcript")
    if row["mt.thread_start"] - row["mt.ask"] > STALL_S:
        found.add("slow hand-over to the bridge")
    if row["at_translation"] - row["translation.stored"] > STALL_S:
        found.add("slow last hop (socket, clients)")
    return found


CAUSES = ("relay young collection (gen 0)", "relay older collection (gen 1, 2)", "clients' collection",
          "relay loop stall", "clients' loop stall",
          "long store transaction", "transaction shared with ≥ 4 other writes",
          "translation waited for the transcript", "slow hand-over to the bridge", "slow last hop (socket, clients)")


def _met(cause: str | None, causes: set[str]) -> bool:
    """``cause`` among ``causes``; ``None``: no cause at all."""
    return cause in causes if cause else not causes


def tail_causes(rows: list[dict[str, float]], stats: dict[str, Any], result: dict[str, Any],
                percentile: Callable[[list[float], float], float]) -> list[str]:
    """For the slowest 1 % (at or above the p99 of send → translation) and for every message: the share
    that met each cause. ``rows``: complete traces (the relay's stamps joined with the client's)."""
    if not rows:
        return []
    spans_of = {"relay young collection (gen 0)": _spans_of_collections(stats.get("gc_spans", []), (0,)),
                "relay older collection (gen 1, 2)": _spans_of_collections(stats.get("gc_spans", []), (1, 2)),
                "clients' collection": _spans_of_collections(result.get("client_gcs", [])),
                "relay loop stall": _spans_of_stalls(stats.get("late", [])),
                "clients' loop stall": _spans_of_stalls(result.get("late", []))}
    cut = percentile([r["at_translation"] - r["sent"] for r in rows], 99)
    found = [(r["at_translation"] - r["sent"] >= cut, _causes(r, spans_of)) for r in rows]
    tail = [c for slow, c in found if slow]
    lines = [f"what the slowest 1% met ({len(tail)} messages at or above {cut * 1000:.2f} ms; a wait over "
             f"{STALL_S * 1000:.0f} ms counts), against every message ({len(rows)}):",
             f"  {'cause':44} {'slowest 1%':>10} {'all':>7}"]
    for cause in (*CAUSES, None):
        share_tail = sum(_met(cause, c) for c in tail) / len(tail)
        share_all = sum(_met(cause, c) for _, c in found) / len(found)
        lines.append(f"  {cause or 'none of these':44} {share_tail * 100:9.0f}% {share_all * 100:6.1f}%")
    return lines
