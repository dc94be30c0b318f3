"""Escalation to human interpreters: the policy, the operator queue and the hand-off, wired to sessions.

Requests (the button, asking in words, low confidence, a language without MT) go to the queue
backend; everything the queue decides comes back as notifications (``relay.escalation.notifications``), so
with several relay nodes each node only speaks to its own connections. An operator serving a session
is connected to it through the session channel (``relay.escalation.operator_link``), whichever node either is on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections.abc import Callable
from typing import Any, Protocol

from relay.context import LiveConnection, RelayContext
from relay.escalation.operator_link import ChannelClosed, HomeLink, OperatorLink
from relay.escalation.operator_status import apply_operator_state, covered_now, send_status
from relay.escalation.policy import Decision, EscalationPolicy, PolicyConfig
from relay.escalation.queue import QueueBackend, QueueConfig, QueueError, QueueMetrics
from relay.escalation.queue.events import QueueUnavailable
from relay.runtime.supervision import stop_all, supervised
from relay.turns.pipeline import Utterance
from relay.turns.session import Session
from relay.wire.protocol import (
    Accept,
    AudioStart,
    Decline,
    ErrorCode,
    Escalate,
    Escalation,
    Message,
    OperatorState,
    ProtocolError,
    Queue,
    Release,
    Text,
    Transfer,
)

log = logging.getLogger("madoguchi.escalation")
HOME_READY_TIMEOUT_S = 5.0


class OperatorEvents(Protocol):
    """What the queue's notifications and an operator's commands mean on this node
    (``relay.escalation.notifications.NotificationHandler``)."""

    async def run(self) -> None:
        """Handle the queue's notifications until cancelled."""

    async def on_operator_command(self, session: Session, command: dict[str, Any]) -> None: ...

    def on_operator_voice(self, session: Session, pcm: bytes) -> None: ...


class EscalationService:
    def __init__(self, ctx: RelayContext, backend: QueueBackend, queue_config: QueueConfig, policy_config: PolicyConfig,
                 events: Callable[[EscalationService], OperatorEvents]) -> None:
        self.ctx = ctx
        self.backend = backend
        self.node_id: str = backend.node_id
        self.backend_name = queue_config.backend
        self.queue_config = queue_config
        self.policy_config = policy_config
        self.metrics = QueueMetrics(ctx.metrics.registry)
        self.operators: dict[str, set[LiveConnection]] = {}
        self.links: dict[LiveConnection, OperatorLink] = {}
        self.homes: dict[str, HomeLink] = {}
        self._policies: dict[str, EscalationPolicy] = {}
        # session → the role withdrawing its call, until the queue's ``Cancelled`` comes back to this node
        # (the session's home, where the withdrawing screen is connected): the event then says whose
        self.withdrawing: dict[str, str] = {}
        # session → the role whose button called, until the queue's ``EntryQueued`` comes back: the clerk
        # is told a call they did not make came from the resident's phone
        self.calling: dict[str, str] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.events = events(self)

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        await self.backend.start()
        failures = self.ctx.metrics.background_failures  # a failure is logged and the loop restarted
        self._tasks = [
            supervised("queue-notifications", self.events.run, failures=failures),
            supervised("queue-ticks", functools.partial(self.backend.run_ticks, 1.0), failures=failures),
            supervised("operator-presence", self._presence, failures=failures),
        ]
        await self._restore_homes()

    async def stop(self) -> None:
        await stop_all(self._tasks)
        for link in list(self.links.values()):
            await link.close()
        for home in list(self.homes.values()):
            await home.close()
        await self.backend.close()

    async def _restore_homes(self) -> None:
        """After a restart, listen again on the channels of sessions homed here that are still queued."""
        snapshot = await self.backend.snapshot()
        for entry in snapshot.entries:
            if entry.node == self.node_id:
                session = await self.ctx.hub.get(entry.session_id)
                if session is not None and session.is_open:
                    link = await self.home(session)
                    if entry.state == "connected" and entry.operator_id:
                        session.operator_id = entry.operator_id
                        await link.ask_to_rejoin()

    async def _presence(self) -> None:
        """An operator whose console is connected here is alive; heartbeats tell the other nodes."""
        interval = max(1.0, self.queue_config.heartbeat_timeout_s / 3)
        while True:
            await asyncio.sleep(interval)
            for operator_id in list(self.operators):
                with contextlib.suppress(QueueError):
                    await self.backend.heartbeat(operator_id)

    async def home(self, session: Session) -> HomeLink:
        link = self.homes.get(session.id)
        if link is None:
            link = HomeLink(self.backend, session, self.events.on_operator_command,
                            self.events.on_operator_voice)
            self.homes[session.id] = link
            try:
                async with asyncio.timeout(HOME_READY_TIMEOUT_S):
                    await link.ready()
            except (TimeoutError, ChannelClosed):  # the shared queue (Redis) is away: nothing is half-made
                self.homes.pop(session.id, None)
                try:
                    await link.close()
                except Exception:  # its subscription failed with the connection: say so, then answer "unavailable"
                    log.warning("session channel closed with an error", exc_info=True,
                                extra={"session": session.id})
                raise QueueUnavailable("the queue (Redis) cannot be reached") from None
        return link

    def policy(self, session: Session) -> EscalationPolicy:
        policy = self._policies.get(session.id)
        if policy is None:
            policy = self._policies[session.id] = EscalationPolicy(self.policy_config)
        return policy

    # ------------------------------------------------------------ counter side

    async def request(self, conn: LiveConnection, session: Session, message: Escalate) -> None:
        decision = self.policy(session).on_button("clerk" if conn.role == "counter" else "resident",
                                                       message.urgent)
        if message.reason:
            decision.figures["note"] = message.reason[:200]
        self.calling[session.id] = conn.role
        try:
            await self.enqueue(session, decision, strict=True)
        except ProtocolError:
            self.calling.pop(session.id, None)
            raise

    async def enqueue(self, session: Session, decision: Decision, strict: bool = False) -> None:
        if session.operator_id is not None:
            if strict:
                raise ProtocolError(ErrorCode.INVALID_STATE, "an interpreter is already connected")
            return
        await self.home(session)  # listening before any operator can accept
        try:
            await self.backend.enqueue(session.id, session.resident_lang, priority=decision.priority,
                                       reason=decision.reason, counter=session.record.counter)
        except QueueError as exc:
            if strict:
                raise ProtocolError(exc.code, _queue_message(exc)) from None
            return  # already waiting: the policy's later decisions add nothing
        self.policy(session).reset()
        await self.ctx.store.record_escalation(session.id, "requested", decision.reason,
                                               {"priority": decision.priority, **decision.figures})
        log.info("escalation requested", extra={"session": session.id, "reason": decision.reason,
                                                "priority": decision.priority})
        if not any(p.role == "counter" for p in session.participants):
            with contextlib.suppress(QueueError):  # no tablet: its place is kept for reconnect_grace_s only
                await self.backend.counter_disconnected(session.id)

    async def cancel(self, conn: LiveConnection, session: Session) -> None:
        self.withdrawing[session.id] = conn.role
        try:
            await self.backend.cancel(session.id)
        except QueueError as exc:
            self.withdrawing.pop(session.id, None)
            raise ProtocolError(ErrorCode.NOT_ESCALATED, _queue_message(exc)) from None

    async def observe(self, session: Session, utterance: Utterance, confidences: dict[str, float]) -> None:
        """After each utterance: asked for an interpreter in words? confidence low too often?"""
        if session.operator_id is not None or utterance.speaker == "operator":
            return
        policy = self.policy(session)
        decision = policy.observe_text(utterance.text, utterance.lang) or policy.observe_utterance(confidences)
        if decision is not None:
            await self.enqueue(session, decision)

    async def on_trouble(self, session: Session, reason: str, figures: dict[str, Any]) -> None:
        if reason == "no_mt_model":
            lang = str(figures.get("target") if figures.get("source") == "ja" else figures.get("source"))
            if await covered_now(self.backend, lang):
                await self.enqueue(session, self.policy(session).on_missing_mt(lang))
            return
        # an engine failed on real input: suggest an interpreter, the clerk decides; not while one serves the
        # session (they read the words that failed; the phone and the tablet said 'call an interpreter'), nor
        # while one is already called (the suggestion took the place of the call and its cancel button)
        if session.operator_id is not None or await self._called(session):
            return
        await session.publish(lambda seq: Escalation(state="offered", seq=seq, reason=reason))
        await self.ctx.store.record_escalation(session.id, "offered", reason, figures)

    async def _called(self, session: Session) -> bool:
        """Whether the session waits for an interpreter (queued, or offered to one) in the queue."""
        snapshot = await self.backend.snapshot()
        return any(entry.session_id == session.id for entry in snapshot.entries)

    async def check_missing_mt(self, session: Session) -> None:
        """At once when the resident's language has no MT model (on connect, on a language change) and is covered."""
        lang = session.resident_lang
        if session.mode != "translation" or lang in ("ja", "auto"):
            return
        mt = self.ctx.engines.translator
        if not (mt.supports("ja", lang) and mt.supports(lang, "ja")) and await covered_now(self.backend, lang):
            await self.enqueue(session, self.policy(session).on_missing_mt(lang))

    async def language_changed(self, session: Session) -> None:
        """Detected or set by the clerk: a waiting request is routed by the session's language from now
        on (``auto`` goes to any operator); a language without MT escalates at once."""
        with contextlib.suppress(QueueError):  # not in the queue: nothing to relabel
            await self.backend.set_language(session.id, session.resident_lang)
        await self.check_missing_mt(session)

    async def counter_connected(self, conn: LiveConnection) -> None:
        session = conn.session
        if session is None:
            return
        with contextlib.suppress(QueueError):
            await self.backend.counter_reconnected(session.id)
        await self.check_missing_mt(session)

    async def session_closing(self, session: Session) -> None:
        with contextlib.suppress(QueueError):
            await self.backend.session_closed(session.id)
        link = self.homes.pop(session.id, None)
        if link is not None:
            await link.close()
        self._policies.pop(session.id, None)
        self.withdrawing.pop(session.id, None)
        self.calling.pop(session.id, None)

    # ------------------------------------------------------------ operators

    async def operator_connected(self, conn: LiveConnection, serving: str | None, resume_after: int | None) -> None:
        """The reconnect rule: an operator serving a session gets it back on every (re)connection, named
        in ``welcome``; it is replayed from ``resume_after`` when the hello named that session, else
        from the start. ``serving`` is what ``welcome`` said."""
        operator_id = _operator_id(conn)
        self.operators.setdefault(operator_id, set()).add(conn)
        with contextlib.suppress(QueueError):
            await self.backend.operator_reconnected(operator_id)
        if serving is not None:
            await self.open_link(conn, serving, resume_after)
        await send_status(self.backend, operator_id, [conn])
        conn.send(Queue(entries=(await self.snapshot())[0]))

    async def open_link(self, conn: LiveConnection, session_id: str, resume_after: int | None) -> None:
        current = self.links.get(conn)
        if current is not None and current.session_id == session_id:
            return
        if current is not None:
            await current.close()
        link = OperatorLink(self.backend, conn, session_id, _operator_id(conn))
        self.links[conn] = link
        try:
            await link.join(0 if resume_after is None else resume_after)
        except ChannelClosed:
            if self.links.get(conn) is not link:
                return  # the console went away meanwhile (``disconnected`` closed the link): nothing to join
            await self.close_link(conn)
            raise

    async def close_link(self, conn: LiveConnection) -> None:
        link = self.links.pop(conn, None)
        if link is not None:
            await link.close()

    async def disconnected(self, conn: LiveConnection) -> None:
        if conn.role == "operator" and conn.principal is not None:
            await self.close_link(conn)
            operator_id = _operator_id(conn)
            connections = self.operators.get(operator_id, set())
            connections.discard(conn)
            if not connections:
                self.operators.pop(operator_id, None)
                with contextlib.suppress(QueueError):
                    await self.backend.operator_disconnected(operator_id)
        elif conn.role == "counter" and conn.session is not None:
            session = conn.session
            if not any(p.role == "counter" for p in session.participants):
                with contextlib.suppress(QueueError):
                    await self.backend.counter_disconnected(session.id)

    async def operator_message(self, conn: LiveConnection, message: Message) -> None:
        operator_id = _operator_id(conn)
        try:
            if isinstance(message, OperatorState):
                await apply_operator_state(self.backend, conn, operator_id, message)
            elif isinstance(message, Accept):
                await self.backend.accept(operator_id, message.session_id)
            elif isinstance(message, Decline):
                await self.backend.decline(operator_id, message.session_id)
            elif isinstance(message, Release):
                session_id = self._serving(conn)
                log.info("operator release", extra={"session": session_id, "operator": operator_id, "to": message.to})
                await self.backend.release(operator_id, session_id, close=message.to == "close")
                if message.notes and message.notes.strip():
                    await self.ctx.store.audit(f"operator:{operator_id}", "operator.notes", session=session_id,
                                               notes=message.notes.strip()[:MAX_NOTES])
            elif isinstance(message, Transfer):
                if not message.operator_id:
                    raise ProtocolError(ErrorCode.MISSING_FIELD, "transfer: give operator_id")
                await self.backend.transfer(operator_id, self._serving(conn), message.operator_id)
        except QueueError as exc:
            raise ProtocolError(exc.code, _queue_message(exc)) from None

    async def serving(self, operator_id: str) -> str | None:
        """The session this operator serves now, if any (whichever node it is homed on)."""
        snapshot = await self.backend.snapshot()
        entry = next((e for e in snapshot.entries if e.operator_id == operator_id and e.state == "connected"), None)
        return None if entry is None else entry.session_id

    def _serving(self, conn: LiveConnection) -> str:
        link = self.links.get(conn)
        if link is None:
            raise ProtocolError(ErrorCode.INVALID_STATE, "not serving a session")
        return link.session_id

    async def operator_text(self, conn: LiveConnection, message: Text) -> None:
        session_id = self._serving(conn)
        if message.speaker != "operator":
            raise ProtocolError(ErrorCode.FORBIDDEN, "an operator speaks as operator")
        if not message.lang:
            raise ProtocolError(ErrorCode.MISSING_FIELD, "text: an operator gives lang (the listener's language)")
        if message.replaces and await self.ctx.store.utterance_session(message.replaces) != session_id:
            raise ProtocolError(ErrorCode.INVALID_FIELD, "text: replaces names no utterance of the session you serve")
        self.links[conn].command({"op": "text", "text": message.text.strip(), "lang": message.lang,
                                  "replaces": message.replaces, "session_id": session_id})

    async def operator_audio_start(self, conn: LiveConnection, message: AudioStart) -> None:
        self._serving(conn)
        conn.start_operator_audio(message.sample_rate)
        self.links[conn].command({"op": "audio.start", "sample_rate": message.sample_rate})

    def operator_video(self, conn: LiveConnection, signal: str) -> None:
        self._serving(conn)  # invalid_state when the operator serves no session
        self.links[conn].command({"op": "video", "message": signal})

    def operator_voice(self, conn: LiveConnection, pcm: bytes) -> None:
        link = self.links.get(conn)
        if link is not None:
            link.voice(pcm)

    async def operator_audio_stop(self, conn: LiveConnection) -> None:
        link = self.links.get(conn)
        if link is None or not conn.stop_operator_audio():
            raise ProtocolError(ErrorCode.AUDIO_NOT_STARTED, "no audio stream to stop")
        link.command({"op": "audio.stop"})

    # ------------------------------------------------------------ views for the HTTP API and metrics

    @property
    def allow_pick(self) -> bool:
        return self.queue_config.allow_pick

    async def snapshot(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        snapshot = await self.backend.snapshot()
        return [dataclasses.asdict(e) for e in snapshot.entries], [dataclasses.asdict(o) for o in snapshot.operators]

    async def service_stats(self) -> dict[str, Any]:
        stats = await self.backend.stats()
        return dict(stats.as_dict())

    async def refresh_metrics(self) -> None:
        await self.metrics.refresh(self.backend)


MAX_NOTES = 4000


def _operator_id(conn: LiveConnection) -> str:
    assert conn.principal is not None
    return conn.principal.id


def _queue_message(exc: QueueError) -> str:
    return str(exc) or exc.code.replace("_", " ")
