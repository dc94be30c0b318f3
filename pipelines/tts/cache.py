"""A thread-safe LRU of synthesised sentence audio, bounded in bytes.

Phrasebook sentences ("番号札をお取りください。") repeat all day; serving them from memory makes them start
at once and frees the CPU for the sentences that are new.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

CacheKey = tuple[str, str, float]  # (voice name, sentence, rate)


@dataclass(frozen=True)
class CacheStats:
    entries: int
    size_bytes: int
    max_bytes: int
    hits: int
    misses: int


class AudioCache:
    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max(0, max_bytes)
        self._items: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._size = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    def get(self, key: CacheKey) -> bytes | None:
        with self._lock:
            pcm = self._items.get(key)
            if pcm is None:
                self._misses += 1
                return None
            self._items.move_to_end(key)
            self._hits += 1
            return pcm

    def __contains__(self, key: CacheKey) -> bool:
        with self._lock:
            return key in self._items

    def put(self, key: CacheKey, pcm: bytes) -> None:
        """Store ``pcm`` and evict the least recently used entries beyond the bound.
        An entry larger than the whole bound is not stored."""
        if len(pcm) > self._max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = pcm
            self._size += len(pcm)
            while self._size > self._max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._size -= len(evicted)

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._items), self._size, self._max_bytes, self._hits, self._misses)
