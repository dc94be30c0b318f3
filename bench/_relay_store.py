"""The store's side of ``bench/relay_overhead.py``: every transaction the store's thread ran while the
sessions conversed, how long the thread was held by it (the commit, and the upkeep right after it:
relay.storage.checkpoint), and whether it copied the write-ahead log into the database file (a
checkpoint: in WAL mode nothing else writes that file, so its modification time says so). Counts, not
latencies: the share of commits that checkpoint does not depend on the machine's load."""

from __future__ import annotations

import os
import time
from typing import Any


class StoreCommits:
    def __init__(self) -> None:
        self.transactions: list[tuple[float, bool]] = []  # the store's thread held (commit + upkeep), checkpointed
        self.wal_high_water = 0
        self._path = ""

    def install(self, store: Any) -> None:
        """Wraps the store's group commit (its batch, then its upkeep), on the store's own thread."""
        self._path = store.path
        group = store._group
        commit, after = group._commit, group._after

        def timed_commit(batch: list[Any]) -> list[Any]:
            self._started = time.perf_counter(), self._mark(store)
            return list(commit(batch))

        def timed_after() -> None:
            after()
            started, mark = self._started
            self.transactions.append((time.perf_counter() - started, self._mark(store) != mark))
            if len(self.transactions) % 64 == 0:
                self.wal_high_water = max(self.wal_high_water, self._wal_size())

        group._commit, group._after = timed_commit, timed_after

    def clear(self) -> None:
        self.transactions.clear()

    def _mark(self, store: Any) -> int:
        """Changes when this thread checkpoints: SQLite's own checkpoint inside a commit writes the database
        file; with the background checkpoint (which writes it at any time) the writer counts its own."""
        checkpointer = getattr(store, "checkpointer", None)
        return int(checkpointer.finished) if checkpointer is not None else os.stat(self._path).st_mtime_ns

    def _wal_size(self) -> int:
        try:
            return os.stat(f"{self._path}-wal").st_size
        except FileNotFoundError:
            return 0

    def figures(self, store: Any) -> dict[str, Any]:
        checkpointer = getattr(store, "checkpointer", None)
        held = list(self.transactions)
        return {"transactions": len(held), "checkpointed": sum(c for _, c in held),
                "over_2ms": sum(s > 0.002 for s, _ in held),
                "checkpointed_over_2ms": sum(s > 0.002 for s, c in held if c),
                "longest_ms": max((s for s, _ in held), default=0.0) * 1000,
                "held_ms": sum(s for s, _ in held) * 1000,
                "wal_high_water_mb": max(self.wal_high_water, self._wal_size()) / 1e6,
                "background_rounds": checkpointer.rounds if checkpointer else 0,
                "finished_by_writer": checkpointer.finished if checkpointer else 0}


def store_lines(stats: dict[str, Any], count: int) -> list[str]:
    """The report's lines about the store's thread (``StoreCommits.figures``)."""
    store = stats.get("store")
    if not store or not store["transactions"]:
        return []
    n = store["transactions"]
    return [f"store's thread: {n} transactions; {store['checkpointed']} copied the log into the database file "
            f"({store['checkpointed'] / n * 100:.2f} %); {store['over_2ms']} held the thread over 2 ms "
            f"({store['over_2ms'] / count * 1000:.1f} per 1,000 messages; {store['checkpointed_over_2ms']} of them "
            f"checkpointing), longest {store['longest_ms']:.1f} ms, {store['held_ms'] / count:.3f} ms per message in all; "
            f"background checkpoints {store['background_rounds']}, finished by the writer "
            f"{store['finished_by_writer']}; -wal file up to {store['wal_high_water_mb']:.1f} MB"]
