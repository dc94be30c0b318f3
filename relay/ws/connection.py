"""One websocket connection: hello, then a reader, a writer and the turn worker in one TaskGroup.

Errors come in three tiers. A client mistake raises ``ProtocolError``: the client gets ``error`` with a
stable code and the connection stays (unless the mistake is fatal: authentication, protocol version,
abuse). An engine failure is reported by the turn pipeline with an offer to escalate. Anything else is a
bug: it is logged with its traceback and the socket is closed with 1011.

Overflow policy of the outbound queue: a client that falls ``relay.outbound_queue`` live messages behind
is closed with 4431 (after its ``welcome``, never before); nothing is lost because it reconnects with
``resume_after`` and is replayed from the store. A replay is paced by the client's reading, so a backlog
of any size fits, and it leaves a quarter of the queue free for live messages (which never wait), so a
client catching up is not closed by the hand-off or a queue update that arrives meanwhile. A client that does not even read its close frame is cut off after
``CLOSE_TIMEOUT_S``, so a stuck socket never keeps its slot. Typed turns wait in a queue of
``MAX_PENDING_TURNS``; beyond that a ``text`` gets ``rate_limited``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from relay.context import RelayContext
from relay.escalation.queue.events import QueueError
from relay.storage.auth import Principal
from relay.storage.store import StoreUnavailable
from relay.turns.session import Session
from relay.turns.streams import RecognitionStream
from relay.wire.protocol import (
    CLIENT_TYPES,
    PROTOCOL_VERSION,
    CloseCode,
    ErrorCode,
    Hello,
    LiveEnd,
    LiveStart,
    Message,
    ProtocolError,
    audio_frame,
    decode,
    encode,
    error_message,
    store_unavailable,
)
from relay.ws import handlers, sign_in, speech_input
from relay.ws.audio_input import AudioRateLimiter, check_frame
from relay.ws.client import Turn

log = logging.getLogger("madoguchi.connection")

MAX_PENDING_TURNS = 16
CLOSE_TIMEOUT_S = 3.0  # a client that does not take its close frame within this is cut off
_CLOSE = object()


class Connection:
    def __init__(self, ws: web.WebSocketResponse, ctx: RelayContext, request: web.Request) -> None:
        self.ws = ws
        self.ctx = ctx
        self.request = request
        self.id = "c_" + secrets.token_hex(4)
        self.role = "unknown"
        self.principal: Principal | None = None
        self.session: Session | None = None
        self.operator_serving: str | None = None  # an operator's session when it said hello
        self.outbound: asyncio.Queue[Any] = asyncio.Queue(ctx.settings.relay.outbound_queue)
        # paced deliveries (a replay) leave this much of the queue to live messages, which never wait
        self._paced_reserve = max(1, self.outbound.maxsize // 4)
        self._space = asyncio.Event()  # set by the writer whenever it takes a message off the queue
        self.turns: asyncio.Queue[Any] = asyncio.Queue(MAX_PENDING_TURNS)
        self.audio: RecognitionStream | None = None
        self.audio_sink: Callable[[bytes], None] | None = None  # where binary frames go: the recogniser, or the operator's voice
        self.audio_rate = 0
        self.audio_speaker = "auto"
        self._live_heard: set[str] = set()  # operators told of the current stream (live.start sent)
        self._live_stream: int | None = None  # the id heading this microphone's frames to operators
        self.audio_limiter: AudioRateLimiter | None = None
        self.audio_task: asyncio.Task[None] | None = None
        self._tasks: asyncio.TaskGroup | None = None
        self._closing: tuple[int, str] | None = None
        self._closer: asyncio.Task[None] | None = None
        self.welcome_seq = 0  # last_seq told in welcome: the client sees every event after it
        # turns wait until the replay is done, so what they send only to attached clients (speech,
        # engine errors) reaches this one too
        self._attached = asyncio.Event()
        self._errors: list[float] = []

    # ------------------------------------------------------------ delivery (called by sessions)

    def deliver(self, message: Message, text: str) -> None:
        self._enqueue(text)

    def deliver_binary(self, data: bytes) -> None:
        self._enqueue(data)

    def deliver_text(self, text: str) -> None:
        """An already encoded message (relayed from a session's home node)."""
        self._enqueue(text)

    def send(self, message: Message) -> None:
        self._enqueue(encode(message))

    async def deliver_paced(self, text: str) -> None:
        """Wait until the queue has more room than the reserve: a long replay must never fill the queue
        to the brim, or the next live message (a queue update, the hand-off itself) would find it full
        and close a client that is reading as fast as it can."""
        while self._closing is None and self.room() <= self._paced_reserve:
            self._space.clear()
            await self._space.wait()
        if self._closing is None:
            self.outbound.put_nowait(text)

    def room(self) -> int:
        return self.outbound.maxsize - self.outbound.qsize()

    def _enqueue(self, item: str | bytes) -> None:
        if self._closing is not None:
            return
        try:
            self.outbound.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("slow consumer", extra={"session": self.session_id, "role": self.role})
            self.close(CloseCode.SLOW_CONSUMER, "client too slow; reconnect with resume_after")

    def close(self, code: int, reason: str) -> None:
        """Close after what is already queued has been written."""
        if self._closing is None:
            self._closing = (code, reason)
            self._space.set()  # paced deliveries waiting for room give up
            with contextlib.suppress(asyncio.QueueFull):
                self.outbound.put_nowait(_CLOSE)
            if self.outbound.full():  # the writer is stuck behind a full queue: close now
                self._closer = asyncio.get_running_loop().create_task(self._close_or_abort(code, reason))

    async def _close_or_abort(self, code: int, reason: str) -> None:
        """Send the close frame; a peer that does not read it (its buffers full) is cut off."""
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await self.ws.close(code=code, message=reason.encode()[:120])
        except (TimeoutError, ConnectionError, RuntimeError):
            log.warning("connection cut off", extra={"session": self.session_id, "role": self.role})
            transport = self.request.transport
            if transport is not None:
                transport.abort()

    @property
    def session_id(self) -> str | None:
        return self.session.id if self.session else None

    # ------------------------------------------------------------ lifecycle

    async def run(self) -> None:
        self.ctx.add_connection(self)
        try:
            hello = await self._hello()
            if hello is None:
                return
            self.ctx.metrics.connections.labels(self.role).inc()
            try:
                async with asyncio.TaskGroup() as tasks:
                    self._tasks = tasks
                    writer = tasks.create_task(self._writer(), name=f"writer-{self.id}")
                    worker = tasks.create_task(self._turn_worker(), name=f"turns-{self.id}")
                    # the writer runs, so the replay is paced by the client's reading
                    attach = tasks.create_task(self._attach(hello), name=f"attach-{self.id}")
                    await self._reader()
                    attach.cancel()
                    self._attached.set()
                    await self.stop_audio()
                    await self.turns.put(_CLOSE)
                    await worker
                    self.close(*(self._closing or (CloseCode.NORMAL, "bye")))
                    await writer
            finally:
                self.ctx.metrics.connections.labels(self.role).dec()
        except* Exception as group:
            for exc in group.exceptions:
                log.error("connection failed", exc_info=exc, extra={"session": self.session_id})
            await self.ws.close(code=CloseCode.INTERNAL_ERROR, message=b"internal error")
        finally:
            await self._detach()
            self.ctx.remove_connection(self)

    async def _detach(self) -> None:
        await self.stop_audio()
        if self.session is not None:
            self.session.detach(self)
        await self.ctx.escalation.disconnected(self)

    async def _hello(self) -> Hello | None:
        try:
            async with asyncio.timeout(self.ctx.settings.relay.hello_timeout_s):
                raw = await self.ws.receive()
        except TimeoutError:
            await self._refuse(CloseCode.HELLO_TIMEOUT, ErrorCode.HELLO_REQUIRED, "no hello in time")
            return None
        if raw.type != WSMsgType.TEXT:
            await self._refuse(CloseCode.BAD_HELLO, ErrorCode.HELLO_REQUIRED, "the first message must be hello")
            return None
        try:
            message = decode(raw.data)
            if not isinstance(message, Hello):
                raise ProtocolError(ErrorCode.HELLO_REQUIRED, "the first message must be hello",
                                    close_code=CloseCode.BAD_HELLO)
            if message.protocol != PROTOCOL_VERSION:
                raise ProtocolError(ErrorCode.UNSUPPORTED_PROTOCOL,
                                    f"this relay speaks protocol {PROTOCOL_VERSION}",
                                    close_code=CloseCode.PROTOCOL_VERSION)
            welcome = await sign_in.hello(self, message)
        except ProtocolError as exc:
            await self._refuse(exc.close_code or CloseCode.BAD_HELLO, exc.code, exc.message)
            return None
        except StoreUnavailable:
            await self._refuse(CloseCode.TRY_AGAIN_LATER, ErrorCode.STORE_UNAVAILABLE, "the relay cannot store data; retry")
            return None
        self.welcome_seq = welcome.last_seq
        self.send(welcome)
        log.info("connected", extra={"session": self.session_id, "role": self.role,
                                     "resume_after": message.resume_after})
        return message

    async def _attach(self, hello: Hello) -> None:
        await sign_in.after_welcome(self, hello)
        self._attached.set()

    async def _refuse(self, close_code: int, code: str, text: str) -> None:
        self.ctx.metrics.errors.labels(code).inc()
        log.info("refused", extra={"code": code, "close_code": close_code, "peer": self.request.remote})
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.send_str(encode(error_message(ProtocolError(code, text, close_code=close_code))))
        await self.ws.close(code=close_code, message=text.encode()[:120])

    # ------------------------------------------------------------ reading

    async def _reader(self) -> None:
        limit = self.ctx.settings.relay.max_message_bytes
        async for raw in self.ws:
            if raw.type == WSMsgType.TEXT:
                await self._guard(self._on_text, raw.data, limit)
            elif raw.type == WSMsgType.BINARY:
                await self._guard(self._on_binary, raw.data, limit)
            if self._closing is not None:
                break

    async def _guard(self, handler: Any, data: Any, limit: int) -> None:
        try:
            if len(data) > limit:
                raise ProtocolError(ErrorCode.MESSAGE_TOO_LARGE, f"messages are limited to {limit} bytes")
            await handler(data)
        except ProtocolError as exc:
            self.report(exc)
        except StoreUnavailable:
            self.report(store_unavailable())
        except QueueError as exc:  # e.g. queue_unavailable while Redis restarts: the AI goes on
            self.report(ProtocolError(exc.code, str(exc)))

    def report(self, exc: ProtocolError, ref: str | None = None) -> None:
        self.ctx.metrics.errors.labels(exc.code).inc()
        self.send(error_message(exc, ref))
        if exc.close_code is not None:
            self.close(exc.close_code, exc.message)
            return
        if exc.code == ErrorCode.STORE_UNAVAILABLE:
            return  # the relay's fault, not the client's: never counted as abuse
        now = time.monotonic()
        self._errors = [t for t in self._errors if now - t < 60] + [now]
        if len(self._errors) > self.ctx.settings.relay.error_limit:
            self.close(CloseCode.ABUSE, "too many errors")

    async def _on_text(self, data: str) -> None:
        message = decode(data)
        self.ctx.metrics.messages_in.labels(message.TYPE if message.TYPE in CLIENT_TYPES else "other").inc()
        try:
            await handlers.dispatch(self, message)
        except ProtocolError as exc:
            if exc.client_id is None:  # name the typed text it is about, so the client knows which one
                exc.client_id = getattr(message, "client_id", None)
            self.report(exc, message.TYPE)

    async def _on_binary(self, data: bytes) -> None:
        if self.audio_sink is None or self.audio_limiter is None:
            raise ProtocolError(ErrorCode.AUDIO_NOT_STARTED, "send audio.start before audio frames")
        check_frame(data)
        self.audio_limiter.admit(len(data))
        self.audio_sink(data)
        if self.role != "operator" and self.session is not None and self.session.operator_id:
            self._live_to_operators(data)

    def _live_to_operators(self, pcm: bytes) -> None:
        """The serving interpreter hears both sides of the counter, live."""
        assert self.session is not None
        if self._live_stream is None:
            self._live_stream = self.session.new_stream_id()
        frame = audio_frame(self._live_stream, pcm)
        for participant in list(self.session.participants):
            if participant.role != "operator":
                continue
            if participant.id not in self._live_heard:
                self._live_heard.add(participant.id)
                start = LiveStart(speaker=self.audio_speaker, sample_rate=self.audio_rate, stream=self._live_stream)
                participant.deliver(start, encode(start))
            participant.deliver_binary(frame)

    def _live_stopped(self) -> None:
        if self._live_heard and self.session is not None and self._live_stream is not None:
            end = LiveEnd(speaker=self.audio_speaker, stream=self._live_stream)
            for participant in list(self.session.participants):
                if participant.id in self._live_heard:
                    participant.deliver(end, encode(end))
        self._live_heard = set()
        self._live_stream = None

    # ------------------------------------------------------------ audio and turns

    def start_audio(self, stream: RecognitionStream, speaker: str, limiter: AudioRateLimiter,
                    sample_rate: int) -> None:
        assert self._tasks is not None
        self.audio, self.audio_speaker, self.audio_limiter = stream, speaker, limiter
        self.audio_sink, self.audio_rate = stream.push, sample_rate
        self.audio_task = self._tasks.create_task(speech_input.consume_recognition(self, stream, speaker))

    def start_operator_audio(self, sample_rate: int) -> None:
        if self.audio_sink is not None:
            raise ProtocolError(ErrorCode.AUDIO_ALREADY_STARTED, "audio.stop the current stream first")
        relay = self.ctx.settings.relay
        self.audio_limiter = AudioRateLimiter(sample_rate, relay.max_audio_rate, relay.audio_rate_window_s)
        self.audio_sink = lambda pcm: self.ctx.escalation.operator_voice(self, pcm)
        self.audio_rate = sample_rate

    def stop_operator_audio(self) -> bool:
        was_on = self.audio_sink is not None
        self.audio_sink = self.audio_limiter = None
        return was_on

    async def stop_audio(self) -> None:
        """audio.stop: the current utterance is finished, its final transcript still comes."""
        stream, task = self.audio, self.audio_task
        self.audio = self.audio_limiter = self.audio_sink = None
        self.audio_task = None
        self._live_stopped()
        if stream is not None:
            stream.end_input()
        if task is not None:
            await task

    def queue_turn(self, job: Turn) -> None:
        try:
            self.turns.put_nowait(job)
        except asyncio.QueueFull:
            raise ProtocolError(ErrorCode.RATE_LIMITED, "too many turns waiting; slow down") from None

    async def _turn_worker(self) -> None:
        await self._attached.wait()
        while (job := await self.turns.get()) is not _CLOSE:
            try:
                await job()
            except StoreUnavailable:
                # nothing of the turn was stored or sent: the client still has it and resends it
                self.report(store_unavailable(), "text")

    # ------------------------------------------------------------ writing

    async def _writer(self) -> None:
        try:
            while (item := await self.outbound.get()) is not _CLOSE:
                self._space.set()
                if isinstance(item, bytes):
                    await self.ws.send_bytes(item)
                else:
                    await self.ws.send_str(item)
        except (ConnectionError, RuntimeError):
            pass  # the peer went away; the reader ends on its own
        code, reason = self._closing or (CloseCode.NORMAL, "")
        await self._close_or_abort(code, reason)
