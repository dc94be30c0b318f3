"""bench/turn_cpu.py and bench/asr_threads.py keep working: a short run of each prints its report (the
figures themselves are the benchmarks' business, never asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "test-models"


def test_turn_cpu_reports_every_stage_of_a_short_run() -> None:
    """One clerk turn and one resident turn (plus the warm-up) on the real recogniser, the tiny
    translation packages of the e2e smoke test, no speech output."""
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "turn_cpu.py"), "--rounds", "1", "--utterances", "1",
                          "--mt-size", "small", "--no-tts", "--set", "tts.preload=false"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    report = run.stdout
    assert report.startswith("2 turns (idle node; settings ["), report
    assert "speech output off" in report.splitlines()[0], report
    for stage in ("asr.partial decode", "asr.pause decode", "mt.translation at the pause"):
        assert re.search(rf"\| {re.escape(stage)} \| [\d.]+ \| [\d.]+ \|", report), (stage, report)
    assert re.search(r"\| \*\*all \(this process\)\*\* \| \*\*[\d.]+\*\* \|", report), report
    assert "en: " in report and "ja: " in report, "the recognised texts follow the table"


def test_asr_threads_compares_both_configurations_one_and_two_at_a_time() -> None:
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from build_whisper import ensure_model

    model = ensure_model("test", CACHE)  # tiny random weights: the plumbing, not the figures
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "asr_threads.py"), "--model", str(model),
                          "--clips", "2", "--rounds", "1"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    rows = re.findall(r"^\| (\d) \| (.+?) \| [\d.]+ s \| [\d.]+ \|$", run.stdout, re.MULTILINE)
    assert sorted(rows) == [(n, config) for n in ("1", "2") for config in
                            ("CTranslate2's threads for every decode", "solo copy + one share of the cores each")], \
        run.stdout
    assert "wall for 2 decodes" in run.stdout
