"""What each queue notification means for the people connected to this node.

The counter's side (queued, position, connected, returned, unavailable, cancelled) becomes session
events — stored, numbered, replayed on resume — on the session's home node. The operator's side (offers,
withdrawn offers, the queue list) goes to the operator's connections on the node they are connected
to. A notification for a session or operator this node does not hold is simply not ours.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from pipelines.base import Translation
from relay.escalation.operator_status import send_status
from relay.escalation.queue import (
    Cancelled,
    Connected,
    EntryQueued,
    Notification,
    OfferMade,
    OfferWithdrawn,
    OperatorStateChanged,
    PeerDisconnected,
    PeerReconnected,
    PositionChanged,
    QueueChanged,
    Returned,
    Unavailable,
)
from relay.escalation.service import EscalationService
from relay.turns.pipeline import Utterance
from relay.turns.session import Session
from relay.wire.protocol import Escalation, LiveEnd, LiveStart, Notice, NoticeCode, Queue, audio_frame

VideoForwarder = Callable[[Session, dict[str, Any]], None]

log = logging.getLogger("madoguchi.escalation")

COUNTER_SIDE = frozenset({"counter", "resident"})
OPERATORS = frozenset({"operator"})


class NotificationHandler:
    """The service's ``OperatorEvents``. ``on_operator_video`` forwards an operator's video signal to the
    session (``relay.ws.video.from_operator``, passed in by the app: the websocket layer sits above this one)."""

    def __init__(self, service: EscalationService, on_operator_video: VideoForwarder) -> None:
        self.service = service
        self.ctx = service.ctx
        self.on_operator_video = on_operator_video

    async def on_operator_command(self, session: Session, command: dict[str, Any]) -> None:
        await on_operator_command(self.service, session, command, self.on_operator_video)

    def on_operator_voice(self, session: Session, pcm: bytes) -> None:
        on_operator_voice(session, pcm)

    async def run(self) -> None:
        async for note in self.service.backend.notifications():
            try:
                await self.handle(note)
            except Exception:  # one bad notification must not stop the queue for everyone
                log.exception("notification failed", extra={"notification": type(note).__name__})

    async def handle(self, note: Notification) -> None:
        handler = getattr(self, "on_" + type(note).__name__, None)
        if handler is not None:
            await handler(note)

    async def _home(self, session_id: str) -> Session | None:
        session = await self.ctx.hub.get(session_id)
        return session if session is not None and session.is_open else None

    async def _event(self, session_id: str, state: str, reason: str | None = None, **fields: Any) -> None:
        session = await self._home(session_id)
        if session is None:
            return
        await session.publish(lambda seq: Escalation(state=state, seq=seq, reason=reason, **fields))  # type: ignore[arg-type]
        await self.ctx.store.record_escalation(session_id, state, reason, dict(fields))

    def _to_operator(self, operator_id: str, message: Any) -> None:
        for conn in self.service.operators.get(operator_id, ()):
            conn.send(message)

    # ------------------------------------------------------------ the counter's side

    async def on_EntryQueued(self, note: EntryQueued) -> None:
        by = self.service.calling.pop(note.session_id, None)  # whose button, when one called
        await self._event(note.session_id, "queued", note.reason, position=note.position,
                          eta_s=_round(note.eta_s), lang=note.lang, covered=note.covered,
                          **({"by": by} if by else {}))

    async def on_PositionChanged(self, note: PositionChanged) -> None:
        await self._event(note.session_id, "queued", None, position=note.position, eta_s=_round(note.eta_s),
                          covered=note.covered)

    async def on_Unavailable(self, note: Unavailable) -> None:
        await self._event(note.session_id, "unavailable", "no_interpreter_free")

    async def on_Cancelled(self, note: Cancelled) -> None:
        by = self.service.withdrawing.pop(note.session_id, None)
        await self._event(note.session_id, "cancelled", note.why, **({"by": by} if by and note.why == "cancelled" else {}))

    # ------------------------------------------------------------ both sides

    async def on_Connected(self, note: Connected) -> None:
        session = await self._home(note.session_id)
        if session is not None:
            session.operator_id = note.operator_id
            await self.service.home(session)
        if not note.resumed:  # a reconnecting operator reopens its own link (``operator_connected``)
            for conn in list(self.service.operators.get(note.operator_id, ())):
                await self.service.open_link(conn, note.session_id, None)
        if session is not None and not note.resumed:
            # announced last: when the counter (and the operator, through the session) see it, the
            # operator's link is open and its words reach the counter
            await self._event(note.session_id, "connected", None, operator=note.operator_id)
        log.info("operator connected", extra={"session": note.session_id, "operator": note.operator_id,
                                              "resumed": note.resumed})

    async def on_Returned(self, note: Returned) -> None:
        log.info("returned to the AI", extra={"session": note.session_id, "operator": note.operator_id,
                                              "why": note.why, "node": self.service.node_id})
        session = await self._home(note.session_id)
        if session is not None:
            session.operator_id = None
            if note.why not in ("transferred", "operator_lost"):
                await self._event(note.session_id, "returned", note.why, operator=note.operator_id)
                self.service.policy(session).reset()
            link = self.service.homes.get(note.session_id)
            if link is not None:
                await link.detach()
            if note.close_session:
                await self.ctx.close_session(session, "closed by the interpreter")
        for conn in list(self.service.operators.get(note.operator_id, ())):
            serving = self.service.links.get(conn)
            if serving is not None and serving.session_id == note.session_id:
                conn.send(Escalation(state="returned", session_id=note.session_id, reason=note.why))
                await self.service.close_link(conn)

    async def on_PeerDisconnected(self, note: PeerDisconnected) -> None:
        grace = max(0, round(note.grace_until - time.time()))
        if note.who == "operator":
            session = await self._home(note.session_id)
            if session is not None:
                session.send_transient(Notice(code=NoticeCode.OPERATOR_DISCONNECTED,
                                                   message=f"the interpreter's connection dropped; waiting {grace} s"),
                                            lambda p: p.role in COUNTER_SIDE)
        else:
            self._to_operator(note.operator_id, Notice(code=NoticeCode.COUNTER_DISCONNECTED,
                                                       message=f"the counter's connection dropped; waiting {grace} s"))

    async def on_PeerReconnected(self, note: PeerReconnected) -> None:
        if note.who == "operator":
            session = await self._home(note.session_id)
            if session is not None:
                session.send_transient(Notice(code=NoticeCode.OPERATOR_RECONNECTED, message="the interpreter is back"),
                                            lambda p: p.role in COUNTER_SIDE)
        else:
            self._to_operator(note.operator_id, Notice(code=NoticeCode.COUNTER_RECONNECTED, message="the counter is back"))

    # ------------------------------------------------------------ the operators' side

    async def on_OfferMade(self, note: OfferMade) -> None:
        self._to_operator(note.operator_id, Escalation(
            state="offered", session_id=note.session_id, lang=note.lang, reason=note.reason,
            eta_s=_round(max(0.0, note.expires_at - time.time())), counter=note.counter or None,
        ))

    async def on_OfferWithdrawn(self, note: OfferWithdrawn) -> None:
        self._to_operator(note.operator_id, Escalation(state="cancelled", session_id=note.session_id,
                                                       reason=note.why))

    async def on_OperatorStateChanged(self, note: OperatorStateChanged) -> None:
        if note.operator_id in self.service.operators:
            await send_status(self.service.backend, note.operator_id, self.service.operators[note.operator_id])

    async def on_QueueChanged(self, note: QueueChanged) -> None:
        message = Queue(entries=[dataclasses.asdict(e) for e in note.entries])
        for connections in self.service.operators.values():
            for conn in connections:
                conn.send(message)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# ---------------------------------------------------------------- commands arriving at the home node


async def on_operator_command(service: EscalationService, session: Session, command: dict[str, Any],
                              on_video: VideoForwarder) -> None:
    if session.operator_id != command.get("operator_id") or not session.is_open:
        log.warning("command from an operator not serving the session", extra={"session": session.id})
        return
    op = command.get("op")
    if op == "text":
        await publish_operator_text(service, session, command)
    elif op == "audio.start":
        session.operator_stream = live_to(session, "operator", int(command["sample_rate"]), COUNTER_SIDE)
    elif op == "video":
        on_video(session, command)
    elif op == "audio.stop" and session.operator_stream is not None:
        live_end(session, "operator", session.operator_stream, COUNTER_SIDE)
        session.operator_stream = None


async def publish_operator_text(service: EscalationService, session: Session, command: dict[str, Any]) -> None:
    """The interpreter's words, in the listener's language; with ``replaces`` a correction of an AI
    translation that supersedes it on every screen and in the store."""
    pipeline = service.ctx.pipeline
    text, lang = str(command["text"]), str(command["lang"])
    translation = Translation(text=text, source_lang=lang, target_lang=lang, kind="operator", confidence=1.0,
                              details={"operator": command["operator_id"]})
    replaces = command.get("replaces")
    if replaces and await service.ctx.store.utterance_session(str(replaces)) != session.id:
        log.warning("correction of an utterance of another session refused", extra={"session": session.id})
        return  # the operator's node checks first; the home node, which owns the session, checks again
    if replaces:
        await pipeline.publish_translation(session, replaces, translation, replaces=replaces)
        return
    utterance = Utterance(speaker="operator", lang=lang, text=text, confidence=1.0, source="text")
    await pipeline.publish_transcript(session, utterance)
    await pipeline.publish_translation(session, utterance.utterance_id, translation)


def on_operator_voice(session: Session, pcm: bytes) -> None:
    if session.operator_stream is None:
        return  # voice without live.start (a command lost between nodes): nobody could tell it apart
    frame = audio_frame(session.operator_stream, pcm)
    for participant in list(session.participants):
        if participant.role in COUNTER_SIDE:
            participant.deliver_binary(frame)


def live_to(session: Session, speaker: str, sample_rate: int, roles: frozenset[str]) -> int:
    """Announce a live stream; returns the id that heads its binary frames."""
    stream = session.new_stream_id()
    session.send_transient(LiveStart(speaker=speaker, sample_rate=sample_rate, stream=stream),
                                lambda p: p.role in roles)
    return stream


def live_end(session: Session, speaker: str, stream: int, roles: frozenset[str]) -> None:
    session.send_transient(LiveEnd(speaker=speaker, stream=stream), lambda p: p.role in roles)
