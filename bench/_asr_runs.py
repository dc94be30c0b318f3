"""Runs behind ``bench/asr_quality.py``: sessions through the streaming recogniser, offline decoding,
alignment of finals to what was said, and the latency run at real-time pace."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from _asr_corpus import RATE, Utterance, speech_end, with_noise

from pipelines.asr import AsrConfig
from pipelines.asr.decoder import WhisperDecoder
from pipelines.asr.recognizer import WhisperRecognizer
from pipelines.asr.scoring import error_counts, repeated_run
from pipelines.base import RecognitionEvent

CHUNK_S = 0.25
LEAD_S, TAIL_S = 0.5, 1.5


@dataclass
class Placed:
    """An utterance inside a session's audio: samples [start, end)."""

    utt: Utterance
    start: int
    end: int
    speech_end: int  # the last sample louder than -40 dB of the clip's peak (the voice, not its trailing pad)


@dataclass
class Tally:
    """Error counts and endpointing figures summed over a run, per language."""

    edits: dict[str, int] = field(default_factory=lambda: {"ja": 0, "en": 0})
    kana: list[int] = field(default_factory=lambda: [0, 0])  # Japanese scored on readings: edits, length
    units: dict[str, int] = field(default_factory=lambda: {"ja": 0, "en": 0})
    utterances: int = 0
    finals: int = 0
    routed_right: int = 0
    cut: int = 0
    merged: int = 0
    missing: int = 0
    repeats: int = 0
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (key, said, heard) of the worst
    endpoint_examples: list[tuple[str, str, str]] = field(default_factory=list)  # cut: finals joined by " | "

    def add(self, utt: Utterance, heard: str) -> None:
        edits, units = error_counts(utt.text, heard, utt.lang)
        self.edits[utt.lang] += edits
        self.units[utt.lang] += units
        self.repeats += repeated_run(heard, utt.lang) is not None
        if utt.lang == "ja":
            kana_edits, kana_units = error_counts(kana_reading(utt.text), kana_reading(heard), "ja")
            self.kana[0] += kana_edits
            self.kana[1] += kana_units
        if units and edits / units >= 0.3:
            self.examples.append((utt.key, utt.text, heard))

    def kana_rate(self) -> float | None:
        return self.kana[0] / self.kana[1] if self.kana[1] else None

    def rate(self, lang: str) -> float | None:
        return self.edits[lang] / self.units[lang] if self.units[lang] else None


def kana_reading(text: str) -> str:
    """Katakana reading (OpenJTalk): 「十四日」 and 「14日」, 「ごみ」 and 「ゴミ」 score the same."""
    import pyopenjtalk

    return "".join(node["read"] for node in pyopenjtalk.run_frontend(text) if node["pos"] != "記号")


def make_recognizer(model: Any, **overrides: Any) -> WhisperRecognizer:
    config = AsrConfig(model="base", **overrides)
    return WhisperRecognizer(WhisperDecoder(model, config.encoder_window_s), config)


def session_audio(items: Sequence[Utterance], gap_s: float) -> tuple[np.ndarray, list[Placed]]:
    parts, placed, cursor = [np.zeros(int(LEAD_S * RATE), np.float32)], [], int(LEAD_S * RATE)
    for index, utt in enumerate(items):
        audio = utt.audio()
        placed.append(Placed(utt, cursor, cursor + len(audio), cursor + speech_end(audio)))
        parts.append(audio)
        cursor += len(audio)
        pause = int((gap_s if index < len(items) - 1 else TAIL_S) * RATE)
        parts.append(np.zeros(pause, np.float32))
        cursor += pause
    return np.concatenate(parts), placed


def stream_session(recognizer: WhisperRecognizer, audio: np.ndarray, languages: Sequence[str],
                   with_partials: bool) -> list[RecognitionEvent]:
    """Feed 0.25 s chunks as fast as the decoder allows (the state machine does not look at the clock)."""
    stream = recognizer.new_stream(list(languages), RATE)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    step = int(CHUNK_S * RATE) * 2
    events: list[RecognitionEvent] = []
    for offset in range(0, len(pcm), step):
        stream.insert_audio(pcm[offset:offset + step])
        events += stream.process()
    events += stream.finish()
    return [e for e in events if with_partials or e.kind == "final"]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def score_session(tally: Tally, placed: list[Placed], events: list[RecognitionEvent]) -> None:
    finals = [e for e in events if e.kind == "final" and e.text.strip()]
    heard: dict[int, list[RecognitionEvent]] = {i: [] for i in range(len(placed))}
    for final in finals:
        overlaps = [_overlap(final.start_s, final.end_s, p.start / RATE, p.end / RATE) for p in placed]
        best = int(np.argmax(overlaps))
        if overlaps[best] <= 0:
            continue  # a final over silence: counted by the noise run, not here
        heard[best].append(final)
        tally.merged += sum(o > 0.3 for o in overlaps) > 1
    for index, p in enumerate(placed):
        got = heard[index]
        tally.utterances += 1
        tally.finals += len(got)
        tally.cut += len(got) > 1
        if len(got) > 1:
            tally.endpoint_examples.append((p.utt.key, p.utt.text, " | ".join(e.text for e in got)))
        tally.missing += not got
        tally.routed_right += bool(got) and all(e.lang == p.utt.lang for e in got)
        joiner = "" if p.utt.lang == "ja" else " "
        tally.add(p.utt, joiner.join(e.text.strip() for e in got))


def run_streaming(recognizer: WhisperRecognizer, sessions: list[list[Utterance]], snr_db: float | None,
                  gap_s: float, with_partials: bool = False) -> Tally:
    tally = Tally()
    for number, items in enumerate(sessions):
        audio, placed = session_audio(items, gap_s)
        events = stream_session(recognizer, with_noise(audio, snr_db, seed=number), ("ja", "en"), with_partials)
        score_session(tally, placed, events)
    return tally


def run_offline(model: Any, sessions: list[list[Utterance]], snr_db: float | None, gap_s: float) -> Tally:
    """Each utterance decoded on its own with faster-whisper's ``transcribe`` (greedy, 30 s window,
    its language given): what Whisper base can do with the whole utterance at once."""
    tally = Tally()
    for number, items in enumerate(sessions):
        audio, placed = session_audio(items, gap_s)
        noisy = with_noise(audio, snr_db, seed=number)
        for p in placed:
            segments, _ = model.transcribe(noisy[max(0, p.start - 3200):p.end + 3200], language=p.utt.lang,
                                           beam_size=1, condition_on_previous_text=False)
            text = ("" if p.utt.lang == "ja" else " ").join(s.text.strip() for s in segments)
            tally.utterances += 1
            tally.finals += 1
            tally.routed_right += 1
            tally.add(p.utt, text)
    return tally


def _closing_utterance(event: RecognitionEvent, placed: list[Placed]) -> Placed | None:
    """The utterance whose end this final closes (None for partials, dropped finals, cut-off pieces)."""
    if event.kind != "final" or not event.text.strip():
        return None
    overlaps = [_overlap(event.start_s, event.end_s, p.start / RATE, p.end / RATE) for p in placed]
    best = placed[int(np.argmax(overlaps))]
    return best if max(overlaps) > 0 and event.end_s >= best.speech_end / RATE - 0.25 else None


def finals_from_noise(recognizer: WhisperRecognizer, seconds: float = 60.0) -> dict[str, list[str]]:
    """Texts of the finals that silence and three kinds of noise produce (each should be none)."""
    from _asr_corpus import pink_noise

    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    rng = np.random.default_rng(60)
    sources = {
        "silence": np.zeros(n, np.float32),
        "pink noise (-26 dBFS)": 0.05 * pink_noise(n, 1),
        "white noise (-20 dBFS)": rng.normal(0, 0.1, n).astype(np.float32),
        "clatter (bursts of loud noise)": (0.3 * pink_noise(n, 2) * ((t % 1.3) < 0.15)).astype(np.float32),
    }
    return {name: [e.text for e in stream_session(recognizer, audio, ("ja", "en"), True)
                   if e.kind == "final" and e.text.strip()] for name, audio in sources.items()}


def latency_run(recognizer: WhisperRecognizer, sessions: list[list[Utterance]], concurrency: int,
                max_decodes: int, gap_s: float, rounds: int = 1) -> list[float]:
    """End-of-speech → final latencies (s) with ``concurrency`` sessions fed at real-time pace.

    Each session is a thread that pushes what its microphone has recorded so far every 0.25 s of wall
    time and then runs ``process()`` behind a shared semaphore of ``max_decodes`` — the relay's bridge.
    A session that falls behind pushes larger pieces, as the relay's stream does. The end of speech is
    the last sample of the utterance's audio, taken from the clock the audio is paced on."""
    gate = threading.Semaphore(max_decodes)
    latencies: list[float] = []
    lock = threading.Lock()

    def session(items: list[Utterance], number: int) -> None:
        audio, placed = session_audio(items, gap_s)
        pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
        stream = recognizer.new_stream(["ja", "en"], RATE)
        started = time.perf_counter() + number * 0.37  # sessions do not start in lockstep
        sent = 0
        mine: list[float] = []
        while sent < len(pcm):
            time.sleep(max(0.0, started + sent / 2 / RATE + CHUNK_S - time.perf_counter()))
            due = min(len(pcm), int((time.perf_counter() - started) * RATE) * 2)
            stream.insert_audio(pcm[sent:due])
            sent = due
            with gate:
                events = stream.process()
            now = time.perf_counter()
            for event in events:
                closing = _closing_utterance(event, placed)
                if closing is not None:
                    mine.append(now - (started + closing.speech_end / RATE))
        with lock:
            latencies.extend(mine)

    def counter(number: int) -> None:  # one counter: ``rounds`` conversations one after the other
        for round_ in range(rounds):
            session(sessions[(number + round_) % len(sessions)], number)

    threads = [threading.Thread(target=counter, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies
