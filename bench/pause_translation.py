"""How much earlier a translation can start at the speaker's pause, and how often that work is wasted.

Counter speech (Kokoro Japanese in five voices, Piper English; ``bench/_asr_corpus.py``) is streamed in
sessions of four utterances 1.5 s apart through the streaming recogniser on the real Whisper base, fed
as fast as the decoder allows: the recogniser only looks at the audio, so every time below is on the
audio's clock and does not depend on the machine's load. For each final it reports whether the decode
at the pause had announced exactly its text (``final_text``: the relay then translates and synthesises
the first sentence while the endpointer still waits) and the head start: audio seconds between that
announcement and the final. Announcements that no final took (the speaker went on after a breath) are
translations started for nothing.

    .venv/bin/python bench/pause_translation.py --ja 40 --en 10
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from _asr_corpus import RATE, conversations, english_set, japanese_set  # noqa: E402
from _asr_runs import session_audio  # noqa: E402

CHUNK_S = 0.25


def stream(recognizer, audio: np.ndarray, languages: list[str]) -> list[tuple[float, object]]:  # type: ignore[no-untyped-def]
    s = recognizer.new_stream(languages, RATE)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    step = int(CHUNK_S * RATE) * 2
    events = []
    for offset in range(0, len(pcm), step):
        s.insert_audio(pcm[offset:offset + step])
        now = min(len(pcm), offset + step) / 2 / RATE
        events += [(now, e) for e in s.process()]
    return events + [(len(pcm) / 2 / RATE, e) for e in s.finish()]


def tally(events: list[tuple[float, object]]) -> tuple[int, int, int, list[float], int]:
    """Finals, finals announced at their pause, announcements wasted, head starts (s), and how many of
    the wasted ones sounded unfinished (a breath after a comma or particle)."""
    from pipelines.asr.sentence import sounds_unfinished

    finals = hits = wasted = 0
    unfinished_wasted = 0
    heads: list[float] = []
    announced: tuple[float, str] | None = None
    for when, e in events:
        if e.kind == "partial":  # type: ignore[attr-defined]
            if e.final_text is not None:  # type: ignore[attr-defined]
                wasted += announced is not None and announced[1] != e.final_text  # type: ignore[attr-defined]
                if announced is None or announced[1] != e.final_text:  # type: ignore[attr-defined]
                    announced = (when, e.final_text)  # type: ignore[attr-defined]
            elif announced is not None:  # the speaker went on
                unfinished_wasted += sounds_unfinished(announced[1], e.lang)  # type: ignore[attr-defined]
                wasted, announced = wasted + 1, None
            continue
        if e.text:  # type: ignore[attr-defined]
            finals += 1
            if announced is not None and announced[1] == e.text:  # type: ignore[attr-defined]
                hits += 1
                heads.append(when - announced[0])
            elif announced is not None:
                wasted += 1
        announced = None
    return finals, hits, wasted, heads, unfinished_wasted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ja", type=int, default=40, help="Japanese utterances")
    parser.add_argument("--en", type=int, default=10, help="English utterances")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    from pipelines.asr import AsrConfig
    from pipelines.asr.decoder import WhisperDecoder
    from pipelines.asr.recognizer import WhisperRecognizer

    folder = ROOT / ".cache" / "registry-models" / "whisper" / "base"
    model = WhisperModel(str(folder), device="cpu", compute_type="int8", local_files_only=True)
    config = AsrConfig(model="base")
    recognizer = WhisperRecognizer(WhisperDecoder(model, config.encoder_window_s), config)
    print(f"load before: {os.getloadavg()[0]:.1f} (times below are on the audio's clock)\n")
    print("| speech | finals | announced at the pause | wasted announcements | head start p50 | p10 | p90 |")
    print("|---|---|---|---|---|---|---|")
    sets = (("Japanese (Kokoro)", japanese_set(args.ja) if args.ja else [], ["ja"]),
            ("English (Piper joe)", english_set(args.en) if args.en else [], ["ja", "en"]))
    for label, items, languages in (s for s in sets if s[1]):
        total = [0, 0, 0, 0]
        heads: list[float] = []
        for session in conversations(items, 4):
            audio, _ = session_audio(session, 1.5)
            finals, hits, wasted, head, unfinished = tally(stream(recognizer, audio, languages))
            total = [total[0] + finals, total[1] + hits, total[2] + wasted, total[3] + unfinished]
            heads += head
        spread = " | ".join(f"{np.percentile(heads, q):.2f} s" if heads else "–" for q in (50, 10, 90))
        print(f"| {label} | {total[0]} | {total[1]} ({total[1] / max(1, total[0]):.0%}) | {total[2]} ({total[3]} sounded unfinished) | {spread} |",
              flush=True)


if __name__ == "__main__":
    main()
