"""Confidence from n-best hypotheses, in [0, 1].

A sentence's confidence is the best hypothesis's geometric-mean token probability (``exp`` of its
length-normalised log-probability) times the n-best consensus: when the runners-up say nearly the same
thing the model was sure; when they diverge, it was guessing. Consensus is the probability-weighted
similarity of every hypothesis to the best one (the best counts with similarity 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from difflib import SequenceMatcher

from pipelines.mt.backend import Candidate


def hypothesis_confidence(score: float) -> float:
    """Geometric-mean token probability of one hypothesis; lower for worse hypotheses."""
    return min(1.0, max(0.0, math.exp(score)))


def sentence_confidence(nbest: Sequence[Candidate]) -> float:
    if not nbest:
        return 0.0
    best = nbest[0]
    weights = _softmax([h.score for h in nbest])
    consensus = sum(w * _similarity(best.text, h.text) for w, h in zip(weights, nbest, strict=True))
    return hypothesis_confidence(best.score) * consensus


def utterance_confidence(sentence_confidences: Sequence[float], lengths: Sequence[int]) -> float:
    """Mean over sentences weighted by their length: one shaky word does not sink a long answer."""
    total = sum(lengths)
    if not sentence_confidences or total == 0:
        return 0.0
    return sum(c * n for c, n in zip(sentence_confidences, lengths, strict=True)) / total


def _softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
