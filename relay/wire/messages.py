"""Wire protocol v1: one frozen dataclass per message type, and ``MESSAGE_TYPES``, the one table of them.

A message type that is not in ``MESSAGE_TYPES`` cannot be sent or received (``relay.wire.codec`` builds
and parses only what the table names), so no per-class converter can drift from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

PROTOCOL_VERSION = 1


@dataclass(frozen=True)
class Message:
    TYPE: ClassVar[str] = ""
    FROM_CLIENT: ClassVar[bool] = False


def _client(cls: type[Message]) -> type[Message]:
    cls.FROM_CLIENT = True
    return cls


Role = Literal["counter", "resident", "operator"]
Speaker = Literal["auto", "clerk", "resident", "operator"]
Mode = Literal["translation", "easy_japanese"]
TranslationKind = Literal["translation", "easy_japanese", "back_translation", "operator", "phrasebook"]
EscalationState = Literal["offered", "queued", "connected", "returned", "unavailable", "cancelled"]


# ------------------------------------------------------------------ client → relay


@_client
@dataclass(frozen=True)
class Hello(Message):
    TYPE = "hello"
    protocol: int
    role: Role
    token: str
    session_id: str | None = None
    resume_after: int | None = None


@_client
@dataclass(frozen=True)
class AudioStart(Message):
    TYPE = "audio.start"
    speaker: Speaker = "auto"
    sample_rate: int = 16000
    encoding: Literal["pcm_s16le"] = "pcm_s16le"


@_client
@dataclass(frozen=True)
class AudioStop(Message):
    TYPE = "audio.stop"


@_client
@dataclass(frozen=True)
class Text(Message):
    TYPE = "text"
    speaker: Speaker
    text: str
    lang: str | None = None
    replaces: str | None = None  # operator correction of an AI translation: its utterance_id
    client_id: str | None = None  # chosen by the client, echoed in the transcript; a resend is not stored twice


@_client
@dataclass(frozen=True)
class Settings(Message):
    TYPE = "settings"
    resident_lang: str | None = None
    mode: Mode | None = None
    tts: bool | None = None


@_client
@dataclass(frozen=True)
class Escalate(Message):
    TYPE = "escalate"
    reason: str | None = None
    urgent: bool = False


@_client
@dataclass(frozen=True)
class EscalationCancel(Message):
    TYPE = "escalation.cancel"


@_client
@dataclass(frozen=True)
class Accept(Message):
    TYPE = "accept"
    session_id: str


@_client
@dataclass(frozen=True)
class Decline(Message):
    TYPE = "decline"
    session_id: str


@_client
@dataclass(frozen=True)
class Release(Message):
    TYPE = "release"
    to: Literal["ai", "close"] = "ai"
    notes: str | None = None  # the interpreter's wrap-up notes, kept in the audit log


@_client
@dataclass(frozen=True)
class Transfer(Message):
    TYPE = "transfer"
    operator_id: str | None = None


@_client
@dataclass(frozen=True)
class OperatorState(Message):
    TYPE = "operator.state"
    state: Literal["available", "away"]
    languages: list[str] | None = None
    client_id: str | None = None  # echoed by the operator.status that answers it


@_client
@dataclass(frozen=True)
class VideoSignal(Message):
    """WebRTC signalling between two browsers of one session (``docs/protocol.md``, *Video*). The relay
    forwards it to the ``to`` role, adding ``sender``; media never pass through the relay."""

    TYPE = "video.signal"
    to: Role
    kind: Literal["invite", "offer", "answer", "candidate", "end"]
    call_id: str
    sdp: str | None = None
    candidate: dict[str, Any] | None = None
    reason: str | None = None
    sender: Role | None = None  # set by the relay


@_client
@dataclass(frozen=True)
class VideoAllow(Message):
    """The clerk lets the resident's phone join the video (or not)."""

    TYPE = "video.allow"
    resident: bool


@_client
@dataclass(frozen=True)
class Bye(Message):
    TYPE = "bye"


# ------------------------------------------------------------------ relay → client


@dataclass(frozen=True)
class Welcome(Message):
    TYPE = "welcome"
    protocol: int
    role: Role
    session_id: str | None
    last_seq: int
    session: dict[str, Any] | None = None
    engines: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    video: dict[str, Any] | None = None  # {enabled, ice_servers} for RTCPeerConnection


@dataclass(frozen=True)
class Partial(Message):
    """Transient: not stored, carries no seq, never replayed. ``speaker_guessed``: the speaker was told
    from the language the recogniser heard so far (a counter microphone with ``speaker: auto``), which an
    early partial can get wrong; the ``transcript`` says who spoke. Left out when the speaker is known."""

    TYPE = "partial"
    utterance_id: str
    speaker: str
    lang: str
    text: str
    speaker_guessed: bool | None = None


@dataclass(frozen=True)
class Transcript(Message):
    TYPE = "transcript"
    seq: int
    utterance_id: str
    speaker: str
    lang: str
    text: str
    confidence: float
    client_id: str | None = None  # the id the client gave its typed text


@dataclass(frozen=True)
class TranslationMessage(Message):
    TYPE = "translation"
    seq: int
    utterance_id: str
    lang: str
    text: str
    kind: TranslationKind
    confidence: float
    ruby: list[dict[str, Any]] | None = None
    replaces: str | None = None
    # やさしい日本語: offsets in ``text`` where 分かち書き puts a space between phrases (a display option)
    phrases: list[int] | None = None


@dataclass(frozen=True)
class Untranslated(Message):
    """The relay could not translate this sentence for its listener: stored like any session event, so a
    screen that reloads still shows that the other side never got it, until a ``translation`` of it comes."""

    TYPE = "untranslated"
    seq: int
    utterance_id: str
    speaker: str
    lang: str  # the language it was not translated into (``ja`` for やさしい日本語 too)
    code: str  # why, as the ``error`` the counter was sent: engine_failed | engine_unavailable


@dataclass(frozen=True)
class TtsStart(Message):
    """Speech of one utterance follows as binary frames headed by ``stream`` (see ``audio_frame``)."""

    TYPE = "tts.start"
    utterance_id: str
    lang: str
    sample_rate: int
    stream: int
    encoding: str = "pcm_s16le"


@dataclass(frozen=True)
class TtsEnd(Message):
    TYPE = "tts.end"
    utterance_id: str
    stream: int


@dataclass(frozen=True)
class LiveStart(Message):
    """Live audio follows as binary frames: the counter's microphone to the operator, or the operator's
    voice to the counter and resident."""

    TYPE = "live.start"
    speaker: str
    sample_rate: int
    stream: int
    encoding: str = "pcm_s16le"


@dataclass(frozen=True)
class LiveEnd(Message):
    TYPE = "live.end"
    speaker: str
    stream: int


@dataclass(frozen=True)
class Escalation(Message):
    """A session event (with ``seq``) for the counter and resident; an offer (``seq`` null, with
    ``session_id``) for one operator."""

    TYPE = "escalation"
    state: EscalationState
    seq: int | None = None
    position: int | None = None
    eta_s: float | None = None
    reason: str | None = None
    session_id: str | None = None
    lang: str | None = None
    operator: str | None = None
    counter: str | None = None  # an offer: the counter's name, from whichever node it is on
    by: Literal["counter", "resident"] | None = None  # ``queued`` or ``cancelled`` by a screen's button: whose (stored, so replayed)
    covered: bool | None = None  # ``queued``: false while no interpreter signed in and not away declares the language


@dataclass(frozen=True)
class Queue(Message):
    TYPE = "queue"
    entries: list[dict[str, Any]]


@dataclass(frozen=True)
class VideoState(Message):
    """To the session: whether the resident's phone may join the video."""

    TYPE = "video.state"
    resident_allowed: bool


@dataclass(frozen=True)
class OperatorStatus(Message):
    """To an operator: its own state as the queue has it (``offline`` until it signs in)."""

    TYPE = "operator.status"
    state: str
    languages: list[str] | None = None
    session_id: str | None = None
    # the operator.state this status answers: a console tells the answer to its latest choice from a status
    # that was on its way before it (which must not flip its switch back)
    client_id: str | None = None
    # the revision of the queue it was read from: a status read before another (a Redis read still in flight
    # when the operator's own choice was answered) has a lower one, and a console shows none older than
    # one it has shown
    version: int | None = None


@dataclass(frozen=True)
class SessionUpdated(Message):
    TYPE = "session.updated"
    seq: int
    resident_lang: str
    mode: Mode
    tts: bool
    reason: str | None = None


@dataclass(frozen=True)
class SessionClosed(Message):
    TYPE = "session.closed"
    seq: int
    reason: str | None = None


@dataclass(frozen=True)
class Notice(Message):
    """Transient information, e.g. ``no_voice`` when a language has text but no speech output."""

    TYPE = "notice"
    code: str
    message: str
    lang: str | None = None
    client_id: str | None = None  # ``already_stored``: the resent text that was not stored again
    utterance_id: str | None = None  # ``speech_skipped``: the utterance that will not be spoken


@dataclass(frozen=True)
class Error(Message):
    TYPE = "error"
    code: str
    message: str
    fatal: bool = False
    ref: str | None = None  # the type of the message that caused it, when known
    client_id: str | None = None  # the client_id of the text this error is about (store_unavailable)
    # store_unavailable after speech: what was recognised, neither stored nor translated; a failed
    # translation: the sentence it was for
    utterance_id: str | None = None
    speaker: str | None = None
    lang: str | None = None
    text: str | None = None


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        Hello, AudioStart, AudioStop, Text, Settings, Escalate, EscalationCancel, Accept, Decline,
        Release, Transfer, OperatorState, VideoSignal, VideoAllow, Bye,
        Welcome, Partial, Transcript, TranslationMessage, Untranslated, TtsStart, TtsEnd, LiveStart, LiveEnd, Escalation, Queue,
        OperatorStatus, VideoState, SessionUpdated, SessionClosed, Notice, Error,
    )
}
CLIENT_TYPES = frozenset(name for name, cls in MESSAGE_TYPES.items() if cls.FROM_CLIENT)


def is_session_event(message: Message) -> bool:
    """Session events carry a ``seq``, are stored before they are sent, and are replayed on resume."""
    return getattr(message, "seq", None) is not None
