"""The relay's shared state, held by the aiohttp application under one typed key."""

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
from relay.turns.conversation import Conversation, Participant, SessionHub
from relay.turns.pipeline import TurnPipeline
from relay.wire.protocol import CloseCode, Message


class LiveConnection(Participant, Protocol):
    """What the relay outside ``relay.ws`` needs of one open websocket (``relay.ws.connection.Connection``):
    who it is, its session, and how to send to it or close it. Typed here, below the websocket layer,
    so that nothing below ``relay.ws`` imports it."""

    principal: Principal | None
    conversation: Conversation | None

    @property
    def session_id(self) -> str | None: ...

    def send(self, message: Message) -> None: ...

    def deliver_text(self, text: str) -> None:
        """An already encoded message (relayed from a session's home node)."""

    def close(self, code: int, reason: str) -> None: ...

    def start_operator_audio(self, sample_rate: int) -> None: ...

    def stop_operator_audio(self) -> bool: ...


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
    escalation: Any = None  # relay.escalation.EscalationService once the queue is wired
    shutting_down: bool = False
    background: list[asyncio.Task[Any]] = field(default_factory=list)  # purge, phrasebook pre-synthesis
    drained: asyncio.Event = field(default_factory=asyncio.Event)  # set while no connection is open
    limits: RelayLimits = field(default_factory=RelayLimits)  # rate limits that survive reconnects
    video_allowed: set[str] = field(default_factory=set)  # sessions whose clerk lets the resident's phone join video

    def add_connection(self, connection: LiveConnection) -> None:
        self.connections.add(connection)
        self.drained.clear()

    def remove_connection(self, connection: LiveConnection) -> None:
        self.connections.discard(connection)
        if not self.connections:
            self.drained.set()

    async def close_conversation(self, conversation: Any, reason: str) -> None:
        """End a session for everyone: the queue forgets it, participants get session.closed, sockets close."""
        if self.escalation is not None:
            await self.escalation.session_closing(conversation)
        await conversation.close(reason)
        for participant in list(conversation.participants):
            if hasattr(participant, "ws"):
                participant.close(CloseCode.NORMAL, "session closed")
        self.hub.forget(conversation.id)
        self.video_allowed.discard(conversation.id)

    def supported_languages(self) -> list[str]:
        return list(self.settings.relay.languages)


CONTEXT = web.AppKey("madoguchi", RelayContext)
