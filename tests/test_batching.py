"""``pipelines.batching.Gatherer``: calls made by many threads at once run together, each caller gets
its own result, and nothing waits longer than the window when the model is idle."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import pytest

from pipelines.batching import Gatherer


class Model:
    """Doubles numbers, a batch at a time, and remembers the batches it saw."""

    def __init__(self, fail_on: int | None = None, hold: threading.Event | None = None) -> None:
        self.batches: list[list[int]] = []
        self.started: list[list[int]] = []  # batches handed to the model, before ``hold`` lets it run
        self.fail_on = fail_on
        self.hold = hold

    def run(self, requests: Sequence[int]) -> list[int]:
        self.started.append(list(requests))
        if self.hold is not None:
            self.hold.wait(5)
        self.batches.append(list(requests))
        if self.fail_on in requests:
            raise RuntimeError("model failed")
        return [2 * r for r in requests]


def until(condition: Callable[[], bool]) -> None:
    """Wait for what another thread does (the deadline only bounds how long a failing test takes)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.005)


def submit_all(gatherer: Gatherer[int, int], requests: Sequence[int]) -> dict[int, int | BaseException]:
    results: dict[int, int | BaseException] = {}

    def call(r: int) -> None:
        try:
            results[r] = gatherer.submit(r)
        except RuntimeError as exc:
            results[r] = exc

    threads = [threading.Thread(target=call, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


def test_requests_made_together_run_as_one_batch_and_each_caller_gets_its_own_result() -> None:
    model = Model()
    gatherer: Gatherer[int, int] = Gatherer(model.run, window_s=0.5, max_batch=4)
    results = submit_all(gatherer, [1, 2, 3, 4])
    assert results == {1: 2, 2: 4, 3: 6, 4: 8}
    assert sorted(model.batches[0]) == [1, 2, 3, 4]  # a full batch did not wait for the window


def test_a_batch_never_exceeds_its_size_and_keys_never_mix() -> None:
    model = Model()
    gatherer: Gatherer[int, int] = Gatherer(model.run, window_s=0.2, max_batch=3, key=lambda r: r % 2)
    results = submit_all(gatherer, list(range(10)))
    assert results == {r: 2 * r for r in range(10)}
    assert all(len(b) <= 3 and len({r % 2 for r in b}) == 1 for b in model.batches), model.batches


def test_requests_arriving_while_the_model_is_busy_gather_into_the_next_batch() -> None:
    hold = threading.Event()
    model = Model(hold=hold)
    gatherer: Gatherer[int, int] = Gatherer(model.run, window_s=0.0, max_batch=8)
    first = threading.Thread(target=gatherer.submit, args=(0,))
    first.start()
    until(lambda: model.started == [[0]])  # the first batch, [0], is running (held)
    others = threading.Thread(target=submit_all, args=(gatherer, [1, 2, 3]))
    others.start()
    until(lambda: len(gatherer._waiting) == 3)  # all three wait for the busy model
    hold.set()
    first.join(5)
    others.join(5)
    assert model.batches == [[0], sorted(model.batches[1])] and sorted(model.batches[1]) == [1, 2, 3]


def test_a_failed_batch_fails_every_request_in_it_and_the_next_batch_runs() -> None:
    model = Model(fail_on=2)
    gatherer: Gatherer[int, int] = Gatherer(model.run, window_s=0.5, max_batch=2)
    results = submit_all(gatherer, [1, 2])
    assert all(isinstance(r, RuntimeError) for r in results.values())
    assert gatherer.submit(5) == 10


def test_a_lone_request_waits_only_for_the_window() -> None:
    model = Model()
    gatherer: Gatherer[int, int] = Gatherer(model.run, window_s=0.05, max_batch=8)
    assert gatherer.submit(7) == 14
    assert model.batches == [[7]]


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError):
        Gatherer(Model().run, window_s=0.0, max_batch=0)


def test_what_gathered_is_shared_among_idle_workers() -> None:
    model = Model()
    gatherer: Gatherer[int, int] = Gatherer(model.run, window_s=0.3, max_batch=8, max_running=2)
    submit_all(gatherer, list(range(6)))
    assert sum(len(b) for b in model.batches) == 6
    assert max(len(b) for b in model.batches) <= 3  # not one batch of 6 while the other worker idles
