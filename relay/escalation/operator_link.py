"""The session channel between a session's home node and the node its operator is connected to.

One code path for one node and many: the home node attaches a ``RemoteOperator`` participant to the
session, which forwards every event and the live audio to the session channel of the queue
backend (a local fan-out in-process, Redis pub/sub across nodes); the operator's node runs an
``OperatorLink`` that relays them to the operator console and sends the operator's commands (text,
voice, corrections) back. Payloads are tagged by their first byte:

- ``E`` + join nonce + JSON: a message for the operator (home → operator node)
- ``B`` + join nonce + PCM: live audio for the operator (home → operator node)
- ``C`` + JSON: a command from the operator (operator node → home)
- ``V`` + PCM: the operator's voice (operator node → home)
- ``R``: the home node restarted and asks the operator's node to join again (home → operator node)

Every ``join`` carries a fresh nonce, and the home tags what it sends for that join with it: a link
takes only what belongs to its current join, so leftovers of an earlier join (an operator reconnecting,
a home restart) can never interleave with the replay and the live stream of the new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from relay.context import LiveConnection
from relay.escalation.queue import QueueBackend
from relay.escalation.queue.events import QueueUnavailable
from relay.runtime.supervision import stop_all
from relay.turns.session import Session
from relay.wire.protocol import Message

log = logging.getLogger("madoguchi.operator_link")

EVENT, BINARY, COMMAND, VOICE, REJOIN = b"E", b"B", b"C", b"V", b"R"
OUTBOUND_LIMIT = 4096
STOP_TIMEOUT_S = 2.0
_STOP = b""  # never a real payload: every payload starts with its tag
NONCE_BYTES = 8


class _Pump:
    """Publishes payloads in order from a bounded queue (a channel that cannot keep up drops audio
    first: events are small and must arrive)."""

    def __init__(self, publish: Callable[[bytes], Awaitable[None]], name: str) -> None:
        self._publish = publish
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(OUTBOUND_LIMIT)
        self._task = asyncio.create_task(self._run(), name=name)

    async def put_paced(self, payload: bytes) -> None:
        await self._queue.put(payload)

    def room(self) -> int:
        return self._queue.maxsize - self._queue.qsize()

    def put(self, payload: bytes) -> None:
        try:
            self._queue.put_nowait(payload)
        except asyncio.QueueFull:
            if payload[:1] not in (BINARY, VOICE):
                log.error("session channel overflow: event dropped")

    async def _run(self) -> None:
        while (payload := await self._queue.get()) is not _STOP:
            try:
                await self._publish(payload)
            except Exception:
                log.exception("session channel publish failed")

    async def drain_and_stop(self) -> None:
        """Publish what is queued, then stop. Not by cancelling a publish in flight: the Redis client
        may absorb that cancellation, and a task awaited after it would never end."""
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_STOP)
        try:
            async with asyncio.timeout(STOP_TIMEOUT_S):
                await asyncio.shield(self._task)
        except TimeoutError:
            log.warning("session channel did not drain in time; dropping the rest")
            self._task.cancel()


class RemoteOperator:
    """Participant of a session on its home node, standing for an operator on any node."""

    role = "operator"

    def __init__(self, operator_id: str, nonce: bytes, publish: Callable[[bytes], Awaitable[None]]) -> None:
        self.id = f"op:{operator_id}"
        self.operator_id = operator_id
        self._nonce = nonce
        self._pump = _Pump(publish, f"operator-out-{operator_id}")

    def deliver(self, message: Message, text: str) -> None:
        self._pump.put(EVENT + self._nonce + text.encode("utf-8"))

    def deliver_binary(self, data: bytes) -> None:
        self._pump.put(BINARY + self._nonce + data)

    async def deliver_paced(self, text: str) -> None:
        await self._pump.put_paced(EVENT + self._nonce + text.encode("utf-8"))

    def room(self) -> int:
        return self._pump.room()

    async def close(self) -> None:
        await self._pump.drain_and_stop()


class ChannelClosed(QueueUnavailable):
    """A session channel's listener ended before its subscription was live: it was closed meanwhile (the
    operator's console went away while its call was being connected) or subscribing failed (Redis away)."""


CommandHandler = Callable[[dict[str, Any]], Awaitable[None]]
VoiceHandler = Callable[[bytes], None]


class ChannelListener:
    """Reads one session channel and hands each payload of the wanted tags to a callback."""

    def __init__(self, backend: QueueBackend, session_id: str, handle: Callable[[bytes], Awaitable[None]],
                 tags: tuple[bytes, ...]) -> None:
        self.session_id = session_id
        self._backend = backend
        self._handle = handle
        self._tags = tags
        self._ready = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"channel-{session_id}")

    async def ready(self) -> None:
        """Returns once the subscription is live (payloads published after this are received); raises
        ``ChannelClosed`` if the listener ended first, which waiting for it would never see (that wait
        once held a node's queue notifications for good: no operator there was offered a call again)."""
        live = asyncio.ensure_future(self._ready.wait())
        try:
            await asyncio.wait((live, self._task), return_when=asyncio.FIRST_COMPLETED)
        finally:
            live.cancel()
        if not self._ready.is_set():
            raise ChannelClosed(f"the channel of session {self.session_id} closed before it was live")

    async def _run(self) -> None:
        async with self._backend.subscribe_session(self.session_id) as subscription:
            self._ready.set()
            async for payload in subscription:
                data = payload if isinstance(payload, bytes) else payload.encode("utf-8")
                if data[:1] in self._tags:
                    try:
                        await self._handle(data)
                    except Exception:
                        log.exception("session channel handler failed", extra={"session": self.session_id})

    async def close(self) -> None:
        await stop_all([self._task], timeout_s=STOP_TIMEOUT_S)  # its unsubscribe may lose a cancellation


class OperatorLink:
    """On the operator's node: one operator connection serving one session, possibly homed elsewhere."""

    def __init__(self, backend: QueueBackend, connection: LiveConnection, session_id: str, operator_id: str) -> None:
        self.backend = backend
        self.connection = connection
        self.session_id = session_id
        self.operator_id = operator_id
        self.last_seq = 0  # of the events forwarded, to resume from after a home-node restart
        self.nonce = b""
        self._listener = ChannelListener(backend, session_id, self._from_home, (EVENT, BINARY, REJOIN))
        self._out = _Pump(lambda p: backend.publish_session_event(session_id, p), f"operator-in-{operator_id}")

    async def join(self, resume_after: int) -> None:
        await self._listener.ready()
        self._rejoin(resume_after)

    def _rejoin(self, resume_after: int) -> None:
        self.nonce = secrets.token_hex(NONCE_BYTES // 2).encode("ascii")
        self.last_seq = resume_after
        self.command({"op": "join", "resume_after": resume_after, "nonce": self.nonce.decode("ascii")})

    async def _from_home(self, data: bytes) -> None:
        tag = data[:1]
        if tag == REJOIN:
            self._rejoin(self.last_seq)
            return
        if data[1:1 + NONCE_BYTES] != self.nonce:
            return  # sent for an earlier join of this operator: what matters is replayed for this one
        body = data[1 + NONCE_BYTES:]
        if tag == EVENT:
            text = body.decode("utf-8")
            seq = json.loads(text).get("seq") if '"seq":' in text else None
            if isinstance(seq, int):
                if seq <= self.last_seq:
                    return  # already forwarded (a replay after a rejoin overlaps the live stream)
                self.last_seq = seq
                # an event waits for room in the console's queue: a long replay is paced, not cut off
                await self.connection.deliver_paced(text)
                return
            self.connection.deliver_text(text)
        else:
            self.connection.deliver_binary(body)

    def command(self, body: dict[str, Any]) -> None:
        body = {**body, "operator_id": self.operator_id}
        self._out.put(COMMAND + json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def voice(self, pcm: bytes) -> None:
        self._out.put(VOICE + pcm)

    async def close(self) -> None:
        await self._out.drain_and_stop()
        await self._listener.close()


class HomeLink:
    """On a session's home node: listens for its operator's commands and voice, and attaches the
    ``RemoteOperator`` that carries the session to the operator's node."""

    def __init__(self, backend: QueueBackend, session: Session,
                 on_command: Callable[[Session, dict[str, Any]], Awaitable[None]],
                 on_voice: Callable[[Session, bytes], None]) -> None:
        self.backend = backend
        self.session = session
        self.remote: RemoteOperator | None = None
        self._on_command, self._on_voice = on_command, on_voice
        self._listener = ChannelListener(backend, session.id, self._from_operator, (COMMAND, VOICE))

    async def ready(self) -> None:
        await self._listener.ready()

    async def ask_to_rejoin(self) -> None:
        """After a restart of this node: the operator's node does not know its participant is gone."""
        await self.backend.publish_session_event(self.session.id, REJOIN)

    async def _from_operator(self, data: bytes) -> None:
        if data[:1] == VOICE:
            self._on_voice(self.session, data[1:])
            return
        command = json.loads(data[1:])
        if command.get("op") == "join":
            nonce = str(command.get("nonce", "")).encode("ascii")[:NONCE_BYTES].ljust(NONCE_BYTES, b"-")
            await self.attach(command["operator_id"], int(command.get("resume_after", 0)), nonce)
        else:
            await self._on_command(self.session, command)

    async def attach(self, operator_id: str, resume_after: int, nonce: bytes) -> None:
        await self.detach()
        self.remote = RemoteOperator(
            operator_id, nonce, lambda p: self.backend.publish_session_event(self.session.id, p)
        )
        await self.session.attach(self.remote, resume_after)

    async def detach(self) -> None:
        if self.remote is not None:
            self.session.detach(self.remote)
            await self.remote.close()
            self.remote = None

    async def close(self) -> None:
        await self.detach()
        await self._listener.close()
