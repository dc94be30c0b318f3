"""Sessions in memory: the shared state of one counter session (``Session``, the same name as on the
wire and in the store), and the hub that holds them.

A ``Session`` numbers its events (``seq``), stores each one before anybody is sent it, and fans it
out to the connections attached to it, each seeing what its role should see
(``relay.turns.routing.sees``). Attaching with ``resume_after`` replays the stored events after that number under the same lock that publishing takes,
so a reconnecting client gets every event exactly once and in order, then the live stream. After a
restart the hub rebuilds a session from the store on first use.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from relay.storage.auth import hash_token, new_resident_token
from relay.storage.store import SessionRecord, Store, StoredEvent
from relay.storage.turn_records import Rows
from relay.turns.routing import sees
from relay.turns.speech import SpeechQueue
from relay.wire.protocol import Message, SessionClosed, SessionUpdated, decode, encode

log = logging.getLogger("madoguchi.session")

REPLAY_PAGE = 128  # stored events read at a time while a client catches up


class Participant(Protocol):
    """What a session needs of a connection attached to it."""

    role: str
    id: str

    def deliver(self, message: Message, text: str) -> None:
        """Queue one message without waiting (a client that stops reading is disconnected)."""

    def deliver_binary(self, data: bytes) -> None: ...

    async def deliver_paced(self, text: str) -> None:
        """Queue one encoded event, waiting while the client's queue is full (replay)."""

    def room(self) -> int:
        """How many more messages can be queued without waiting."""


@dataclass
class Session:
    record: SessionRecord
    store: Store
    last_seq: int
    participants: set[Participant] = field(default_factory=set)
    operator_id: str | None = None  # set while a human interpreter serves the session
    # applied to the text of the stored copy of each event (personal-number masking); live delivery
    # is unmasked, a replay from the store is masked
    mask: Callable[[str], str] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    left_at: float = 0.0
    # speech is synthesised and sent one utterance at a time, in the order the translations were
    # published, so two people talking at once never get their audio interleaved; the turns do not wait
    # for it (relay.turns.speech)
    speech: SpeechQueue = field(default_factory=SpeechQueue)
    # a typed text with a client_id is looked up and stored under this lock, so a resend racing its
    # original (a tablet that reconnected while its first connection was still storing it) is stored once
    typed_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # the id of the interpreter's live voice stream to the counter side, while it talks
    operator_stream: int | None = None
    _streams: int = 0

    def new_stream_id(self) -> int:
        """The id that heads the binary frames of one audio stream (tts or live) of this session."""
        self._streams = self._streams % 0xFFFFFFFF + 1
        return self._streams

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def is_open(self) -> bool:
        return self.record.status == "open"

    @property
    def resident_lang(self) -> str:
        return self.record.resident_lang

    @property
    def mode(self) -> str:
        return self.record.mode

    def public(self) -> dict[str, Any]:
        state = self.record.public()
        state["last_seq"] = self.last_seq
        state["operator"] = self.operator_id
        return state

    async def publish(self, build: Callable[[int], Message], rows: Callable[[int], Rows] | None = None) -> Message:
        """Number, store (with ``rows`` in the same transaction), then send one session event.

        Under the session's lock from numbering until the event is sent, so events are stored and sent
        in the order of their numbers. The event is numbered and sent by the store's own report of the
        commit (``Store.queue_event``), in the turn of the event loop in which the commit is known, and
        whatever becomes of the caller: a caller cancelled while the store writes (a turn whose speaker
        hung up) only stops waiting, and never leaves a committed event unnumbered here and unsent (the
        next event would reuse its ``seq``)."""
        await self.lock.acquire()
        try:
            seq = self.last_seq + 1
            message = build(seq)
            text = encode(message)
            stored, extra = self._stored(message, text), rows(seq) if rows else None
            done: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        except BaseException:
            self.lock.release()
            raise

        def committed(outcome: BaseException | None) -> None:
            try:
                if outcome is None:
                    self.last_seq = seq
                    self._send(message, text)
            except Exception as exc:  # a bug while sending: the caller hears of it
                outcome = exc
            finally:
                self.lock.release()
            if done.done():
                return  # the caller was cancelled: the event is stored and sent all the same
            if outcome is None:
                done.set_result(message)
            else:
                done.set_exception(outcome)

        self.store.queue_event(self.id, seq, message.TYPE, stored, extra, committed)
        return await done

    def _send(self, message: Message, text: str) -> None:
        for participant in list(self.participants):
            if sees(participant.role, message, self.resident_lang):
                participant.deliver(message, text)

    def _stored(self, message: Message, text: str) -> str:
        original = getattr(message, "text", None)
        if self.mask is None or not isinstance(original, str):
            return text
        masked = self.mask(original)
        return text if masked == original else encode(dataclasses.replace(message, text=masked))  # type: ignore[call-arg]

    def send_transient(self, message: Message, accept: Callable[[Participant], bool] | None = None) -> None:
        """Send a message that is not a session event (partials, notices, tts.*)."""
        text = encode(message)
        for participant in list(self.participants):
            if (accept is None or accept(participant)) and sees(participant.role, message, self.resident_lang):
                participant.deliver(message, text)

    async def attach(self, participant: Participant, resume_after: int | None) -> int:
        """Add a connection; with ``resume_after`` first replay every later stored event.

        The replay is paced by the client's reading (``deliver_paced`` waits for room), page by page and
        without the lock, so a backlog of any size neither overflows the client's queue nor holds up the
        session. Only the last few events, those published while the client caught up, are sent under the
        lock, and only when they fit, so the hand-over to the live stream has no gap and no duplicate.
        Returns how many events were replayed."""
        after, replayed = resume_after, 0
        while True:
            if after is not None and after < self.last_seq:
                page = await self.store.events_page(self.id, after, REPLAY_PAGE)
                for event in page:
                    replayed += await self._replay(participant, event, paced=True)
                    after = event.seq
                if len(page) == REPLAY_PAGE:
                    continue
            async with self.lock:  # nothing to read when caught up: a fresh client joins at once
                rest = [] if after is None or after >= self.last_seq else await self.store.events_after(self.id, after)
                if len(rest) <= participant.room():
                    for event in rest:
                        replayed += await self._replay(participant, event, paced=False)
                    self.participants.add(participant)
                    return replayed

    async def _replay(self, participant: Participant, event: StoredEvent, *, paced: bool) -> int:
        message = decode(event.body, from_client=False)
        if not sees(participant.role, message, self.resident_lang):
            return 0
        if paced:
            await participant.deliver_paced(event.body)
        else:
            participant.deliver(message, event.body)
        return 1

    def detach(self, participant: Participant) -> None:
        self.participants.discard(participant)
        self.left_at = time.time()  # an idle session expires counting from its last leaver

    async def update(self, reason: str | None = None, **values: Any) -> None:
        await self.store.update_session(self.id, **values)
        self.record = _replace(self.record, **values)
        record = self.record
        await self.publish(lambda seq: SessionUpdated(
            seq=seq, resident_lang=record.resident_lang, mode=record.mode,  # type: ignore[arg-type]
            tts=record.tts, reason=reason,
        ))

    def __post_init__(self) -> None:
        self.speech.name = self.record.id

    async def close(self, reason: str) -> None:
        if not self.is_open:
            return
        await self.speech.aclose()  # nothing is spoken after session.closed
        now = time.time()
        # the resident token dies with the session: its hash is removed, not just the status changed
        await self.store.update_session(self.id, status="closed", closed_at=now, resident_token_hash=None)
        self.record = _replace(self.record, status="closed", closed_at=now, resident_token_hash=None)
        await self.publish(lambda seq: SessionClosed(seq=seq, reason=reason))


def _replace(record: SessionRecord, **values: Any) -> SessionRecord:
    return dataclasses.replace(record, **values)


class SessionHub:
    """Open sessions of this node, created through the API or rebuilt from the store."""

    def __init__(self, store: Store, resident_token_hours: float,
                 mask: Callable[[str], str] | None = None,
                 new_speech_queue: Callable[[], SpeechQueue] = SpeechQueue) -> None:
        self.store = store
        self.mask = mask
        self.new_speech_queue = new_speech_queue  # each session's queue: its backlog and failure counter
        self.resident_token_hours = resident_token_hours
        self._sessions: dict[str, Session] = {}
        self._loading = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def open_sessions(self) -> list[Session]:
        return list(self._sessions.values())

    async def create(self, counter: str, resident_lang: str, mode: str, tts: bool,
                     created_by: str) -> tuple[Session, str]:
        """A new session; returns it with the plaintext resident token (shown once)."""
        token = new_resident_token()
        now = time.time()
        record = SessionRecord(
            id=secrets.token_hex(8), counter=counter, resident_lang=resident_lang, mode=mode, tts=tts,
            status="open", created_at=now, resident_token_hash=hash_token(token),
            resident_token_expires=now + self.resident_token_hours * 3600, created_by=created_by,
        )
        await self.store.create_session(record)
        session = Session(record=record, store=self.store, last_seq=0, mask=self.mask,
                          speech=self.new_speech_queue())
        self._sessions[record.id] = session
        return session, token

    async def get(self, session_id: str) -> Session | None:
        """The session, rebuilt from the store if this node has not seen it since it started."""
        session = self._sessions.get(session_id)
        if session is not None:
            return session
        async with self._loading:
            session = self._sessions.get(session_id)
            if session is not None:
                return session
            record = await self.store.get_session(session_id)
            if record is None:
                return None
            session = Session(record=record, store=self.store, mask=self.mask,
                              last_seq=await self.store.last_seq(session_id), speech=self.new_speech_queue())
            if record.status == "open":
                self._sessions[session_id] = session
            return session

    def forget(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    async def stop_speech(self) -> None:
        """At shutdown: every session's speech stops, its task awaited."""
        for session in list(self._sessions.values()):
            await session.speech.aclose()
