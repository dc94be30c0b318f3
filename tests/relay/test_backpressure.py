"""Slow and greedy clients: a replay of any length arrives whole, a socket that stops reading is cut
off and releases its slot, and residents can never lock the counter out."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from typing import Any

from relay.wire.protocol import CloseCode, SessionUpdated
from tests.fakes import FakeSynthesizer, fake_engines
from tests.relay.conftest import MakeRelay, Relay
from tests.relay.test_escalation import FAST_QUEUE, _escalate_and_connect, _operator

SMALL_QUEUE = {"relay": {"outbound_queue": 16}}


async def _fill(relay: Relay, session_id: str, events: int) -> int:
    conversation = await relay.ctx.hub.get(session_id)
    assert conversation is not None
    for _ in range(events):
        await conversation.publish(lambda seq: SessionUpdated(seq=seq, resident_lang="en", mode="translation",
                                                              tts=True, reason="filler"))
    return conversation.last_seq


async def test_a_backlog_far_longer_than_the_queue_is_replayed_whole(make_relay: MakeRelay) -> None:
    relay = await make_relay(**SMALL_QUEUE)
    session = await relay.create_session("en")
    last = await _fill(relay, session["session_id"], 200)  # 12× the client's queue
    for resume_after in (0, 30):
        ws = await relay.counter(session, resume_after=resume_after)
        assert ws.seen[0]["type"] == "welcome", "welcome comes first, never a 4431"
        await ws.expect("session.updated", seq=last, wait_s=20)
        seqs = [m["seq"] for m in ws.seen if "seq" in m]
        assert seqs == list(range(resume_after + 1, last + 1)), "every missed event once, in order"
        await ws.send(type="text", speaker="clerk", text="続けます")
        await ws.expect("transcript", text="続けます")  # then the live stream, on the same socket
        assert ws.close_code is None
        await ws.close()


async def test_an_interpreter_accepting_a_long_session_gets_all_of_it(make_relay: MakeRelay) -> None:
    relay = await make_relay(**SMALL_QUEUE, **FAST_QUEUE)
    session = await relay.create_session("en")
    last = await _fill(relay, session["session_id"], 120)
    counter, operator = await relay.counter(session), await _operator(relay)
    await _escalate_and_connect(relay, session, counter, operator)
    fillers = [m["seq"] for m in operator.seen if m.get("reason") == "filler"]
    assert fillers == list(range(1, last + 1))
    await counter.send(type="text", speaker="clerk", text="お願いします")
    await operator.expect("transcript", text="お願いします")


async def test_residents_cannot_lock_the_counter_out(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"max_resident_connections": 2, "max_connections_per_session": 3})
    session = await relay.create_session("en")
    residents = [await relay.resident(session) for _ in range(2)]
    extra = await relay.resident(session, expect_welcome=False)
    assert (await extra.expect("error"))["code"] == "too_many_sessions"
    assert await extra.recv() is None and extra.close_code == CloseCode.TOO_MANY_SESSIONS
    counter = await relay.counter(session)  # the counter always gets in
    await counter.send(type="text", speaker="clerk", text="どうぞ")
    await residents[0].expect("translation", kind="translation")
    await residents[0].close()
    again = await relay.resident(session)  # a slot freed by a resident is a resident's again
    await again.close()


async def _raw_websocket_that_never_reads(port: int, hello: dict[str, Any]) -> socket.socket:
    """A client with a tiny receive buffer that says hello and then never reads a byte."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()
    payload = json.dumps(hello).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    header = bytes([0x81, 0x80 | 126]) + struct.pack("!H", len(payload)) if len(payload) > 125 \
        else bytes([0x81, 0x80 | len(payload)])
    await asyncio.get_running_loop().sock_sendall(sock, request + header + mask + masked)
    return sock


async def test_a_socket_that_stops_reading_is_cut_off_and_frees_its_slot(make_relay: MakeRelay) -> None:
    # a long speech per translation: megabytes for the stuck client's socket to refuse
    engines = fake_engines(synthesizer=FakeSynthesizer(sentences=400))
    relay = await make_relay(engines, relay={"outbound_queue": 8, "max_connections_per_session": 2})
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    stuck = await _raw_websocket_that_never_reads(relay.client.port, {
        "type": "hello", "protocol": 1, "role": "counter", "token": relay.tokens["clerk"],
        "session_id": session["session_id"]})
    try:
        for _ in range(60):
            if len(relay.ctx.connections) == 2:
                break
            await asyncio.sleep(0.1)
        for n in range(12):
            await counter.send(type="text", speaker="clerk", text=f"長い説明です {n}")
            await counter.expect("tts.end", wait_s=20)
        for _ in range(150):  # close frame refused, then cut off: the relay lets go of it by itself
            if len(relay.ctx.connections) == 1:
                break
            await asyncio.sleep(0.1)
        health = await (await relay.client.get("/healthz")).json()
        assert health["connections"] == 1, "the stuck socket is no longer counted"
        third = await relay.counter(session)  # its slot is free again (the limit is 2)
        await third.close()
    finally:
        stuck.close()


async def test_websockets_are_not_compressed(relay: Relay) -> None:
    """permessage-deflate kept a zlib state of about 300 KB per connection and fragmented the relay's
    heap: under the long fuzz its memory grew by 100 MB and stayed there. The relay declines it
    (the PCM audio does not compress anyway; the JSON is small)."""
    ws = await relay.client.ws_connect("/ws", compress=15)  # the client offers it, as browsers do
    assert ws.compress == 0 and "Sec-WebSocket-Extensions" not in ws._response.headers
    await ws.close()
