"""Decodes of several sessions run together: one CTranslate2 batch instead of one call per session.

Every session's stream calls ``Decoder.decode`` from its own bridge thread. ``BatchingDecoder`` puts
the call into a ``pipelines.batching.Gatherer``: the first decode waits up to ``batch_window_ms`` for
decodes of other sessions, then one batch of up to ``batch_size`` runs through
``WhisperDecoder.decode_batch``. Only decodes with the same beam size and the same kind (a partial
continuing a committed prefix, or a decode from scratch) share a batch, because CTranslate2 takes one
beam size and one ``suppress_blank`` per call; and only decodes of about the same length
(``LENGTH_BUCKET_S``), because every decode in a batch is padded with silence to the longest and the
encoder's cost grows with that: on a CPU the encoder is most of a decode and batching does not make it
cheaper, only the token generation (measured on Whisper base int8: 2.6 times less CPU per token at a
batch of 8, the encoder the same; see docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

import numpy as np

from pipelines.asr.audio import WHISPER_RATE
from pipelines.asr.decoder import Context, DecodeRequest, Hypothesis
from pipelines.batching import Gatherer


class BatchDecoder(Protocol):
    def decode_batch(self, requests: Sequence[DecodeRequest]) -> list[Hypothesis]: ...


LENGTH_BUCKET_S = 2.0  # decodes in one batch differ by less than this in length: little padding


def batch_key(request: DecodeRequest) -> Hashable:
    return request.beam_size, bool(request.prefix), int(len(request.audio) / WHISPER_RATE // LENGTH_BUCKET_S)


class BatchingDecoder:
    """A ``Decoder`` that gathers the decodes of many sessions into batches; thread-safe."""

    def __init__(self, decoder: BatchDecoder, *, batch_size: int, window_s: float, max_running: int = 1) -> None:
        self.gatherer: Gatherer[DecodeRequest, Hypothesis] = Gatherer(
            decoder.decode_batch, window_s=window_s, max_batch=batch_size, key=batch_key, max_running=max_running,
        )

    def decode(
        self, audio: np.ndarray, languages: Sequence[str], prefix: str, beam_size: int, max_new_tokens: int,
        context: Context | None = None,
    ) -> Hypothesis:
        return self.gatherer.submit(DecodeRequest(audio, tuple(languages), prefix, beam_size, max_new_tokens, context))
