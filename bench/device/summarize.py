"""The summary of one ``bench/device/run_on_device.sh`` run, as Markdown, from the files in its ``$OUT``.

    python bench/device/summarize.py OUT_DIR > OUT_DIR/summary.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from e2e import markdown  # noqa: E402


def e2e_results(log: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The JSON result lines of ``bench/e2e.py --json`` in a log, and its ramp verdicts."""
    results, verdicts = [], []
    if log.exists():
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith('{"label"'):
                results.append(json.loads(line))
            elif line.startswith("largest N"):
                verdicts.append(line)
    return results, verdicts


def overhead(path: Path) -> list[str]:
    if not path.exists():
        return ["(no result)"]
    f = json.loads(path.read_text(encoding="utf-8"))
    rows = ["| sessions | messages each | text → translation p50 / p95 / p99 / max (ms) | text → transcript p99 (ms) "
            "| relay CPU per message (ms) | failed | load |", "|---|---|---|---|---|---|---|"]
    t, tr = f.get("translation", {}), f.get("transcript", {})
    cells = " / ".join(f"{t.get(k, float('nan')):.2f}" for k in ("p50", "p95", "p99", "max"))
    rows.append(f"| {f['sessions']} | {f['messages']} | {cells} | {tr.get('p99', float('nan')):.2f} "
                f"| {f.get('cpu_ms_per_message', float('nan')):.2f} | {f['failed']} | {f['load']:.1f} |")
    return rows


def main() -> None:
    out = Path(sys.argv[1])
    lines = ["# bench/device/run_on_device.sh", ""]
    if (out / "env.txt").exists():
        lines += ["```", (out / "env.txt").read_text(encoding="utf-8").strip(), "```", ""]
    gpu = out / "gpu.json"
    lines += ["## GPU check (bench/device/gpu_check.py)", "",
              gpu.read_text(encoding="utf-8").strip() if gpu.exists() else "(not run)", ""]
    for title, log in (("e2e ramp", "e2e_ramp.log"), ("e2e at the ramp's limit, other settings", "e2e_more.log")):
        results, verdicts = e2e_results(out / log)
        lines += [f"## {title}", "", markdown(sorted(results, key=lambda r: r["counters"])) if results else "(no result)",
                  "", *verdicts, ""]
        for r in results:
            relay = r["processes"].get("relay", {})
            lines.append(f"- {r['label']} at {r['counters']}: relay stage means {relay.get('stage_mean_s')}, "
                         f"/healthz max {relay.get('healthz_max_s')} s")
        lines.append("")
    lines += ["## relay overhead (bench/relay_overhead.py)", "", *overhead(out / "relay_overhead.json"), ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
