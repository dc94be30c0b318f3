"""The embedded store: one SQLite file, owned by one worker thread.

Every call is an ``async`` method that runs its SQL on the store's own thread, so the event loop never
waits on the disk and writes are serialised without locks. WAL mode with ``synchronous=NORMAL`` keeps a
commit cheap while surviving a process crash (a power cut may lose the last commits, not corrupt the
file). Session events are stored — and committed — before anyone is sent them; a reconnecting client is
served from here, also after a restart. No audio is ever stored. The log is copied into the database
file by a thread of its own, not inside a commit (relay.storage.checkpoint).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from relay.settings import StoreConfig
from relay.storage.checkpoint import Checkpointer, CheckpointPolicy
from relay.storage.group_commit import Committed, GroupCommit, Outcome, Statements, write_together
from relay.storage.join_codes import JOIN_SCHEMA, JoinRecords
from relay.storage.lock_wait import LockWait
from relay.storage.records import SessionRecord, StoredEvent, StoreUnavailable, TokenRecord, session_from_row
from relay.storage.recovery import RECOVERY_SCHEMA, RecoveryRecords
from relay.storage.schema import SCHEMA
from relay.storage.turn_records import Rows, TurnRecords

# the records are defined in relay.storage.records; the store hands them out, so it re-exports them
__all__ = ["SCHEMA", "SessionRecord", "Store", "StoreUnavailable", "StoredEvent", "TokenRecord"]

T = TypeVar("T")
log = logging.getLogger("madoguchi.store")


class Store(RecoveryRecords, TurnRecords, JoinRecords):
    def __init__(self, path: str | Path, checkpoint: CheckpointPolicy | None = None,
                 checkpoint_failed: Callable[[], None] = lambda: None, busy_timeout_s: float = 5.0,
                 lock_timed_out: Callable[[], None] = lambda: None) -> None:
        """``checkpoint``: the log is copied by a background thread; None, or an interval of 0, leaves it
        to SQLite, inside the commits. ``busy_timeout_s``: how long a batch of writes waits for another
        process's write lock (5 s, Python's default; relay.storage.lock_wait), ``lock_timed_out`` called
        each time a wait ran out. ``Store.configured`` takes them from ``[store]``."""
        self.path = str(path)
        self.busy_timeout_s = busy_timeout_s
        self.lock_wait = LockWait(busy_timeout_s, lock_timed_out)
        self.checkpointer = (Checkpointer(self.path, checkpoint, checkpoint_failed)
                             if checkpoint and checkpoint.interval_s > 0 and self.path != ":memory:" else None)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._db: sqlite3.Connection | None = None
        self.writes = 0  # transactions asked for (``write`` calls that succeeded)
        self.commits = 0  # transactions committed: fewer than ``writes`` when concurrent writes share one
        self.fault: str | None = None  # the last write error while the store cannot write; None when healthy
        # concurrent writes share one transaction and one trip to the thread (relay.storage.group_commit)
        self._group = GroupCommit(lambda batch: self._write_batch(batch), self._executor, self._after_commit)

    @classmethod
    def configured(cls, config: StoreConfig, checkpoint_failed: Callable[[], None] = lambda: None,
                   lock_timed_out: Callable[[], None] = lambda: None) -> Store:
        """The store as the ``[store]`` settings have it: ``serve`` and every ``madoguchi`` command that
        opens it (a token added beside the running relay waits for its writes as the relay waits for
        the command's)."""
        return cls(config.path, CheckpointPolicy(config.checkpoint_interval_s, config.wal_limit_mb),
                   checkpoint_failed=checkpoint_failed, busy_timeout_s=config.busy_timeout_s,
                   lock_timed_out=lock_timed_out)

    # ------------------------------------------------------------ lifecycle

    async def open(self) -> Store:
        await self._run(self._open_sync)
        if self.checkpointer is not None:
            self.checkpointer.start()
        return self

    def _open_sync(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=self.busy_timeout_s)
        db.row_factory = sqlite3.Row
        self.lock_wait.opened(db)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(SCHEMA)
        db.executescript(RECOVERY_SCHEMA)
        db.executescript(JOIN_SCHEMA)
        if self.checkpointer is not None:
            self.checkpointer.disable_auto_checkpoint(db)
        self._db = db

    async def close(self) -> None:
        await self._group.flush()
        if self.checkpointer is not None:
            await asyncio.to_thread(self.checkpointer.stop)  # before the last, full checkpoint below
        if self._db is not None:
            await self._run(self._close_sync)
        self._executor.shutdown(wait=True)

    def _close_sync(self) -> None:
        assert self._db is not None
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()
        self._db = None

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _write_batch(self, batch: list[Statements]) -> list[Outcome]:
        """Several writes in one transaction; if the disk (not the data) fails, each is tried on its own,
        so that every caller hears exactly what its write alone would have come to. Another process's
        write lock is waited for once for the whole batch (relay.storage.lock_wait)."""
        with self.lock_wait.batch(self._conn(), len(batch)):
            if len(batch) > 1:
                try:
                    return self._write_together(batch)
                except Exception as exc:  # rolled back; retried one by one below
                    self.lock_wait.failed(exc, write_alone=False)
            outcomes: list[Outcome] = []
            for statements in batch:
                if outcomes or len(batch) > 1:
                    self.lock_wait.before_retry(self._conn())
                outcomes.append(self._write_alone(statements))
            return outcomes

    def _after_commit(self) -> None:
        try:
            if self.checkpointer is not None and self._db is not None:
                self.checkpointer.after_commit(self._db)
        except Exception:  # the writes are committed; the next round of the checkpoint tries again
            log.exception("store checkpoint after a commit failed")

    def _write_together(self, batch: list[Statements]) -> list[Outcome]:
        outcomes = write_together(self._conn(), batch)
        self.commits += 1
        self.writes += outcomes.count(None)
        self.fault = None
        return outcomes

    def _write_alone(self, statements: Statements) -> Outcome:
        try:
            self._write(statements)
        except Exception as exc:  # handed to the caller of write()
            return exc
        return None

    def _write(self, statements: Statements) -> None:
        db = self._conn()
        try:
            db.execute("BEGIN")
            try:
                for sql, params in statements:
                    db.execute(sql, params)
                db.execute("COMMIT")
                self.commits += 1
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.IntegrityError:
            raise  # the data broke a rule (a duplicate): not a fault of the disk
        except sqlite3.DatabaseError as exc:  # disk full, read-only file, I/O error, size limit, locked
            self.lock_wait.failed(exc, write_alone=True)
            self.fault = self.lock_wait.described(exc)
            raise StoreUnavailable(self.fault) from exc
        self.fault = None
        self.writes += 1

    @property
    def healthy(self) -> bool:
        return self.fault is None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("store is not open")
        return self._db

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return self._conn().execute(sql, params).fetchall()

    async def write(self, statements: Statements) -> None:
        """Run statements in one transaction (committed when this returns; possibly shared with other
        writes asked for meanwhile: a duplicate or a failure is still this write's alone)."""
        await self._group.write(statements)

    async def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return await self._run(self._query, sql, params)

    # ------------------------------------------------------------ sessions

    async def create_session(self, record: SessionRecord) -> None:
        await self.write([(
            "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (record.id, record.counter, record.resident_lang, record.mode, int(record.tts), record.status,
             record.created_at, record.closed_at, record.resident_token_hash,
             record.resident_token_expires, record.created_by),
        )])

    async def get_session(self, session_id: str) -> SessionRecord | None:
        rows = await self.query("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return session_from_row(rows[0]) if rows else None

    async def session_by_resident_token(self, token_hash: str) -> SessionRecord | None:
        rows = await self.query("SELECT * FROM sessions WHERE resident_token_hash = ?", (token_hash,))
        return session_from_row(rows[0]) if rows else None

    async def count_open_sessions(self) -> int:
        rows = await self.query("SELECT COUNT(*) FROM sessions WHERE status = 'open'")
        return int(rows[0][0])

    async def update_session(self, session_id: str, **values: Any) -> None:
        allowed = {"resident_lang", "mode", "tts", "status", "closed_at", "resident_token_hash"}
        if not values or set(values) - allowed:
            raise ValueError(f"cannot update {sorted(set(values) - allowed)}")
        assignments = ", ".join(f"{key} = ?" for key in values)
        params = tuple(int(v) if isinstance(v, bool) else v for v in values.values())
        await self.write([(f"UPDATE sessions SET {assignments} WHERE id = ?", (*params, session_id))])

    # ------------------------------------------------------------ events (resume)

    async def append_event(self, session_id: str, seq: int, kind: str, body: str, extra: Rows | None = None) -> None:
        """Store one session event, with any rows that describe it, in one transaction."""
        await self.write(_event_statements(session_id, seq, kind, body, extra))

    def queue_event(self, session_id: str, seq: int, kind: str, body: str, extra: Rows | None,
                    committed: Committed) -> None:
        """``append_event`` for a caller that must act the moment the event is committed, whatever becomes
        of the task that asked (``Session.publish`` numbers and sends it there): ``committed(outcome)`` is
        called on the event loop, after the callbacks of every write asked for before this one."""
        self._group.write_then(_event_statements(session_id, seq, kind, body, extra), committed)

    async def events_after(self, session_id: str, after_seq: int) -> list[StoredEvent]:
        rows = await self.query(
            "SELECT seq, type, body FROM events WHERE session_id = ? AND seq > ? ORDER BY seq",
            (session_id, after_seq),
        )
        return [StoredEvent(r["seq"], r["type"], r["body"]) for r in rows]

    async def last_seq(self, session_id: str) -> int:
        rows = await self.query("SELECT MAX(seq) FROM events WHERE session_id = ?", (session_id,))
        return int(rows[0][0] or 0)

    # ------------------------------------------------------------ transcript

    async def transcript(self, session_id: str) -> list[dict[str, Any]]:
        utterances = await self.query(
            "SELECT * FROM utterances WHERE session_id = ? ORDER BY seq", (session_id,)
        )
        translations = await self.query(
            "SELECT t.* FROM translations t JOIN utterances u ON u.id = t.utterance_id "
            "WHERE u.session_id = ? ORDER BY t.seq", (session_id,),
        )
        by_utterance: dict[str, list[dict[str, Any]]] = {}
        for t in translations:
            by_utterance.setdefault(t["utterance_id"], []).append({
                "seq": t["seq"], "kind": t["kind"], "lang": t["lang"], "text": t["text"],
                "confidence": t["confidence"], "replaced": bool(t["replaced"]),
                "details": json.loads(t["details"]), "timings": json.loads(t["timings"]),
            })
        return [{
            "utterance_id": u["id"], "seq": u["seq"], "created_at": u["created_at"],
            "speaker": u["speaker"], "lang": u["lang"], "text": u["text"],
            "confidence": u["confidence"], "source": u["source"],
            "asr": json.loads(u["asr_details"]), "timings": json.loads(u["timings"]),
            "translations": by_utterance.get(u["id"], []),
        } for u in utterances]

    # ------------------------------------------------------------ escalations, audit

    async def record_escalation(self, session_id: str, state: str, reason: str | None,
                                figures: dict[str, Any]) -> None:
        await self.write([(
            "INSERT INTO escalations (session_id, created_at, state, reason, figures) VALUES (?,?,?,?,?)",
            (session_id, time.time(), state, reason, json.dumps(figures, ensure_ascii=False)),
        )])

    async def escalations(self, session_id: str) -> list[dict[str, Any]]:
        rows = await self.query(
            "SELECT created_at, state, reason, figures FROM escalations WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [{"at": r["created_at"], "state": r["state"], "reason": r["reason"],
                 "figures": json.loads(r["figures"])} for r in rows]

    async def audit(self, actor: str, action: str, **detail: Any) -> None:
        await self.write([(
            "INSERT INTO audit (at, actor, action, detail) VALUES (?,?,?,?)",
            (time.time(), actor, action, json.dumps(detail, ensure_ascii=False)),
        )])

    async def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))
        return [{"at": r["at"], "actor": r["actor"], "action": r["action"],
                 "detail": json.loads(r["detail"])} for r in rows]

    # ------------------------------------------------------------ tokens

    async def add_token(self, token_id: str, role: str, name: str, token_hash: str) -> None:
        await self.write([(
            "INSERT INTO tokens VALUES (?,?,?,?,?,NULL)", (token_id, role, name, token_hash, time.time()),
        )])

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        rows = await self.query(
            "SELECT id, role, name, created_at, revoked_at FROM tokens WHERE hash = ?", (token_hash,)
        )
        return TokenRecord(*rows[0]) if rows else None

    async def list_tokens(self) -> list[TokenRecord]:
        rows = await self.query("SELECT id, role, name, created_at, revoked_at FROM tokens ORDER BY created_at")
        return [TokenRecord(*r) for r in rows]

    async def revoke_token(self, token_id: str) -> bool:
        rows = await self.query("SELECT 1 FROM tokens WHERE id = ? AND revoked_at IS NULL", (token_id,))
        if not rows:
            return False
        await self.write([("UPDATE tokens SET revoked_at = ? WHERE id = ?", (time.time(), token_id))])
        return True

    # ------------------------------------------------------------ retention and statistics

    async def purge_older_than(self, days: float, now: float | None = None) -> int:
        """Delete sessions (and everything they hold) created more than ``days`` ago."""
        cutoff = (now or time.time()) - days * 86400
        rows = await self.query("SELECT COUNT(*) FROM sessions WHERE created_at < ?", (cutoff,))
        await self.write([("DELETE FROM sessions WHERE created_at < ?", (cutoff,))])
        return int(rows[0][0])

    async def stats(self, since: float) -> dict[str, Any]:
        by_lang = await self.query(
            "SELECT resident_lang, COUNT(*) AS n FROM sessions WHERE created_at >= ? GROUP BY resident_lang",
            (since,),
        )
        durations = await self.query(
            "SELECT AVG(closed_at - created_at) FROM sessions WHERE created_at >= ? AND closed_at IS NOT NULL",
            (since,),
        )
        utterances = await self.query(
            "SELECT COUNT(*), AVG(confidence) FROM utterances WHERE created_at >= ?", (since,)
        )
        escalations = await self.query(
            "SELECT reason, COUNT(*) AS n FROM escalations WHERE created_at >= ? AND state = 'queued' "
            "GROUP BY reason", (since,),
        )
        return {
            "sessions_by_language": {r["resident_lang"]: r["n"] for r in by_lang},
            "mean_session_s": durations[0][0],
            "utterances": utterances[0][0],
            "mean_confidence": utterances[0][1],
            "escalations_by_reason": {r["reason"] or "": r["n"] for r in escalations},
        }


def _event_statements(session_id: str, seq: int, kind: str, body: str, extra: Rows | None) -> Statements:
    return [("INSERT INTO events VALUES (?,?,?,?,?)", (session_id, seq, kind, body, time.time())), *(extra or [])]


