"""The one thread-safe LRU cache: counters repeat the same sentences all day.

Used for translations (``pipelines.mt``, bounded in entries) and for synthesised sentence audio
(``pipelines.tts``, bounded in bytes through ``weigh``). It lives in ``pipelines`` so that the relay may
use it too (the relay imports ``pipelines``, never the other way round); ``easy_japanese`` uses neither.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class CacheStats:
    entries: int
    size: int  # the entries' total weight (their count, or their bytes)
    capacity: int
    hits: int
    misses: int


def _one(value: object) -> int:
    return 1


class LruCache(Generic[K, V]):
    """At most ``capacity`` in total weight (each entry weighs ``weigh(value)``, 1 by default); the least
    recently used entries are evicted first. An entry heavier than the whole capacity is not stored, so a
    capacity of 0 disables the cache."""

    def __init__(self, capacity: int, weigh: Callable[[V], int] = _one) -> None:
        self.capacity = max(0, capacity)
        self._weigh = weigh
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def __contains__(self, key: K) -> bool:
        """Whether ``key`` is cached; neither a hit nor a miss, and not a use."""
        with self._lock:
            return key in self._items

    def put(self, key: K, value: V) -> None:
        weight = self._weigh(value)
        if weight > self.capacity:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._items[key] = (value, weight)
            self._size += weight
            while self._size > self.capacity:
                _, (_, evicted) = self._items.popitem(last=False)
                self._size -= evicted

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._items), self._size, self.capacity, self.hits, self.misses)

    def __len__(self) -> int:
        return len(self._items)
