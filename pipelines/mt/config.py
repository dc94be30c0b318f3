"""Settings of the translation engine: the ``[mt]`` section of the relay's TOML file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MtConfig:
    pivot_language: str = field(
        default="en", metadata={"help": "language to translate through when no direct Argos package exists"}
    )
    num_hypotheses: int = field(
        default=4, metadata={"help": "n-best hypotheses per sentence used to estimate confidence"}
    )
    beam_size: int = field(default=4, metadata={"help": "beam width of the decoder (at least num_hypotheses)"})
    batch_size: int = field(
        default=1, metadata={"help": "utterances of concurrent turns translated in one batch, up to this many (1 = each alone)"}
    )
    batch_window_ms: float = field(
        default=20.0, metadata={"help": "with batch_size > 1: how long a translation waits for others to join its batch"}
    )
    cache_size: int = field(default=1024, metadata={"help": "translations kept in the LRU cache (0 disables it)"})
    glossary_path: str = field(default="", metadata={"help": "glossary TSV file (created as a copy of the built-in glossary when missing); empty = the built-in glossary, read-only"})
    phrasebook_path: str = field(
        default="", metadata={"help": "phrasebook TSV file; empty = the built-in phrasebook"}
    )
    phrasebook_min_similarity: float = field(
        default=0.9, metadata={"help": "similarity (0-1) above which a near phrasebook match bypasses MT"}
    )
    max_concurrent: int = field(
        default=2, metadata={"help": "translations that may run at the same time (CTranslate2 inter_threads)"}
    )
    threads_per_translation: int = field(
        default=1, metadata={"help": "CPU threads one translation may use (CTranslate2 intra_threads)"}
    )
    compute_type: str = field(
        default="int8", metadata={"help": "CTranslate2 compute type: int8, int8_float32, float32, auto"}
    )
    max_sentence_chars: int = field(
        default=300, metadata={"help": "longer sentences are cut at commas before translation"}
    )
