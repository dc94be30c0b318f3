"""The relay's garbage-collection policy (relay.runtime.gc_policy): while clients are connected, what the
sessions keep is frozen out of the collector's scans, so no collection pauses every session for long;
reference counting still frees it; the reference cycles that closed connections leave are reclaimed as
soon as nobody is connected, and at the latest every ``reclaim_hours``."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from relay.runtime.gc_policy import GcPolicy


class Thing:
    """Something a session holds (weak-referenceable, tracked by the collector)."""

    def __init__(self) -> None:
        self.other: Thing | None = None


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Leave the test process's collector as it was."""
    thresholds = gc.get_threshold()
    gc.collect()
    yield
    gc.set_threshold(*thresholds)
    gc.unfreeze()
    gc.collect()


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every collection the process makes meanwhile."""
    seen: list[int] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(on_gc)
    yield seen
    gc.callbacks.remove(on_gc)


def _sessions_at_work(objects: int = 40_000) -> list[Thing]:
    """What busy sessions make and keep for a while: enough new objects for dozens of young collections."""
    return [Thing() for _ in range(objects)]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _cycle() -> weakref.ref[Thing]:
    """A reference cycle nobody refers to any more: only a collection that scans it frees it."""
    a, b = Thing(), Thing()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_what_sessions_keep_is_frozen_while_clients_are_connected_and_still_freed_by_reference_counting() -> None:
    policy = GcPolicy(freeze_s=1.0, reclaim_hours=6.0, connected=lambda: True, clock=Clock())
    kept = [Thing() for _ in range(5000)]
    before = gc.get_freeze_count()

    assert policy.step() == "freeze"
    assert gc.get_freeze_count() >= before + 5000, "no collection scans them any more"
    freed = weakref.ref(kept[0])
    del kept
    assert freed() is None, "reference counting frees a frozen object"


def test_cycles_frozen_meanwhile_are_reclaimed_once_nobody_is_connected() -> None:
    connected = [True]
    policy = GcPolicy(freeze_s=1.0, reclaim_hours=6.0, connected=lambda: connected[0], clock=Clock())
    garbage = _cycle()
    assert policy.step() == "freeze"
    gc.collect()
    assert garbage() is not None, "frozen: not even a full collection frees it"

    connected[0] = False  # the last counter went home
    assert policy.step() == "reclaim"
    assert garbage() is None
    assert policy.step() == "idle", "one full collection per quiet spell, not one a second"


def test_a_relay_that_is_never_quiet_reclaims_at_least_every_reclaim_hours() -> None:
    clock = Clock()
    policy = GcPolicy(freeze_s=1.0, reclaim_hours=6.0, connected=lambda: True, clock=clock)
    garbage = _cycle()
    assert policy.step() == "freeze"
    clock.now = 5.9 * 3600
    assert policy.step() == "freeze" and garbage() is not None
    clock.now = 6.0 * 3600
    assert policy.step() == "reclaim"
    assert garbage() is None
    assert policy.step() == "freeze", "the sessions' state is frozen again at the next tick"


def test_while_clients_are_connected_only_young_collections_pause_the_relay(collections: list[int]) -> None:
    gc.set_threshold(700, 10, 10)  # Python's: an older generation every ten young collections
    policy = GcPolicy(freeze_s=1.0, reclaim_hours=6.0, connected=lambda: True, clock=Clock())
    assert policy.step() == "freeze"
    kept = _sessions_at_work()
    assert collections.count(0) >= 20, "the young generation is still collected"
    assert max(collections) == 0, "no collection of the older generations (each a pause of 6-12 ms at 1,000 sessions)"
    del kept


def test_once_nobody_is_connected_the_older_generations_are_collected_again(collections: list[int]) -> None:
    gc.set_threshold(700, 10, 10)
    connected = [True]
    policy = GcPolicy(freeze_s=1.0, reclaim_hours=6.0, connected=lambda: connected[0], clock=Clock())
    assert policy.step() == "freeze"
    connected[0] = False
    assert policy.step() == "reclaim"
    collections.clear()
    kept = _sessions_at_work()
    assert 1 in collections, "Python's own thresholds again: nothing is frozen while nobody is connected"
    assert gc.get_threshold() == (700, 10, 10)
    del kept
