"""bench/_relay_tail.py: what the slowest 1 % of a traced bench/relay_overhead.py run met on the way — a
collection or a loop stall of either process overlapping its span, a long or crowded store transaction,
its translation held for its transcript, a slow hand-over or last hop — each against the share of every
message that met it."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "bench")]

from _relay_report import percentile  # noqa: E402
from _relay_tail import tail_causes  # noqa: E402


def _message(sent: float, total_s: float = 0.002) -> dict[str, float]:
    """A complete trace of one message that took ``total_s`` from send to the phone, every stage short."""
    step = total_s / 8
    return {"sent": sent, "transcript.ask": sent + step, "transcript.thread_start": sent + 2 * step,
            "transcript.thread_end": sent + 3 * step, "transcript.stored": sent + 4 * step,
            "transcript.batch": 1.0, "mt.ask": sent + step, "mt.thread_start": sent + 2 * step,
            "mt.thread_end": sent + 2 * step, "mt.done": sent + 3 * step, "translation.ask": sent + 5 * step,
            "translation.thread_start": sent + 6 * step, "translation.thread_end": sent + 6.5 * step,
            "translation.stored": sent + 7 * step, "translation.batch": 1.0, "at_translation": sent + total_s}


def _shares(lines: list[str]) -> dict[str, tuple[str, str]]:
    """cause → (share of the slowest 1 %, share of all), as printed."""
    rows = {}
    for line in lines[2:]:
        *name, tail, every = line.split()
        rows[" ".join(name)] = (tail, every)
    return rows


def _usual(count: int) -> list[dict[str, float]]:
    """``count`` messages 5 ms apart, each about 2 ms (no two alike), before the ones a test adds: with
    ``count`` chosen so that the p99 falls on the first added one."""
    return [_message(100.0 + i * 0.005, total_s=0.002 + i * 1e-6) for i in range(count)]


def test_the_slowest_messages_are_put_down_to_the_clients_collection_they_overlapped() -> None:
    rows = _usual(198)
    collection = (200.0, 0.020, 1)  # the clients' generation-1 collection: 20 ms, every client stopped
    for i in range(3):  # three messages in flight then, each 20 ms later than the rest
        rows.append(_message(199.999 + i * 0.001, total_s=0.024))
    lines = tail_causes(rows, {"gc_spans": [], "late": []}, {"client_gcs": [collection], "late": []}, percentile)
    assert lines[0].startswith("what the slowest 1% met (3 messages at or above 24.00 ms")
    shares = _shares(lines)
    assert shares["clients' collection"] == ("100%", "1.5%")
    assert shares["relay young collection (gen 0)"] == ("0%", "0.0%")
    assert shares["none of these"] == ("0%", "98.5%")


def test_a_translation_held_for_its_transcripts_commit_is_told_apart_from_a_slow_last_hop() -> None:
    rows = _usual(99)
    held = _message(102.0, total_s=0.012)
    held["transcript.stored"] = held["mt.done"] + 0.006  # the translation existed 6 ms before it could be published
    late = _message(103.0, total_s=0.012)
    late["at_translation"] = late["translation.stored"] + 0.008  # sent, then 8 ms to the phone
    lines = tail_causes([*rows, held, late], {"gc_spans": [], "late": []}, {"client_gcs": [], "late": []},
                        percentile)
    shares = _shares(lines)
    assert shares["translation waited for the transcript"][0] == "50%"
    assert shares["slow last hop (socket, clients)"][0] == "50%"
    assert shares["relay loop stall"] == ("0%", "0.0%")
