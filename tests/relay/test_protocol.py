"""The one table of message types, and its one encoder/decoder."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Literal

import pytest

from relay.wire.protocol import CLIENT_TYPES, MESSAGE_TYPES, ErrorCode, ProtocolError, decode, encode


def _sample(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is Literal:
        return typing.get_args(hint)[-1]
    if origin in (typing.Union, __import__("types").UnionType):
        return _sample(next(a for a in typing.get_args(hint) if a is not type(None)))
    if origin is list:
        return [_sample(typing.get_args(hint)[0])] if typing.get_args(hint) else []
    if origin is dict or hint is dict:
        return {"k": "v"}
    return {str: "値 value", int: 7, float: 0.5, bool: True}.get(hint, "x")


def _example(cls: type) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _sample(hints[f.name]) for f in dataclasses.fields(cls)})


@pytest.mark.parametrize("kind", sorted(MESSAGE_TYPES))
def test_every_registered_type_round_trips(kind: str) -> None:
    message = _example(MESSAGE_TYPES[kind])
    decoded = decode(encode(message), from_client=False)
    assert decoded == message
    assert kind == type(decoded).TYPE


def test_client_side_decoding_accepts_only_client_types() -> None:
    for kind, cls in MESSAGE_TYPES.items():
        text = encode(_example(cls))
        if kind in CLIENT_TYPES:
            assert decode(text) == _example(cls)
        else:
            with pytest.raises(ProtocolError) as caught:
                decode(text)
            assert caught.value.code == ErrorCode.UNKNOWN_TYPE


def test_none_fields_are_left_out_and_unknown_fields_ignored() -> None:
    text = encode(MESSAGE_TYPES["audio.start"]())
    assert "null" not in text
    message = decode('{"type":"audio.stop","future_field":1}')
    assert message.TYPE == "audio.stop"


def test_integers_are_not_booleans_and_floats_accept_integers() -> None:
    with pytest.raises(ProtocolError):
        decode('{"type":"audio.start","sample_rate":true}')
    tts = decode('{"type":"tts.start","utterance_id":"u","lang":"ja","sample_rate":22050,"stream":3}', from_client=False)
    assert tts.sample_rate == 22050  # type: ignore[attr-defined]
    t = decode('{"type":"transcript","seq":1,"utterance_id":"u","speaker":"clerk","lang":"ja","text":"x",'
               '"confidence":1}', from_client=False)
    assert t.confidence == 1.0 and isinstance(t.confidence, float)  # type: ignore[attr-defined]
