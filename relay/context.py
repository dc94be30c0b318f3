"""The relay's shared state, held by the aiohttp application under one typed key, and the seams between
the layers that share it: ``LiveConnection`` (what the layers below ``relay.ws`` know of a websocket) and
``Escalation`` (what the websocket handlers, the HTTP API and the turn pipeline ask of the operator queue,
``relay.escalation.service.EscalationService``), with ``NoEscalation``, its do-nothing stand-in while no
queue runs, as ``pipelines.base.MissingEngine`` is for engines."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from pipelines.base import Engines
from relay.runtime.metrics import RelayMetrics
from relay.runtime.rate_limits import RelayLimits
from relay.settings import AppSettings
from relay.storage.auth import Authenticator, Principal
from relay.storage.store import Store
from relay.turns.bridge import Bridge
from relay.turns.pipeline import TurnObserver, TurnPipeline, Utterance
from relay.turns.session import Participant, Session, SessionHub
from relay.wire.codes import ErrorCode
from relay.wire.protocol import AudioStart, CloseCode, Escalate, Message, ProtocolError, Text


class LiveConnection(Participant, Protocol):
    """What the relay outside ``relay.ws`` needs of one open websocket (``relay.ws.connection.Connection``):
    who it is, its session, and how to send to it or close it. Typed here, below the websocket layer,
    so that nothing below ``relay.ws`` imports it."""

    principal: Principal | None
    session: Session | None

    @property
    def session_id(self) -> str | None: ...

    def send(self, message: Message) -> None: ...

    def deliver_text(self, text: str) -> None:
        """An already encoded message (relayed from a session's home node)."""

    def close(self, code: int, reason: str) -> None: ...

    def start_operator_audio(self, sample_rate: int) -> None: ...

    def stop_operator_audio(self) -> bool: ...


class Escalation(TurnObserver, Protocol):
    """The operator queue as the rest of the relay sees it (``relay.escalation.service.EscalationService``)."""

    @property
    def backend_name(self) -> str:
        """memory or redis; "none" while no queue runs."""

    @property
    def allow_pick(self) -> bool:
        """Operators may pick any waiting session (else they take the sessions offered to them)."""

    # the counter side
    async def request(self, conn: LiveConnection, session: Session, message: Escalate) -> None: ...
    async def cancel(self, conn: LiveConnection, session: Session) -> None: ...
    async def language_changed(self, session: Session) -> None: ...
    async def counter_connected(self, conn: LiveConnection) -> None: ...
    async def session_closing(self, session: Session) -> None: ...
    async def disconnected(self, conn: LiveConnection) -> None: ...

    # operators
    async def serving(self, operator_id: str) -> str | None:
        """The session this operator serves now, if any."""

    async def operator_connected(self, conn: LiveConnection, serving: str | None, resume_after: int | None) -> None: ...
    async def operator_message(self, conn: LiveConnection, message: Message) -> None: ...
    async def operator_text(self, conn: LiveConnection, message: Text) -> None: ...
    async def operator_audio_start(self, conn: LiveConnection, message: AudioStart) -> None: ...
    async def operator_audio_stop(self, conn: LiveConnection) -> None: ...
    def operator_voice(self, conn: LiveConnection, pcm: bytes) -> None: ...

    def operator_video(self, conn: LiveConnection, signal: str) -> None:
        """An operator's encoded ``video.signal``, to the session it serves (``invalid_state`` if none)."""

    # the HTTP API and metrics
    async def snapshot(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The queue's entries and its operators, as JSON objects."""

    async def service_stats(self) -> dict[str, Any] | None: ...
    async def refresh_metrics(self) -> None: ...


class NoEscalation:
    """Stands in for the operator queue while none runs (before start-up, during shutdown): what the queue
    would be told is dropped, and what a client asks of it is refused with ``invalid_state``."""

    backend_name = "none"
    allow_pick = False

    @staticmethod
    def _refuse() -> ProtocolError:
        return ProtocolError(ErrorCode.INVALID_STATE, "no operator queue is configured on this relay")

    async def observe(self, session: Session, utterance: Utterance, confidences: dict[str, float]) -> None:
        return None

    async def on_trouble(self, session: Session, reason: str, figures: dict[str, Any]) -> None:
        return None

    async def request(self, conn: LiveConnection, session: Session, message: Escalate) -> None:
        raise self._refuse()

    async def cancel(self, conn: LiveConnection, session: Session) -> None:
        raise self._refuse()

    async def language_changed(self, session: Session) -> None:
        return None

    async def counter_connected(self, conn: LiveConnection) -> None:
        return None

    async def session_closing(self, session: Session) -> None:
        return None

    async def disconnected(self, conn: LiveConnection) -> None:
        return None

    async def serving(self, operator_id: str) -> str | None:
        return None

    async def operator_connected(self, conn: LiveConnection, serving: str | None, resume_after: int | None) -> None:
        return None

    async def operator_message(self, conn: LiveConnection, message: Message) -> None:
        raise self._refuse()

    async def operator_text(self, conn: LiveConnection, message: Text) -> None:
        raise self._refuse()

    async def operator_audio_start(self, conn: LiveConnection, message: AudioStart) -> None:
        raise self._refuse()

    async def operator_audio_stop(self, conn: LiveConnection) -> None:
        raise self._refuse()

    def operator_voice(self, conn: LiveConnection, pcm: bytes) -> None:
        return None

    def operator_video(self, conn: LiveConnection, signal: str) -> None:
        raise ProtocolError(ErrorCode.INVALID_STATE, "not serving a session")

    async def snapshot(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return [], []

    async def service_stats(self) -> dict[str, Any] | None:
        return None

    async def refresh_metrics(self) -> None:
        return None


class EscalationSlot:
    """Where the operator queue is plugged in (``relay.escalation.factory``) while it runs; ``NoEscalation``
    before and after. The turn pipeline is given the slot as its ``TurnObserver`` when it is built, and
    ``RelayContext.escalation`` reads it: the one place the running service is set."""

    def __init__(self) -> None:
        self.service: Escalation = NoEscalation()

    def plug(self, service: Escalation) -> None:
        self.service = service

    def unplug(self) -> None:
        self.service = NoEscalation()

    async def observe(self, session: Session, utterance: Utterance, confidences: dict[str, float]) -> None:
        await self.service.observe(session, utterance, confidences)

    async def on_trouble(self, session: Session, reason: str, figures: dict[str, Any]) -> None:
        await self.service.on_trouble(session, reason, figures)


@dataclass
class RelayContext:
    settings: AppSettings
    engines: Engines
    store: Store
    hub: SessionHub
    auth: Authenticator
    bridge: Bridge
    metrics: RelayMetrics
    pipeline: TurnPipeline
    connections: set[LiveConnection] = field(default_factory=set)
    escalation_slot: EscalationSlot = field(default_factory=EscalationSlot)  # the pipeline's observer too
    shutting_down: bool = False
    background: list[asyncio.Task[Any]] = field(default_factory=list)  # purge, phrasebook pre-synthesis
    drained: asyncio.Event = field(default_factory=asyncio.Event)  # set while no connection is open
    limits: RelayLimits = field(default_factory=RelayLimits)  # rate limits that survive reconnects
    video_allowed: set[str] = field(default_factory=set)  # sessions whose clerk lets the resident's phone join video

    @property
    def escalation(self) -> Escalation:
        """The operator queue while it runs, else the stand-in that refuses requests."""
        return self.escalation_slot.service

    def add_connection(self, connection: LiveConnection) -> None:
        self.connections.add(connection)
        self.drained.clear()

    def remove_connection(self, connection: LiveConnection) -> None:
        self.connections.discard(connection)
        if not self.connections:
            self.drained.set()

    async def close_session(self, session: Session, reason: str) -> None:
        """End a session for everyone: the queue forgets it, participants get session.closed, the sockets
        of this node attached to it close (an operator elsewhere is told through the queue)."""
        await self.escalation.session_closing(session)
        await session.close(reason)
        for connection in list(self.connections):
            if connection in session.participants:
                connection.close(CloseCode.NORMAL, "session closed")
        self.hub.forget(session.id)
        self.video_allowed.discard(session.id)

    def supported_languages(self) -> list[str]:
        return list(self.settings.relay.languages)


CONTEXT = web.AppKey("madoguchi", RelayContext)
