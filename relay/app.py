"""The aiohttp application: ``create_app(settings, engines)``.

Models and the store are opened in ``cleanup_ctx`` (and closed there, after the sockets); shutdown
closes every websocket with 1001 so the tablets reconnect to the restarted relay and resume.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiohttp import web

from pipelines.asr.config import AsrConfig, decode_slots
from pipelines.base import Engines
from relay.background import housekeeping
from relay.background.presynthesis import presynthesize_phrasebook
from relay.context import CONTEXT, EscalationSlot, RelayContext
from relay.engines.loading import editable_glossary_path, load_relay_engines
from relay.http import security as web_security
from relay.http.admin import add_admin_routes
from relay.http.api import add_routes, api_error
from relay.http.glossary import add_glossary_routes
from relay.http.join import add_join_routes
from relay.http.pages import add_page_routes
from relay.runtime import serving
from relay.runtime.metrics import RelayMetrics
from relay.runtime.rate_limits import RelayLimits
from relay.runtime.supervision import stop_all, supervised
from relay.settings import AppSettings
from relay.storage.auth import Authenticator
from relay.storage.privacy import mask_personal_numbers
from relay.storage.store import Store
from relay.turns.bridge import Bridge
from relay.turns.pipeline import TurnPipeline
from relay.turns.session import SessionHub
from relay.turns.speech import SpeechQueue
from relay.wire.protocol import CloseCode, ErrorCode
from relay.ws import video
from relay.ws.connection import Connection

log = logging.getLogger("madoguchi.app")

PURGE_INTERVAL_S = 24 * 3600


SETTINGS_KEY = web.AppKey("settings", AppSettings)
# what create_app was given; None: loaded (engines) or opened (store) at start-up in cleanup_ctx
ENGINES_KEY: web.AppKey[Engines | None] = web.AppKey("engines")
STORE_KEY: web.AppKey[Store | None] = web.AppKey("store")


def create_app(settings: AppSettings, engines: Engines | None = None, *, store: Store | None = None) -> web.Application:
    """The relay. ``engines`` None loads the installed models at start-up (in ``cleanup_ctx``)."""
    app = web.Application(client_max_size=1024 * 1024)
    web_security.install(app)
    app[SETTINGS_KEY] = settings
    app[ENGINES_KEY] = engines
    app[STORE_KEY] = store
    app.cleanup_ctx.append(_relay_context)
    app.on_shutdown.append(_close_websockets)
    add_routes(app)
    add_glossary_routes(app)
    add_admin_routes(app)
    add_join_routes(app)
    app.router.add_get("/ws", websocket)
    add_page_routes(app)
    return app


def _bridge_limits(settings: AppSettings) -> dict[str, int]:
    limits = {"asr": 2, "mt": 2, "tts": 2, "easy_japanese": 4}
    asr = settings.section("asr")
    if isinstance(asr, AsrConfig):  # the decodes the model runs at once (by default by the node's cores)
        limits["asr"] = decode_slots(asr)
    for section in ("mt", "tts"):
        value = getattr(settings.section(section), "max_concurrent", None)
        if isinstance(value, int) and value > 0:
            limits[section] = value
    for section in ("asr", "mt"):  # the calls that gather into each batch wait in their own threads
        limits[section] *= _batch_size(settings, section)
    return limits


def _bridge_nice(settings: AppSettings) -> dict[str, int]:
    """Speech synthesis at the lower CPU priority of ``[tts] nice`` (``relay.turns.bridge``)."""
    nice = getattr(settings.section("tts"), "nice", 0)
    return {"tts": nice} if isinstance(nice, int) and nice > 0 else {}


def _batch_size(settings: AppSettings, section: str) -> int:
    batch = getattr(settings.section(section), "batch_size", 1)
    return batch if isinstance(batch, int) and batch > 1 else 1


def _tts_rates(settings: AppSettings) -> dict[str, float]:
    """Speaking rate by translation kind: ``[tts] rate_easy_japanese`` for やさしい日本語, else
    ``rate_translation``."""
    tts = settings.section("tts")
    if tts is None:
        return {}
    return {kind: float(tts.rate_for(kind)) for kind in ("translation", "phrasebook", "operator", "easy_japanese")}


async def _relay_context(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS_KEY]
    given = app[STORE_KEY]
    metrics = RelayMetrics()
    store = given if given is not None else Store.configured(
        settings.store, checkpoint_failed=lambda: metrics.background_failures.labels("store-checkpoint").inc(),
        lock_timed_out=metrics.store_lock_timeouts.inc)
    await store.open()
    engines = app[ENGINES_KEY]
    if engines is None:
        engines = await asyncio.to_thread(load_relay_engines, settings)
    else:
        await asyncio.to_thread(editable_glossary_path, settings)  # the admin API edits it
    # each model gets a thread for every call its limit allows (batched decodes wait for each other in them)
    bridge = Bridge(_bridge_limits(settings), timeout_s=settings.relay.engine_timeout_s,
                    nice=_bridge_nice(settings))
    mask = mask_personal_numbers if settings.store.mask_personal_numbers else None
    escalation = EscalationSlot()  # NoEscalation until the operator queue runs
    pipeline = TurnPipeline(engines, bridge, metrics, observer=escalation,
                            back_translation=settings.relay.back_translation,
                            mask_numbers=mask is not None, tts_rates=_tts_rates(settings),
                            translate_at_pause=settings.relay.translate_at_pause)
    ctx = RelayContext(settings=settings, engines=engines, store=store,
                       hub=SessionHub(store, settings.relay.resident_token_hours, mask=mask,
                                      new_speech_queue=functools.partial(
                                          SpeechQueue, limit=settings.relay.speech_backlog,
                                          failures=metrics.background_failures)),
                       auth=Authenticator(store), bridge=bridge, metrics=metrics, pipeline=pipeline,
                       escalation_slot=escalation, limits=RelayLimits.from_settings(settings.relay))
    app[CONTEXT] = ctx
    for name, status in engines.statuses().items():
        log.info("engine", extra={"engine": name, "ready": status.ready, "detail": status.detail})
    escalation_cm = _escalation_service(ctx)
    await escalation_cm.__aenter__()
    background = _background_tasks(ctx)
    ctx.background = background
    try:
        yield
    finally:
        await stop_all(background)
        await ctx.hub.stop_speech()
        await escalation_cm.__aexit__(None, None, None)
        bridge.close()
        await store.close()
        log.info("store closed", extra={"path": settings.store.path})


def _background_tasks(ctx: RelayContext) -> list[asyncio.Task[None]]:
    failures = ctx.metrics.background_failures
    loops = {"purge": _purge_periodically, "token-recheck": housekeeping.recheck_tokens,
             "idle-sessions": housekeeping.expire_idle_sessions, "store-probe": housekeeping.probe_store}
    tasks = [supervised(name, functools.partial(run, ctx), failures=failures) for name, run in loops.items()]
    for name, once in (("presynthesis", presynthesize_phrasebook), ("finish-turns", housekeeping.finish_unfinished_turns)):
        tasks.append(supervised(name, functools.partial(once, ctx), restart=False, failures=failures))
    return tasks


def _escalation_service(ctx: RelayContext) -> contextlib.AbstractAsyncContextManager[None]:
    """The operator queue, when this build has it (relay.escalation.service)."""
    try:
        from relay.escalation.factory import escalation_service
    except ImportError:
        return contextlib.nullcontext()
    return escalation_service(ctx, functools.partial(video.from_operator, ctx))


async def _purge_periodically(ctx: RelayContext) -> None:
    days = ctx.settings.store.retention_days
    if days <= 0:
        return
    while True:
        removed = await ctx.store.purge_older_than(days)
        if removed:
            log.info("retention purge", extra={"sessions_removed": removed, "retention_days": days})
        await asyncio.sleep(PURGE_INTERVAL_S)


async def _close_websockets(app: web.Application) -> None:
    ctx = app.get(CONTEXT)
    if ctx is None:
        return
    ctx.shutting_down = True
    connections = list(ctx.connections)
    for connection in connections:
        connection.close(CloseCode.GOING_AWAY, "server shutting down")
    if connections:
        log.info("closing websockets", extra={"count": len(connections)})
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ctx.settings.server.shutdown_timeout_s):
                await ctx.drained.wait()


def origin_allowed(request: web.Request, allowed: list[str]) -> bool:
    """Browsers always send Origin on a websocket; other clients (tests, tools) may omit it."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin in allowed:
        return True
    return urlsplit(origin).netloc == request.host


async def websocket(request: web.Request) -> web.StreamResponse:
    ctx = request.app[CONTEXT]
    if not origin_allowed(request, ctx.settings.server.allowed_origins):
        raise api_error(403, ErrorCode.FORBIDDEN, "websocket origin not allowed")
    if ctx.shutting_down:
        raise api_error(503, ErrorCode.SHUTTING_DOWN, "the relay is shutting down")
    limit = ctx.settings.relay.max_message_bytes
    # aiohttp's own limit is a hard stop (close 1009); ours, below it, answers with an error instead.
    # No permessage-deflate: its zlib state (~300 KB a connection) fragmented the heap for good (RSS
    # +100 MB over a long fuzz); PCM does not compress and the JSON messages are small.
    ws = web.WebSocketResponse(heartbeat=ctx.settings.relay.heartbeat_s, max_msg_size=limit * 4, compress=False)
    await ws.prepare(request)
    await Connection(ws, ctx, request).run()
    return ws


def keep_collections_short(app: web.Application, settings: AppSettings) -> None:
    """``madoguchi serve``'s garbage-collection policy (``relay.runtime.serving``), told when anyone is
    connected (a full collection runs only when nobody is)."""
    serving.keep_collections_short(app, settings, anyone_connected=lambda: bool(app[CONTEXT].connections),
                                   failures=lambda: app[CONTEXT].metrics.background_failures)
