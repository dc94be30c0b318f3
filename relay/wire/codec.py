"""Wire protocol v1 on the wire: the JSON encoder and decoder of text frames, the binary audio header.

Nothing else in the relay builds or parses JSON for the websocket. Bad input raises
``ProtocolError(code, message)``; the connection answers with ``error`` and stays open.
"""

from __future__ import annotations

import json
import struct
import types
import typing
from dataclasses import MISSING, fields
from typing import Any, Literal

from relay.wire.codes import ErrorCode, ProtocolError
from relay.wire.messages import MESSAGE_TYPES, Error, Message

MAX_INT = 2**53 - 1  # larger integers lose precision in JavaScript and overflow SQLite; no field needs them


# One encoder for every frame: ``json.dumps`` with options builds a new encoder at every call.
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def encode(message: Message) -> str:
    """One JSON object; ``None`` fields are left out."""
    cls = type(message)
    names = _FIELD_NAMES.get(cls)
    if names is None:  # once per message class: ``dataclasses.fields`` is slow for every event of every session
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(message))
    body: dict[str, Any] = {"type": message.TYPE}
    for name in names:
        value = getattr(message, name)
        if value is not None:
            body[name] = value
    return _JSON.encode(body)


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


_HINTS: dict[type, dict[str, Any]] = {}


def _field_hints(cls: type[Message]) -> dict[str, Any]:
    """Once per message class: ``get_type_hints`` evaluates the string annotations anew at every call,
    which cost about half a millisecond per message, a large part of the relay's work for a typed turn."""
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _build(cls: type[Message], body: dict[str, Any]) -> Message:
    hints = _field_hints(cls)
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


def store_unavailable(client_id: str | None = None, recognised: dict[str, str] | None = None) -> ProtocolError:
    """Not the client's mistake and not fatal: nothing was stored; the client keeps what it sent and
    resends it (with the same ``client_id``) when the relay's ``/healthz`` is ok again. A spoken turn
    has nothing to resend but the speech: ``recognised`` gives its text back to the client."""
    error = ProtocolError(ErrorCode.STORE_UNAVAILABLE, "the relay cannot store data right now; keep it and resend")
    error.client_id = client_id
    error.recognised = recognised
    return error


def error_message(exc: ProtocolError, ref: str | None = None) -> Error:
    said = exc.recognised or {}
    return Error(code=exc.code, message=exc.message, fatal=exc.close_code is not None, ref=ref,
                 client_id=exc.client_id, utterance_id=said.get("utterance_id"), speaker=said.get("speaker"),
                 lang=said.get("lang"), text=said.get("text"))
