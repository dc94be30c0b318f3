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
    assert re.search(r"cyclic garbage the sessions left once every socket had closed: \d+ objects", report)
    assert "gen 2:" in report
