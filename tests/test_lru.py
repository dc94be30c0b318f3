"""The one LRU cache (pipelines.lru), bounded in entries (translations) or in bytes (sentence audio)."""

from __future__ import annotations

from pipelines.lru import LruCache


def test_bounded_in_bytes_evicts_the_least_recently_used_until_it_fits() -> None:
    cache: LruCache[str, bytes] = LruCache(10, weigh=len)
    cache.put("a", b"1234")
    cache.put("b", b"5678")
    assert cache.get("a") == b"1234"  # a is now the most recently used
    cache.put("c", b"90ab")
    assert "b" not in cache and "a" in cache and "c" in cache
    assert cache.stats().size == 8


def test_an_entry_heavier_than_the_capacity_is_not_stored() -> None:
    cache: LruCache[str, bytes] = LruCache(4, weigh=len)
    cache.put("big", b"12345")
    assert "big" not in cache and cache.stats().entries == 0


def test_capacity_zero_disables_the_cache_and_replacing_keeps_the_size_right() -> None:
    off: LruCache[str, str] = LruCache(0)
    off.put("a", "1")
    assert off.get("a") is None and off.stats().misses == 1
    cache: LruCache[str, bytes] = LruCache(10, weigh=len)
    cache.put("a", b"123456")
    cache.put("a", b"12")
    assert cache.stats().size == 2 and cache.get("a") == b"12" and cache.stats().hits == 1
