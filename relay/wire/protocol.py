"""Wire protocol v1: one dataclass per message type, one table, one encoder and one decoder.

Text frames are JSON objects with a ``type``; binary frames are audio only (see ``docs/protocol.md``).
Nothing else in the relay builds or parses JSON for the websocket: a message type that is not in
``MESSAGE_TYPES`` cannot be sent or received, so no per-class converter can drift from the table.
Bad input raises ``ProtocolError(code, message)``; the connection answers with ``error`` and stays open.
"""

from __future__ import annotations

import json
import struct
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, ClassVar, Literal

PROTOCOL_VERSION = 1
MAX_INT = 2**53 - 1  # larger integers lose precision in JavaScript and overflow SQLite; no field needs them


class ErrorCode:
    """Stable error codes (documented in docs/protocol.md); clients may switch on them."""

    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    UNKNOWN_TYPE = "unknown_type"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    MESSAGE_TOO_LARGE = "message_too_large"
    HELLO_REQUIRED = "hello_required"
    ALREADY_HELLO = "already_hello"
    UNSUPPORTED_PROTOCOL = "unsupported_protocol"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    SESSION_NOT_FOUND = "session_not_found"
    SESSION_CLOSED = "session_closed"
    TOO_MANY_SESSIONS = "too_many_sessions"
    AUDIO_NOT_STARTED = "audio_not_started"
    AUDIO_ALREADY_STARTED = "audio_already_started"
    ODD_LENGTH_PCM = "odd_length_pcm"
    UNSUPPORTED_SAMPLE_RATE = "unsupported_sample_rate"
    UNSUPPORTED_ENCODING = "unsupported_encoding"
    AUDIO_TOO_FAST = "audio_too_fast"
    UNSUPPORTED_LANGUAGE = "unsupported_language"
    EMPTY_TEXT = "empty_text"
    ENGINE_UNAVAILABLE = "engine_unavailable"
    ENGINE_FAILED = "engine_failed"
    NOT_ESCALATED = "not_escalated"
    INVALID_STATE = "invalid_state"
    SLOW_CONSUMER = "slow_consumer"
    RATE_LIMITED = "rate_limited"
    STORE_UNAVAILABLE = "store_unavailable"
    QUEUE_UNAVAILABLE = "queue_unavailable"  # raised as relay.escalation.queue.QueueUnavailable
    INTERNAL = "internal_error"


class CloseCode:
    """Websocket close codes the relay uses (4xxx are ours)."""

    NORMAL = 1000
    GOING_AWAY = 1001  # server shutdown
    TOO_BIG = 1009  # frame over the hard limit (aiohttp closes before we see it)
    INTERNAL_ERROR = 1011  # a bug: logged with a traceback
    TRY_AGAIN_LATER = 1013  # the relay cannot serve now (its store cannot write): reconnect later
    BAD_HELLO = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    SESSION_NOT_FOUND = 4404
    PROTOCOL_VERSION = 4406
    HELLO_TIMEOUT = 4408
    SESSION_CLOSED = 4410
    TOO_MANY_SESSIONS = 4429
    ABUSE = 4430  # repeated limit violations (audio far faster than real time, error floods)
    SLOW_CONSUMER = 4431  # the client stopped reading; it may reconnect with resume_after


class ProtocolError(Exception):
    """A client mistake. ``close_code`` is set only for the few that end the connection."""

    def __init__(self, code: str, message: str, *, close_code: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.close_code = close_code
        self.client_id: str | None = None  # the client's id of the text it is about, when there is one


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
    """Transient: not stored, carries no seq, never replayed."""

    TYPE = "partial"
    utterance_id: str
    speaker: str
    lang: str
    text: str


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


@dataclass(frozen=True)
class Error(Message):
    TYPE = "error"
    code: str
    message: str
    fatal: bool = False
    ref: str | None = None  # the type of the message that caused it, when known
    client_id: str | None = None  # the client_id of the text this error is about (store_unavailable)


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.TYPE: cls
    for cls in (
        Hello, AudioStart, AudioStop, Text, Settings, Escalate, EscalationCancel, Accept, Decline,
        Release, Transfer, OperatorState, VideoSignal, VideoAllow, Bye,
        Welcome, Partial, Transcript, TranslationMessage, TtsStart, TtsEnd, LiveStart, LiveEnd, Escalation, Queue,
        OperatorStatus, VideoState, SessionUpdated, SessionClosed, Notice, Error,
    )
}
CLIENT_TYPES = frozenset(name for name, cls in MESSAGE_TYPES.items() if cls.FROM_CLIENT)


def is_session_event(message: Message) -> bool:
    """Session events carry a ``seq``, are stored before they are sent, and are replayed on resume."""
    return getattr(message, "seq", None) is not None


# ------------------------------------------------------------------ encoder / decoder


def encode(message: Message) -> str:
    """One JSON object; ``None`` fields are left out."""
    body: dict[str, Any] = {"type": message.TYPE}
    for f in fields(message):
        value = getattr(message, f.name)
        if value is not None:
            body[f.name] = value
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def decode(raw: str | bytes, *, from_client: bool = True) -> Message:
    """Parse one text frame. With ``from_client`` only client → relay types are accepted."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(ErrorCode.INVALID_JSON, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise ProtocolError(ErrorCode.INVALID_JSON, "not valid JSON: nested too deeply") from None
    if not isinstance(body, dict):
        raise ProtocolError(ErrorCode.NOT_AN_OBJECT, "a message must be a JSON object")
    kind = body.get("type")
    if not isinstance(kind, str):
        raise ProtocolError(ErrorCode.MISSING_FIELD, "field 'type' (string) is required")
    cls = MESSAGE_TYPES.get(kind)
    if cls is None or (from_client and not cls.FROM_CLIENT):
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown message type {kind!r}")
    return _build(cls, body)


def _build(cls: type[Message], body: dict[str, Any]) -> Message:
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in body or body[f.name] is None:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ProtocolError(ErrorCode.MISSING_FIELD, f"{cls.TYPE}: field {f.name!r} is required")
            continue
        values[f.name] = _check(cls.TYPE, f.name, hints[f.name], body[f.name])
    # Unknown fields are ignored on purpose: a newer client may send more than v1 knows.
    return cls(**values)


def _check(kind: str, name: str, hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        errors = []
        for option in options:
            try:
                return _check(kind, name, option, value)
            except ProtocolError as exc:
                errors.append(exc)
        raise errors[0]
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ProtocolError(
                ErrorCode.INVALID_FIELD, f"{kind}: {name!r} must be one of {', '.join(map(str, allowed))}"
            )
        return value
    expected = origin or hint
    if expected is Any:
        return value
    ok = isinstance(value, expected) and not (expected in (int, float) and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if not ok:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"{kind}: {name!r} must be {expected.__name__}")
    if expected is int and not -MAX_INT <= value <= MAX_INT:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"{kind}: {name!r} is out of range")
    if expected is str and not is_encodable(value):
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"{kind}: {name!r} is not valid Unicode text")
    if expected is list:
        item = (typing.get_args(hint) or (Any,))[0]
        return [_check(kind, name, item, v) for v in value]
    return value


# ------------------------------------------------------------------ relay → client audio frames

# Every relay → client binary frame starts with this header: the stream id (unsigned 32-bit,
# little-endian) announced in ``tts.start`` / ``live.start``, then PCM s16le mono. Four bytes keep the
# samples 2-byte aligned, so a browser can view them as an Int16Array without copying.
AUDIO_HEADER = struct.Struct("<I")


def audio_frame(stream: int, pcm: bytes) -> bytes:
    return AUDIO_HEADER.pack(stream) + pcm


def parse_audio_frame(data: bytes) -> tuple[int, bytes]:
    """(stream id, PCM) of a relay → client binary frame."""
    if len(data) < AUDIO_HEADER.size:
        raise ValueError("an audio frame is at least its header")
    (stream,) = AUDIO_HEADER.unpack_from(data)
    return stream, data[AUDIO_HEADER.size:]


def is_encodable(text: str) -> bool:
    """False for a string with a lone surrogate (JSON allows ``"\\ud800"``; UTF-8, the store, cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def store_unavailable(client_id: str | None = None) -> ProtocolError:
    """Not the client's mistake and not fatal: nothing was stored; the client keeps what it sent and
    resends it (with the same ``client_id``) when the relay's ``/healthz`` is ok again."""
    error = ProtocolError(ErrorCode.STORE_UNAVAILABLE, "the relay cannot store data right now; keep it and resend")
    error.client_id = client_id
    return error


def error_message(exc: ProtocolError, ref: str | None = None) -> Error:
    return Error(code=exc.code, message=exc.message, fatal=exc.close_code is not None, ref=ref,
                 client_id=exc.client_id)
