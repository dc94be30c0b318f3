"""One installed Argos package, decoded with CTranslate2 directly.

We read the package through argostranslate (metadata, SentencePiece/BPE tokenizer) but call the
CTranslate2 translator ourselves: argostranslate's own ``translate`` path would run a sentence-boundary
model that it downloads on first use, and it returns no per-token scores for our confidence.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

ARGOS_SUBDIR = "argos"


@dataclass(frozen=True)
class Candidate:
    """One of the n-best translations of a sentence (ASR's ``Hypothesis`` is another thing: a decoding)."""

    text: str
    score: float  # length-normalised log-probability (mean per token), <= 0


class SentenceTranslator(Protocol):
    """Translates a batch of sentences in one direction; one list of n-best candidates per sentence."""

    source: str
    target: str
    name: str

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        ...


def point_argos_at(models_dir: Path) -> None:
    """argostranslate reads its settings once, at import: aim them at our models before that happens."""
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(models_dir / ARGOS_SUBDIR))
    os.environ.setdefault("ARGOS_CHUNK_TYPE", "NONE")  # never a sentence-boundary model
    os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")


def read_metadata(package_dir: Path) -> dict[str, Any]:
    with (package_dir / "metadata.json").open(encoding="utf-8") as f:
        metadata = json.load(f)
    if not isinstance(metadata, dict):
        raise ValueError(f"{package_dir}/metadata.json is not a JSON object")
    return metadata


def installed_package_dirs(models_dir: Path) -> list[Path]:
    root = models_dir / ARGOS_SUBDIR
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / "metadata.json").is_file())


class ArgosPackageTranslator:
    """Loads the CTranslate2 model lazily, once, on first use; safe to call from many threads."""

    # Output may be this many times longer than the input (plus 10 tokens) before decoding stops:
    # a safety net against a model that never emits </s>, not a limit a real translation reaches.
    max_length_ratio = 3.0
    max_output_tokens = 256  # per sentence; a 300-character sentence needs well under this

    def __init__(self, package_dir: Path, inter_threads: int = 1, intra_threads: int = 1,
                 compute_type: str = "int8") -> None:
        from argostranslate.package import Package  # after point_argos_at()

        self.package = Package(package_dir)
        self.source: str = self.package.from_code
        self.target: str = self.package.to_code
        self.name = f"{self.source}→{self.target}"
        self._options = {"inter_threads": max(1, inter_threads), "intra_threads": max(0, intra_threads),
                         "compute_type": compute_type}
        self._translator: Any = None
        self._lock = threading.Lock()

    def _ct2(self) -> Any:
        with self._lock:
            if self._translator is None:
                import ctranslate2

                self._translator = ctranslate2.Translator(
                    str(self.package.package_path / "model"), device="cpu", **self._options
                )
            return self._translator

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        tokenizer = self.package.tokenizer
        tokens = [tokenizer.encode(s) for s in sentences]
        prefix = self.package.target_prefix
        results = self._ct2().translate_batch(
            tokens,
            target_prefix=[[prefix]] * len(tokens) if prefix else None,
            beam_size=max(beam_size, num_hypotheses),
            num_hypotheses=num_hypotheses,
            length_penalty=1.0,  # scores come back divided by length: a per-token mean log-probability
            return_scores=True,
            replace_unknowns=True,
            max_decoding_length=self._max_output(tokens),
            max_batch_size=32,
        )
        return [
            [Candidate(self._decode(h, prefix), float(score)) for h, score in zip(r.hypotheses, r.scores, strict=False)]
            for r in results
        ]

    def _max_output(self, tokens: list[list[str]]) -> int:
        longest = max((len(t) for t in tokens), default=0)
        return min(self.max_output_tokens, int(self.max_length_ratio * longest) + 10)

    def _decode(self, tokens: list[str], prefix: str) -> str:
        if prefix and tokens and tokens[0] == prefix:
            tokens = tokens[1:]
        return str(self.package.tokenizer.decode(tokens)).strip()
