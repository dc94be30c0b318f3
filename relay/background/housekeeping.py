"""The relay's own periodic work, each loop run under ``supervised`` (a failure is logged and retried).

- ``recheck_tokens``: a staff token revoked elsewhere (the CLI is another process) or a resident token
  that expired closes its open websockets with 4401 within ``relay.token_recheck_s``.
- ``expire_idle_sessions``: an open session nobody has been connected to for
  ``relay.abandoned_after_minutes`` (a tablet's browser closed without 受付終了) is ended as abandoned
  (``reason: abandoned``, audited, counted), and one without an event for ``relay.idle_session_minutes``
  is closed (``reason: expired``), so ``relay.max_sessions``, ``/healthz`` and the dashboard count sessions
  that are really in use — also across restarts, as the count is the store's. Shorter gaps are a
  network blip: the tablet resumes.
- ``probe_store``: while the store cannot write, a small write every few seconds notices when the disk
  is back, so ``/healthz`` says ``ok`` again without anyone having to send something first.
- ``finish_unfinished_turns`` (once, at start-up): an utterance whose translations a crash interrupted
  is completed now; a client that resumes receives the missing events.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from relay.storage.store import StoreUnavailable
from relay.turns.pipeline import Utterance
from relay.wire.protocol import CloseCode

if TYPE_CHECKING:
    from relay.context import RelayContext
    from relay.turns.session import Session

log = logging.getLogger("madoguchi.housekeeping")

STORE_PROBE_S = 2.0


async def recheck_tokens(ctx: RelayContext) -> None:
    interval = ctx.settings.relay.token_recheck_s
    while interval > 0:
        await asyncio.sleep(interval)
        await close_revoked(ctx)


async def close_revoked(ctx: RelayContext) -> None:
    staff = {c.principal.id: c for c in ctx.connections if c.principal is not None and c.principal.role != "resident"}
    revoked = await ctx.store.revoked_token_ids(list(staff))
    now = time.time()
    for conn in list(ctx.connections):
        principal = conn.principal
        if principal is None:
            continue
        if principal.role == "resident":
            record = conn.session.record if conn.session is not None else None
            expired = record is None or (record.resident_token_expires or now + 1) < now
            if not expired:
                continue
        elif principal.id not in revoked:
            continue
        log.info("token no longer valid: closing its socket", extra={"actor": principal.actor})
        conn.close(CloseCode.UNAUTHORIZED, "token revoked or expired")


async def expire_idle_sessions(ctx: RelayContext) -> None:
    limits = [m * 60 for m in (ctx.settings.relay.abandoned_after_minutes, ctx.settings.relay.idle_session_minutes)
              if m > 0]
    while limits:
        await asyncio.sleep(min(60.0, max(0.1, min(limits) / 4)))
        await close_idle(ctx)


async def close_idle(ctx: RelayContext) -> None:
    relay = ctx.settings.relay
    now = time.time()
    connected = {c.session_id for c in ctx.connections}
    for session_id in await ctx.store.open_session_ids():
        if session_id in connected:
            continue
        session = await ctx.hub.get(session_id)
        if session is None or not session.is_open or session.participants:
            continue
        # nobody connected since the last leaver (or since it was made, or its last event before a restart)
        alone_since = max(session.record.created_at, session.left_at, await ctx.store.last_activity(session_id))
        if relay.abandoned_after_minutes > 0 and alone_since < now - relay.abandoned_after_minutes * 60:
            await end_abandoned(ctx, session, now - alone_since)
        elif relay.idle_session_minutes > 0 and alone_since < now - relay.idle_session_minutes * 60:
            log.info("idle session expired", extra={"session": session_id})
            await ctx.close_session(session, "expired")


async def end_abandoned(ctx: RelayContext, session: Session, alone_s: float) -> None:
    """Nobody came back to it: ended, as a clerk's 受付終了 would (the transcript stays), so it no longer
    counts as open nor keeps a place in the interpreters' queue."""
    log.info("abandoned session ended", extra={"session": session.id, "minutes_without_connection": round(alone_s / 60)})
    await ctx.store.audit("relay", "session.abandoned", session=session.id, minutes=round(alone_s / 60, 1))
    ctx.metrics.sessions_abandoned.inc()
    await ctx.close_session(session, "abandoned")


async def probe_store(ctx: RelayContext) -> None:
    while True:
        await asyncio.sleep(STORE_PROBE_S)
        if not ctx.store.healthy and await ctx.store.probe():
            log.warning("store writable again")


async def finish_unfinished_turns(ctx: RelayContext) -> None:
    for row in await ctx.store.unfinished_turns():
        session = await ctx.hub.get(row["session_id"])
        if session is None or not session.is_open:
            await ctx.store.finish_turn(row["id"])
            continue
        utterance = Utterance(speaker=row["speaker"], lang=row["lang"], text=row["text"],
                              confidence=row["confidence"], source=row["source"], utterance_id=row["id"])
        done = frozenset(await ctx.store.translation_kinds(row["id"]))
        log.info("finishing a turn interrupted by a restart", extra={"session": session.id,
                                                                      "utterance": row["id"]})
        try:
            await ctx.pipeline.complete(session, utterance, done=done)
        except StoreUnavailable:
            return  # still unfinished: tried again at the next start
