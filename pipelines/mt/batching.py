"""Sentences of several utterances translated in one CTranslate2 batch.

Each turn translates its utterance's sentences from its own bridge thread. ``BatchingSentenceTranslator``
puts them into a ``pipelines.batching.Gatherer``: the first utterance waits up to ``[mt]
batch_window_ms`` for others in the same direction, then all their sentences go to CTranslate2 in one
``translate_batch`` and each utterance gets its own hypotheses back. Utterances with a different beam
or n-best never share a batch (CTranslate2 takes one of each per call).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from pipelines.batching import Gatherer
from pipelines.mt.backend import Candidate, SentenceTranslator


@dataclass(frozen=True)
class _Request:
    sentences: tuple[str, ...]
    num_hypotheses: int
    beam_size: int


def _key(request: _Request) -> Hashable:
    return request.num_hypotheses, request.beam_size


class BatchingSentenceTranslator:
    """A ``SentenceTranslator`` that batches the utterances of concurrent turns; thread-safe."""

    def __init__(self, inner: SentenceTranslator, *, batch_size: int, window_s: float, max_running: int = 1) -> None:
        self.inner = inner
        self.source, self.target, self.name = inner.source, inner.target, inner.name
        self.gatherer: Gatherer[_Request, list[list[Candidate]]] = Gatherer(
            self._run, window_s=window_s, max_batch=batch_size, key=_key, max_running=max_running)

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        return self.gatherer.submit(_Request(tuple(sentences), num_hypotheses, beam_size))

    def _run(self, requests: Sequence[_Request]) -> list[list[list[Candidate]]]:
        first = requests[0]
        every = [s for r in requests for s in r.sentences]
        nbest = self.inner.translate_batch(every, first.num_hypotheses, first.beam_size)
        results, at = [], 0
        for r in requests:
            results.append(nbest[at:at + len(r.sentences)])
            at += len(r.sentences)
        return results
