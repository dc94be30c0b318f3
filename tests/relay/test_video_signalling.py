"""WebRTC signalling over the websocket: the relay forwards offers, answers and candidates between the
members of one session, adds who sent them, and refuses anyone who is not part of the call."""

from __future__ import annotations

from typing import Any

from tests.relay.conftest import MakeRelay, Relay, WsClient, drain

FAST_QUEUE = {"queue": {"offer_timeout_s": 5.0, "reconnect_grace_s": 5.0, "wrap_up_s": 0.0}}
SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 192.168.0.5 54321 typ host", "sdpMid": "0",
             "sdpMLineIndex": 0}


async def _served(relay: Relay, session: dict[str, Any]) -> tuple[WsClient, WsClient]:
    counter = await relay.counter(session)
    operator = await relay.connect("operator", relay.tokens["operator"])
    await operator.send(type="operator.state", state="available", languages=["en"])
    await counter.send(type="escalate", reason="手話")
    await operator.expect("escalation", state="offered")
    await operator.send(type="accept", session_id=session["session_id"])
    await operator.expect("escalation", state="connected")
    return counter, operator


async def test_offer_answer_and_candidates_go_between_counter_and_operator(make_relay: MakeRelay) -> None:
    video = {"ice_servers": ["stun:stun.city.example:3478", "turn:turn.city.example:3478"],
             "turn_username": "madoguchi", "turn_credential": "s3cret"}
    relay = await make_relay(**FAST_QUEUE, video=video)
    session = await relay.create_session("en")
    counter, operator = await _served(relay, session)
    welcome = next(m for m in counter.seen if m["type"] == "welcome")
    assert welcome["video"]["ice_servers"] == [
        {"urls": "stun:stun.city.example:3478"},
        {"urls": "turn:turn.city.example:3478", "username": "madoguchi", "credential": "s3cret"}]

    await operator.send(type="video.signal", to="counter", kind="invite", call_id="c1")
    invite = await counter.expect("video.signal", kind="invite")
    assert invite["sender"] == "operator"
    await counter.send(type="video.signal", to="operator", kind="offer", call_id="c1", sdp=SDP)
    offer = await operator.expect("video.signal", kind="offer")
    assert (offer["sdp"], offer["sender"], offer["call_id"]) == (SDP, "counter", "c1")
    await operator.send(type="video.signal", to="counter", kind="answer", call_id="c1", sdp=SDP)
    await counter.expect("video.signal", kind="answer", sender="operator")
    await counter.send(type="video.signal", to="operator", kind="candidate", call_id="c1", candidate=CANDIDATE)
    assert (await operator.expect("video.signal", kind="candidate"))["candidate"] == CANDIDATE
    await operator.send(type="video.signal", to="counter", kind="end", call_id="c1")
    await counter.expect("video.signal", kind="end", sender="operator")


async def test_signals_need_both_ends_in_the_session(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await counter.send(type="video.signal", to="operator", kind="offer", call_id="c1", sdp=SDP)
    assert (await counter.expect("error"))["code"] == "invalid_state", "no interpreter is connected yet"

    idle_operator = await relay.connect("operator", relay.tokens["operator"])
    await idle_operator.send(type="video.signal", to="counter", kind="invite", call_id="c1")
    assert (await idle_operator.expect("error"))["code"] == "invalid_state", "an operator not serving the session"

    await counter.send(type="video.signal", to="resident", kind="offer", call_id="c2", sdp=SDP)
    assert (await counter.expect("error"))["code"] == "forbidden", "the clerk has not allowed the phone"
    await resident.send(type="video.allow", resident=True)
    assert (await resident.expect("error"))["code"] == "forbidden", "only the counter allows video"

    await counter.send(type="video.allow", resident=True)
    await resident.expect("video.state", resident_allowed=True)
    await counter.send(type="video.signal", to="resident", kind="offer", call_id="c2", sdp=SDP)
    assert (await resident.expect("video.signal", kind="offer"))["sender"] == "counter"
    await counter.send(type="video.signal", to="resident", kind="offer", call_id="c2")
    assert (await counter.expect("error"))["code"] == "missing_field", "an offer without sdp"

    await counter.send(type="video.allow", resident=False)
    await resident.expect("video.signal", kind="end", reason="not_allowed")
    await resident.send(type="video.signal", to="counter", kind="answer", call_id="c2", sdp=SDP)
    assert (await resident.expect("error"))["code"] == "forbidden"
    await drain(counter)
    assert not any(m["type"] == "video.signal" for m in counter.seen)


async def test_video_can_be_switched_off(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE, video={"enabled": False})
    session = await relay.create_session("en")
    counter, _ = await _served(relay, session)
    assert next(m for m in counter.seen if m["type"] == "welcome")["video"]["enabled"] is False
    await counter.send(type="video.signal", to="operator", kind="offer", call_id="c1", sdp=SDP)
    assert (await counter.expect("error"))["code"] == "invalid_state"
