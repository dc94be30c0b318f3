"""bench/relay_overhead.py keeps working: a few sessions through a real relay process, with the figures
that do not depend on the machine's load (CPU and commits per message, collections, cyclic garbage)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_run_reports_latencies_and_load_independent_figures() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "relay_overhead.py"), "--sessions", "4",
                          "--messages", "3", "--think", "0", "--idle", "0.5"],
                         capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    report = run.stdout
    assert "connected 4 sessions (8 websockets)" in report and "failed: 0" in report
    assert re.search(r"text → translation \(phone\)\s+[\d.]+\s+[\d.]+", report)
    writes = re.search(r"store writes per message: ([\d.]+), commits per message: ([\d.]+)", report)
    assert writes is not None, report
    # a typed turn writes its transcript, then its translation with the end of the turn (back-translation
    # is off in the benchmark): two writes, one of them in another turn's transaction at most
    assert float(writes[1]) == 2.0
    assert 0 < float(writes[2]) <= 2.0
    assert re.search(r"relay CPU per message: [\d.]+ ms", report)
    # the store's transactions: how many held its thread long, and which copied the log (a checkpoint)
    store = re.search(r"store's thread: (\d+) transactions; (\d+) copied the log into the database file", report)
    assert store is not None and int(store[1]) > 0 and int(store[2]) <= int(store[1]), report
    assert re.search(r"cyclic garbage the sessions left once every socket had closed: \d+ objects", report)
    assert "gen 2:" in report
    # what competed with the relay, and where the longest stalls came from
    assert re.search(r"relay CPU per message in its own code / in the kernel: [\d.]+ / [\d.]+ ms", report), report
    assert re.search(r"benchmark clients \(uvloop loop\) CPU per message: [\d.]+ ms; machine while conversing: "
                     r"\d+% busy, [\d.]+% stolen", report), report
    assert re.search(r"relay event loop lateness \(ms\) p50 / p99 / max: [\d.]+ / [\d.]+ / [\d.]+", report), report
    assert "longest stalls of each loop:" in report
    # the clients' collector is off while they converse: none of its pauses is in the latencies
    assert "benchmark clients' garbage collections (collector: paused): 0, longest 0.0 ms" in report, report


def test_a_traced_run_on_uvloop_says_where_each_message_goes_and_counts_the_hand_overs() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "relay_overhead.py"), "--sessions", "4",
                          "--messages", "3", "--think", "0", "--idle", "0", "--trace", "--relay-event-loop", "uvloop",
                          "--relay-switch-interval-ms", "0.5"],
                         capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    report = run.stdout
    assert "failed: 0" in report and "relay event loop: uvloop, thread switch interval 0.5 ms" in report
    assert re.search(r"where the time goes \(12 traced messages", report), report
    # every typed message asks the translator once, through the bridge (the relay counts from the moment it
    # answers that the conversation starts, before the first message)
    bridge = re.search(r"bridge calls ([\d.]+), event-loop callbacks scheduled [\d.]+", report)
    assert bridge is not None and float(bridge[1]) == 1.0, report
    mt = re.search(r"mt: worker thread\s+([\d.]+)", report)
    assert mt is not None and float(mt[1]) >= 0, report
    # what the slowest messages met, against every message, and where the relay's loop was when it stalled
    assert re.search(r"what the slowest 1% met \(\d+ messages at or above [\d.]+ ms; a wait over 2 ms counts\), "
                     r"against every message \(12\)", report), report
    assert re.search(r"relay young collection \(gen 0\)\s+\d+%\s+[\d.]+%", report), report
    assert re.search(r"the relay loop's thread while its loop was over 5 ms late: \d+ samples", report), report


def test_the_thread_switch_benchmark_compares_intervals() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "thread_switch.py"), "--intervals", "5,1",
                          "--rounds", "1", "--calls", "5", "--work", "200"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    rows = [line for line in run.stdout.splitlines() if re.match(r"\s+[\d.]+ ms \|", line)]
    assert [row.split()[0] for row in rows] == ["5", "1"], run.stdout


def test_the_bridge_cost_benchmark_measures_both_event_loops() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "bridge_cost.py"), "--calls", "50", "--rounds", "1"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    measured = re.findall(r"^\s+(asyncio|uvloop)\s+CPU\s+[\d.]+ µs", run.stdout, re.MULTILINE)
    assert measured == ["asyncio", "uvloop"], run.stdout
