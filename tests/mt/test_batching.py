"""Sentences of concurrent turns translated in one batch: each turn still gets its own translation."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest

from pipelines.mt import ArgosTranslator
from pipelines.mt.backend import ArgosPackageTranslator, Candidate
from pipelines.mt.batching import BatchingSentenceTranslator

UTTERANCES = ["窓口で手続きをします。番号札をお取りください。", "在留カードを見せてください。", "二階へどうぞ。"]


class EchoPackage:
    source, target, name = "ja", "en", "ja→en"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        self.calls.append(list(sentences))
        return [[Candidate(f"<{s}>", -0.1)] * num_hypotheses for s in sentences]


def concurrently(work: Callable[[int], object], count: int) -> dict[int, object]:
    results: dict[int, object] = {}
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, work(i))) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_utterances_of_concurrent_turns_share_one_model_call_and_get_their_own_sentences() -> None:
    package = EchoPackage()
    batching = BatchingSentenceTranslator(package, batch_size=3, window_s=2.0)
    sentences = [["a。", "b。"], ["c。"], ["d。", "e。", "f。"]]
    results = concurrently(lambda i: batching.translate_batch(sentences[i], 2, 2), 3)
    assert {i: [[h.text for h in n] for n in r] for i, r in results.items()} == {  # type: ignore[attr-defined]
        i: [[f"<{s}>"] * 2 for s in sentences[i]] for i in range(3)}
    assert len(package.calls) == 1 and sorted(package.calls[0]) == sorted(s for ss in sentences for s in ss)


@pytest.mark.engine
def test_batched_translation_gives_each_turn_what_it_gets_alone(make_translator: Callable[..., ArgosTranslator],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # random weights never stop before the length cap, which CTranslate2 takes per batch (from the
    # longest sentence): one cap for every sentence here, as a trained model stops long before it
    monkeypatch.setattr(ArgosPackageTranslator, "max_output_tokens", 16)
    alone = make_translator(cache_size=0)
    batched = make_translator(cache_size=0, batch_size=4, batch_window_ms=1000.0, max_concurrent=1)
    expected = [alone.translate(u, "ja", "en").text for u in UTTERANCES]
    results = concurrently(lambda i: batched.translate(UTTERANCES[i], "ja", "en").text, len(UTTERANCES))
    assert [results[i] for i in range(len(UTTERANCES))] == expected
    package = batched.pairs["ja", "en"]
    assert isinstance(package, BatchingSentenceTranslator) and max(package.gatherer.batch_sizes) > 1
