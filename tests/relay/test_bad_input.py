"""Each bad input gets an error with a stable code; the connection stays; other sessions are untouched."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from relay.wire.protocol import CloseCode
from tests.fakes import FakeRecognizer, FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay, Relay, WsClient, pcm_silence

BAD_TEXT_FRAMES = [
    ("{not json", "invalid_json"),
    ("[1, 2]", "not_an_object"),
    (json.dumps({"text": "no type"}), "missing_field"),
    (json.dumps({"type": "dance"}), "unknown_type"),
    (json.dumps({"type": "welcome", "protocol": 1}), "unknown_type"),  # a relay → client type
    (json.dumps({"type": "text", "speaker": "clerk"}), "missing_field"),
    (json.dumps({"type": "text", "speaker": "clerk", "text": 42}), "invalid_field"),
    (json.dumps({"type": "text", "speaker": "nobody", "text": "x"}), "invalid_field"),
    (json.dumps({"type": "text", "speaker": "clerk", "text": "   "}), "empty_text"),
    (json.dumps({"type": "text", "speaker": "clerk", "text": "x", "lang": "xx"}), "unsupported_language"),
    (json.dumps({"type": "settings"}), "missing_field"),
    (json.dumps({"type": "settings", "mode": "poetry"}), "invalid_field"),
    (json.dumps({"type": "settings", "resident_lang": "klingon"}), "unsupported_language"),
    (json.dumps({"type": "audio.stop"}), "audio_not_started"),
    (json.dumps({"type": "audio.start", "sample_rate": 96000}), "unsupported_sample_rate"),
    (json.dumps({"type": "audio.start", "sample_rate": 4000}), "unsupported_sample_rate"),
    (json.dumps({"type": "audio.start", "sample_rate": "fast"}), "invalid_field"),
    (json.dumps({"type": "audio.start", "encoding": "opus"}), "invalid_field"),
    (json.dumps({"type": "hello", "protocol": 1, "role": "counter", "token": "x"}), "already_hello"),
]


async def _still_works(ws: WsClient) -> None:
    await ws.send(type="text", speaker="clerk", text="はい")
    await ws.expect("transcript", text="はい")


@pytest.mark.parametrize(("frame", "code"), BAD_TEXT_FRAMES)
async def test_bad_message_gets_error_and_connection_stays(relay: Relay, frame: str, code: str) -> None:
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send_raw(frame)
    error = await ws.expect("error")
    assert error["code"] == code and error["fatal"] is False
    await _still_works(ws)


async def test_audio_frame_errors(relay: Relay) -> None:
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send_raw(pcm_silence(0.1))
    assert (await ws.expect("error"))["code"] == "audio_not_started"
    await ws.send(type="audio.start", sample_rate=16000)
    await ws.send(type="audio.start", sample_rate=16000)
    assert (await ws.expect("error"))["code"] == "audio_already_started"
    await ws.send_raw(b"\x00\x01\x02")
    assert (await ws.expect("error"))["code"] == "odd_length_pcm"
    await ws.send_raw(b"\x00" * (relay.ctx.settings.relay.max_message_bytes + 2))
    assert (await ws.expect("error"))["code"] == "message_too_large"
    await ws.send(type="audio.stop")
    await _still_works(ws)


async def test_audio_much_faster_than_real_time_is_refused(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"audio_rate_window_s": 1.0, "max_audio_rate": 2.0})
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="audio.start", sample_rate=16000)
    for _ in range(12):  # 6 s of audio in a burst: the 1 s window at 2× admits about 2 s
        await ws.send_raw(pcm_silence(0.5))
    error = await ws.expect("error", code="audio_too_fast")
    assert error["fatal"] is False
    await ws.send(type="audio.stop")
    await _still_works(ws)


async def test_sustained_abuse_closes_the_connection(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"error_limit": 5})
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    for _ in range(8):
        await ws.send_raw("{")
    while await ws.recv() is not None:
        pass
    assert ws.close_code == CloseCode.ABUSE


async def test_hello_failures_close_with_4xxx(relay: Relay) -> None:
    session = await relay.create_session("en")
    cases = [
        ({"type": "hello", "protocol": 2, "role": "counter", "token": relay.tokens["clerk"],
          "session_id": session["session_id"]}, "unsupported_protocol", CloseCode.PROTOCOL_VERSION),
        ({"type": "hello", "protocol": 1, "role": "counter", "token": "nope",
          "session_id": session["session_id"]}, "unauthorized", CloseCode.UNAUTHORIZED),
        ({"type": "hello", "protocol": 1, "role": "counter", "token": relay.tokens["clerk"],
          "session_id": "doesnotexist"}, "session_not_found", CloseCode.SESSION_NOT_FOUND),
        ({"type": "text", "speaker": "clerk", "text": "hi"}, "hello_required", CloseCode.BAD_HELLO),
        ({"type": "hello", "protocol": 1, "role": "wizard", "token": "x"}, "invalid_field", CloseCode.BAD_HELLO),
    ]
    for hello, code, close_code in cases:
        ws = WsClient(await relay.client.ws_connect("/ws"))
        await ws.send(**hello)
        error = await ws.expect("error")
        assert (error["code"], error["fatal"]) == (code, True)
        assert await ws.recv() is None and ws.close_code == close_code


async def test_no_hello_in_time_is_closed(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"hello_timeout_s": 0.2})
    ws = WsClient(await relay.client.ws_connect("/ws"))
    assert (await ws.expect("error"))["code"] == "hello_required"
    assert await ws.recv() is None and ws.close_code == CloseCode.HELLO_TIMEOUT


async def test_foreign_origin_is_refused(relay: Relay) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await relay.client.ws_connect("/ws", headers={"Origin": "https://evil.example"})
    ws = await relay.client.ws_connect("/ws", headers={"Origin": f"http://{relay.client.host}:{relay.client.port}"})
    await ws.close()


async def test_session_limit(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"max_sessions": 2})
    await relay.create_session("en")
    await relay.create_session("en")
    resp = await relay.client.post("/api/sessions", headers=relay.auth("clerk"), json={"counter": "3"})
    assert resp.status == 429 and (await resp.json())["error"]["code"] == "too_many_sessions"


async def test_engine_failure_is_reported_and_session_goes_on(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(translator=FakeTranslator(fail=True)))
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="text", speaker="clerk", text="こんにちは")
    said = await ws.expect("transcript")
    error = await ws.expect("error")
    assert error["code"] == "engine_failed" and not error["fatal"]
    assert error["utterance_id"] == said["utterance_id"], "the tablet can mark the sentence the resident never got"
    await _still_works(ws)


async def test_an_untranslated_sentence_is_stored_and_marked_again_after_a_reload(make_relay: MakeRelay) -> None:
    """The error is not replayed, so the relay stores ``untranslated``: a tablet that reloads still knows
    which sentences the other side never got; the phone is told of its own and of the staff's it never got."""
    relay = await make_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi"), ("vi", "ja")])))
    session = await relay.create_session("vi")
    counter, phone = await relay.counter(session), await relay.resident(session)
    await counter.send(type="text", speaker="clerk", text="住民票ですね")
    clerk = await counter.expect("transcript", speaker="clerk")
    # the phone is told that the staff's words never reached it (with no text of them), and of its own
    await phone.expect("untranslated", utterance_id=clerk["utterance_id"], speaker="clerk", lang="vi")
    await phone.send(type="text", speaker="resident", text="Vâng")
    resident = await counter.expect("transcript", speaker="resident")
    await phone.expect("untranslated", utterance_id=resident["utterance_id"])
    await counter.expect("untranslated", utterance_id=resident["utterance_id"])
    reloaded = await relay.counter(session, resume_after=0)
    await reloaded.expect("untranslated", utterance_id=resident["utterance_id"])
    marks = [m for m in reloaded.seen if m["type"] == "untranslated"]
    assert [(m["utterance_id"], m["speaker"], m["lang"], m["code"]) for m in marks] == [
        (clerk["utterance_id"], "clerk", "vi", "engine_unavailable"),
        (resident["utterance_id"], "resident", "ja", "engine_unavailable")]
    assert not any(m["type"] in ("transcript", "partial") and m.get("speaker") == "clerk" for m in phone.seen)


async def test_recognizer_failure_reaches_the_counter(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(recognizer=FakeRecognizer(fail=True)))
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="audio.start", sample_rate=16000)
    await ws.send_raw(pcm_silence(0.5))
    error = await ws.expect("error")
    assert error["code"] == "engine_failed"
    await ws.send(type="audio.stop")
    await _still_works(ws)


async def test_bad_input_in_one_session_leaves_others_untouched(relay: Relay) -> None:
    a, b = await relay.create_session("en"), await relay.create_session("en")
    wa, wb = await relay.counter(a), await relay.counter(b)
    await asyncio.gather(*(wa.send_raw("{") for _ in range(3)))
    await wb.send(type="text", speaker="clerk", text="どうぞ")
    await wb.expect("transcript", text="どうぞ")
    assert not any(m["type"] == "error" for m in wb.seen)


async def test_client_that_stops_answering_pings_is_disconnected(make_relay: MakeRelay) -> None:
    relay = await make_relay(relay={"heartbeat_s": 0.2})
    session = await relay.create_session("en")
    raw = await relay.client.ws_connect("/ws", autoping=False)
    ws = WsClient(raw)
    await ws.send(type="hello", protocol=1, role="counter", token=relay.tokens["clerk"],
                  session_id=session["session_id"])
    while True:
        msg = await raw.receive(timeout=10)
        if msg.type.name in ("CLOSE", "CLOSED", "CLOSING", "ERROR"):
            break
    assert raw.closed or msg.type.name in ("CLOSE", "CLOSED")
