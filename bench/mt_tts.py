"""Translation and speech-output speed: MT sentences/s and latency on NTREX Japanese sentences
(transformer-base dimensions, random weights), and TTS real-time factor and time to first audio
(a voice with Piper "medium" dimensions, random weights).

    .venv/bin/python bench/mt_tts.py            # both
    .venv/bin/python bench/mt_tts.py --mt ...   # options after --mt go to the MT part, after --tts to TTS
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _mt_bench import run_mt_benchmark
from _tts_bench import run_tts_benchmark


def _split(argv: list[str]) -> tuple[list[str], list[str]]:
    mt: list[str] = []
    tts: list[str] = []
    target = mt
    for arg in argv:
        if arg in ("--mt", "--tts"):
            target = mt if arg == "--mt" else tts
            continue
        target.append(arg)
    return mt, tts


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    mt_args, tts_args = _split(args)
    print(run_mt_benchmark(mt_args))
    print()
    print(run_tts_benchmark(tts_args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
