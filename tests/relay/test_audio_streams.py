"""Relay → client audio: every binary frame names its stream; one conversation speaks one utterance at a time."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType

from relay.wire.protocol import AUDIO_HEADER, audio_frame, parse_audio_frame
from tests.fakes import FakeSynthesizer, fake_engines
from tests.relay.conftest import MakeRelay, WsClient


async def _record_until(ws: WsClient, ends: int, wait_s: float = 10.0) -> list[tuple[str, Any]]:
    """Every frame in arrival order, text and binary, until ``ends`` tts.end messages came."""
    log: list[tuple[str, Any]] = []
    while sum(1 for kind, body in log if kind == "text" and body["type"] == "tts.end") < ends:
        msg = await ws.ws.receive(timeout=wait_s)
        if msg.type == WSMsgType.BINARY:
            log.append(("binary", parse_audio_frame(msg.data)))
        elif msg.type == WSMsgType.TEXT:
            log.append(("text", json.loads(msg.data)))
        else:
            raise AssertionError(f"closed while waiting: {msg}")
    return log


def test_frame_header_round_trips() -> None:
    frame = audio_frame(70000, b"\x01\x02\x03\x04")
    assert len(frame) == AUDIO_HEADER.size + 4 and AUDIO_HEADER.size % 2 == 0
    assert frame[:4] == (70000).to_bytes(4, "little")
    assert parse_audio_frame(frame) == (70000, b"\x01\x02\x03\x04")


async def test_overlapping_utterances_are_spoken_one_after_the_other(make_relay: MakeRelay) -> None:
    synth = FakeSynthesizer(voices=("ja", "vi"), sentences=3, sentence_delay_s=0.05)
    relay = await make_relay(fake_engines(synthesizer=synth))
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    # the clerk and the resident type at the same moment: Vietnamese and Japanese speech overlap
    await asyncio.gather(counter.send(type="text", speaker="clerk", text="こちらへどうぞ"),
                         resident.send(type="text", speaker="resident", text="Xin chào"))
    log = await _record_until(counter, ends=2)

    starts = [body for kind, body in log if kind == "text" and body["type"] == "tts.start"]
    assert sorted(s["lang"] for s in starts) == ["ja", "vi"]
    assert starts[0]["stream"] != starts[1]["stream"]
    active: int | None = None
    frames: dict[int, int] = {}
    for kind, body in log:
        if kind == "text" and body["type"] == "tts.start":
            assert active is None, "a second utterance started before the first one ended"
            active = body["stream"]
        elif kind == "text" and body["type"] == "tts.end":
            assert body["stream"] == active
            active = None
        elif kind == "binary":
            stream, pcm = body
            assert stream == active, "every audio frame belongs to the utterance being spoken"
            frames[stream] = frames.get(stream, 0) + len(pcm)
    one_utterance = 3 * 2 * (synth.rate_hz // 10)
    assert frames == {s["stream"]: one_utterance for s in starts}, "each utterance arrives complete"


async def test_resident_phone_gets_the_same_stream_ids_for_its_speech(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(synthesizer=FakeSynthesizer(voices=("vi",))))
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="こちらへどうぞ")
    on_counter = await _record_until(counter, ends=1)
    on_phone = await _record_until(resident, ends=1)
    start = next(b for k, b in on_phone if k == "text" and b["type"] == "tts.start")
    assert start == next(b for k, b in on_counter if k == "text" and b["type"] == "tts.start")
    assert {b[0] for k, b in on_phone if k == "binary"} == {start["stream"]}
