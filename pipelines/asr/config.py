"""The ``[asr]`` section of the relay's settings (one field per key, with its help line)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass
class AsrConfig:
    model: str = field(default="base", metadata={"help": "name of the installed Whisper model to load (see `madoguchi models list`)"})
    device: str = field(default="cpu", metadata={"help": "where to run Whisper: cpu or cuda"})
    compute_type: str = field(default="int8", metadata={"help": "CTranslate2 compute type: int8, int8_float16, float16, float32"})
    cpu_threads: int = field(default=0, metadata={"help": "threads per decode on CPU (0 = a decode that runs alone uses every core, through a second copy of the model, about 130 MB more; decodes that overlap share the cores, the cores divided by max_concurrent_decodes each, so they never compete for one; see docs/asr.md, Threads)"})
    max_concurrent_decodes: int = field(default=0, metadata={"help": "decodes that may run at once across all sessions (0 = half the node's cores, at least 2: 2 on up to 5 cores, 8 on 16; more threads per decode buy little, more decodes at once do: see docs/deployment.md, Sizing a node)"})
    batch_size: int = field(default=1, metadata={"help": "decodes of different sessions run together in one batch, up to this many (1 = each decode alone); max_concurrent_decodes batches may run at once"})
    batch_window_ms: float = field(default=20.0, metadata={"help": "with batch_size > 1: how long a decode waits for others to join its batch when the model is idle (while it is busy, decodes gather anyway)"})
    beam_size: int = field(default=1, metadata={"help": "beam size for the final decode of an utterance (1 = greedy)"})
    partial_beam_size: int = field(default=1, metadata={"help": "beam size for partial decodes while someone speaks"})
    encoder_window_s: float = field(default=0.0, metadata={"help": "audio the encoder sees: 30 = Whisper's full window (most accurate, slowest); less = the utterance, padded to at least this"})
    max_tokens_per_second: float = field(default=15.0, metadata={"help": "cap on decoded tokens per second of audio (stops runaway loops)"})
    partial_interval_s: float = field(default=0.5, metadata={"help": "seconds of new speech between two partial hypotheses"})
    skip_partials_when_busy: bool = field(default=True, metadata={"help": "decode no partial while other sessions' audio waits for the recogniser or when it would take the last free decode slot (finals first: partials are most of a turn's recognition CPU, and they thin out under load); the pause decode that a final reuses always runs"})
    skip_partials_behind_s: float = field(default=0.5, metadata={"help": "decode no partial in a step that brings more than this many seconds of new audio at once (the recogniser has fallen behind the speaker: partials thin out by themselves as the node gets busier, and the final comes sooner); the pause decode always runs (0 = partials however late)"})
    endpoint_silence_s: float = field(default=0.5, metadata={"help": "silence that ends an utterance that sounds finished, in seconds"})
    unfinished_silence_s: float = field(default=1.2, metadata={"help": "silence that ends an utterance that sounds unfinished (a comma, a particle, a conjunction: the speaker only took a breath)"})
    max_utterance_s: float = field(default=15.0, metadata={"help": "longest utterance; longer speech is cut at a pause (at most 30)"})
    min_speech_s: float = field(default=0.25, metadata={"help": "shorter bursts of speech are treated as noise and never decoded"})
    vad_threshold: float = field(default=0.5, metadata={"help": "Silero VAD speech probability above which a 32 ms window is speech"})
    speech_pad_s: float = field(default=0.2, metadata={"help": "audio kept before and after the detected speech"})
    min_confidence: float = field(default=0.0, metadata={"help": "finals below this confidence are dropped (0 keeps every final)"})
    hallucination_guard: bool = field(default=True, metadata={"help": "drop non-speech, looping output and known silence hallucinations"})
    no_speech_threshold: float = field(default=0.6, metadata={"help": "no-speech probability above which a low-probability decode is dropped"})
    logprob_threshold: float = field(default=-1.0, metadata={"help": "average log-probability below which a likely non-speech decode is dropped"})
    glossary_hint: bool = field(default=False, metadata={"help": "give Whisper the glossary's terms as its prompt (measured: no better than the correction alone, and it sometimes loses an utterance; see docs/asr.md)"})
    glossary_hint_chars: int = field(default=80, metadata={"help": "longest glossary prompt, in characters (terms the session used come last, where Whisper weighs them most)"})
    glossary_correction: bool = field(default=True, metadata={"help": "in Japanese finals, replace a near-miss of a glossary term (same reading, or one kanji read alike) by the term"})
    glossary_path: str = field(default="", metadata={"help": "glossary file for the hint and the correction (empty: the built-in one; set it to [mt] glossary_path when you edit the glossary)"})
    compression_ratio_threshold: float = field(default=2.4, metadata={"help": "gzip compression ratio above which the text is a loop and dropped"})


def node_cores() -> int:
    """The cores this process may run on (a container's or taskset's limit, not the host's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def decode_slots(config: AsrConfig, cores: int | None = None) -> int:
    """Decodes that may run at once: ``max_concurrent_decodes``, or by default half the cores (at least 2).

    Why half: on the lent 16-core node a decode of Whisper base took 78 ms on 16 threads and 99 ms on
    one, so threads beyond a few buy little while the slots they hold make the other counters' finals
    queue; 16 speaking counters went from final p95 2.73 s (2 slots of 8 threads) to 1.72 s (8 slots of
    2 threads). On 2 cores this is the 2 slots of one thread each measured there (docs/asr.md, Threads).
    """
    if config.max_concurrent_decodes > 0:
        return config.max_concurrent_decodes
    return max(2, (cores or node_cores()) // 2)
