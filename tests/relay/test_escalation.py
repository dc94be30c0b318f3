"""Escalation to a human interpreter through real websockets: AI → queue → operator → AI."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from pipelines.base import AudioChunk
from relay.wire.protocol import audio_frame, parse_audio_frame
from tests.fakes import FakeSynthesizer, FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay, Relay, WsClient, pcm_silence

FAST_QUEUE = {"queue": {"offer_timeout_s": 2.0, "reconnect_grace_s": 1.0, "max_wait_s": 60.0, "wrap_up_s": 0.0}}


async def _operator(relay: Relay, name: str = "operator", languages: tuple[str, ...] = ("en",)) -> WsClient:
    if name not in relay.tokens:
        _, relay.tokens[name] = await relay.ctx.auth.add_token("operator", name)
    ws = await relay.connect("operator", relay.tokens[name])
    await ws.send(type="operator.state", state="available", languages=list(languages))
    return ws


async def _escalate_and_connect(relay: Relay, session: dict[str, Any], counter: WsClient,
                                operator: WsClient) -> dict[str, Any]:
    await counter.send(type="escalate", reason="complicated question")
    queued = await counter.expect("escalation", state="queued")
    offer = await operator.expect("escalation", state="offered", session_id=session["session_id"])
    assert offer["lang"] == "en"
    await operator.send(type="accept", session_id=session["session_id"])
    await counter.expect("escalation", state="connected")
    await operator.expect("escalation", state="connected")  # the console waits for this before talking
    return queued


async def test_full_hand_off_and_return_to_ai(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    operator = await _operator(relay)
    await counter.send(type="text", speaker="clerk", text="国民健康保険の手続きですね")
    before = await counter.expect("transcript")

    queued = await _escalate_and_connect(relay, session, counter, operator)
    assert queued["position"] == 1 and queued["reason"] == "button"
    # the operator receives the whole conversation so far (before its own "connected"), then the live stream
    history = [m for m in operator.seen if m["type"] == "transcript"]
    assert [(m["utterance_id"], m["text"]) for m in history] == [(before["utterance_id"], "国民健康保険の手続きですね")]

    await operator.send(type="text", speaker="operator", text="Please show me your residence card.", lang="en")
    to_resident = await resident.expect("translation", kind="operator")
    assert (to_resident["lang"], to_resident["text"]) == ("en", "Please show me your residence card.")
    await operator.send(type="text", speaker="operator", text="在留カードを見せてください、と伝えました", lang="ja")
    to_clerk = await counter.expect("translation", kind="operator", lang="ja")
    assert "在留カード" in to_clerk["text"]

    # while the interpreter is connected the AI keeps transcribing but does not speak over them
    await counter.send(type="text", speaker="clerk", text="こちらです")
    await resident.expect("translation", kind="translation")
    live = await operator.expect("transcript", text="こちらです")
    assert live["speaker"] == "clerk"

    await operator.send(type="release", to="ai")
    returned = await counter.expect("escalation", state="returned")
    assert returned["reason"] == "released"
    await operator.expect("escalation", state="returned")
    await counter.send(type="text", speaker="clerk", text="ありがとうございました")
    await resident.expect("tts.start")  # the AI speaks again
    states = [m.get("state") for m in resident.seen]
    while_connected = resident.seen[states.index("connected"):states.index("returned")]
    assert [m for m in while_connected if m["type"] == "translation" and m["kind"] == "translation"]
    assert not [m for m in while_connected if m["type"] == "tts.start"], "the AI kept quiet meanwhile"

    transcript = await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                        headers=relay.auth("clerk"))
    rows = (await transcript.json())["utterances"]
    assert [r["speaker"] for r in rows].count("operator") == 2
    stats = await (await relay.client.get("/api/stats", headers=relay.auth("admin"))).json()
    assert stats["escalations_by_reason"].get("button") == 1


async def test_operator_correction_replaces_the_ai_translation(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    operator = await _operator(relay)
    await counter.send(type="text", speaker="clerk", text="印鑑登録をします")
    wrong = await resident.expect("translation", kind="translation")
    await _escalate_and_connect(relay, session, counter, operator)
    await operator.send(type="text", speaker="operator", text="We will register your personal seal.", lang="en",
                        replaces=wrong["utterance_id"])
    fixed = await resident.expect("translation", kind="operator")
    assert fixed["replaces"] == wrong["utterance_id"] == fixed["utterance_id"]
    await counter.expect("translation", kind="operator", replaces=wrong["utterance_id"])
    body = await (await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                         headers=relay.auth("clerk"))).json()
    translations = body["utterances"][0]["translations"]
    assert [(t["kind"], t["replaced"]) for t in translations if t["lang"] == "en"] == [
        ("translation", True), ("operator", False)]


async def test_asking_in_words_and_low_confidence_escalate_by_themselves(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(translator=FakeTranslator(confidence=0.1)), **FAST_QUEUE)
    asking = await relay.create_session("en")
    resident = await relay.resident(asking)
    await resident.send(type="text", speaker="resident", text="Interpreter, please!")
    assert (await resident.expect("escalation", state="queued"))["reason"] == "asked_in_words"

    unsure = await relay.create_session("vi")
    counter = await relay.counter(unsure)
    await counter.send(type="text", speaker="clerk", text="一つ目の説明です")
    await counter.send(type="text", speaker="clerk", text="二つ目の説明です")
    queued = await counter.expect("escalation", state="queued")
    assert queued["reason"] == "low_confidence"
    rows = await relay.ctx.store.escalations(unsure["session_id"])
    assert rows[0]["state"] == "requested" and rows[0]["figures"], "the figures behind the decision are stored"


async def test_engine_failure_offers_an_interpreter(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(translator=FakeTranslator(fail=True)), **FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="こんにちは")
    assert (await counter.expect("error"))["code"] == "engine_failed"
    offered = await counter.expect("escalation", state="offered")
    assert offered["reason"] == "engine_failed"


async def test_no_interpreter_is_suggested_while_one_is_connected(make_relay: MakeRelay) -> None:
    """An engine failing on the resident's words while an interpreter serves: the interpreter reads them;
    suggesting one (the phone's status and the tablet's bar said 'you can call an interpreter') is wrong."""
    relay = await make_relay(fake_engines(translator=FakeTranslator(fail=True)), **FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await _escalate_and_connect(relay, session, counter, await _operator(relay))
    await counter.send(type="text", speaker="resident", text="How much is it?", lang="en")
    assert (await counter.expect("error"))["code"] == "engine_failed"
    await counter.send(type="text", speaker="clerk", text="はい")  # the next event, after any suggestion
    await counter.expect("transcript", text="はい")
    assert not [m for m in counter.seen if m["type"] == "escalation" and m["state"] == "offered"]


async def test_cancel_decline_and_next_operator(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    first = await _operator(relay)
    await counter.send(type="escalate")
    await counter.expect("escalation", state="queued", by="counter")
    await first.expect("escalation", state="offered")
    second = await _operator(relay, "second operator")
    await first.send(type="decline", session_id=session["session_id"])
    await second.expect("escalation", state="offered", session_id=session["session_id"])
    await counter.send(type="escalation.cancel")
    await counter.expect("escalation", state="cancelled", by="counter")  # the clerk's own: said as such
    await second.expect("escalation", state="cancelled", session_id=session["session_id"])
    await counter.send(type="escalation.cancel")
    assert (await counter.expect("error"))["code"] == "not_escalated"


async def test_the_resident_withdraws_its_own_call(make_relay: MakeRelay) -> None:
    """A resident who pressed 「Call an interpreter」 by mistake withdraws it from the phone: everyone is
    told, the operator's offer goes, the call counts as withdrawn (not abandoned); once an interpreter
    is connected the phone cannot end the call (the interpreter does)."""
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    resident = await relay.resident(session)
    operator = await _operator(relay)
    await resident.send(type="escalate")
    await resident.expect("escalation", state="queued")
    await counter.expect("escalation", state="queued", reason="button", by="resident")  # not the clerk's call
    await operator.expect("escalation", state="offered", session_id=session["session_id"])
    await resident.send(type="escalation.cancel")
    await resident.expect("escalation", state="cancelled")
    await counter.expect("escalation", state="cancelled", by="resident")  # the tablet can say who withdrew it
    await operator.expect("escalation", state="cancelled", session_id=session["session_id"])
    stats = await relay.ctx.escalation.backend.stats()
    assert (stats.cancelled, stats.abandoned) == (1, 0), "withdrawn, not abandoned"
    await resident.send(type="escalation.cancel")
    refused = await resident.expect("error")
    assert (refused["code"], refused["fatal"]) == ("not_escalated", False)

    await resident.send(type="escalate")
    await operator.expect("escalation", state="offered", session_id=session["session_id"])
    await operator.send(type="accept", session_id=session["session_id"])
    await resident.expect("escalation", state="connected")
    await resident.send(type="escalation.cancel")
    assert (await resident.expect("error"))["code"] == "not_escalated"
    await resident.send(type="text", speaker="resident", text="Still there?")
    await operator.expect("transcript", text="Still there?")  # the interpreter still serves the session


async def test_no_interpreter_free_within_max_wait(make_relay: MakeRelay) -> None:
    relay = await make_relay(queue={"max_wait_s": 0.5})
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="escalate")
    await counter.expect("escalation", state="queued")
    unavailable = await counter.expect("escalation", state="unavailable")
    assert unavailable["reason"] == "no_interpreter_free"
    await counter.send(type="text", speaker="clerk", text="AIで続けます")
    await counter.expect("translation", kind="translation")


async def test_operator_drop_requeues_at_the_head_and_nothing_is_lost(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    operator = await _operator(relay)
    await counter.send(type="text", speaker="clerk", text="転出届の話です")
    said = await counter.expect("transcript")
    await _escalate_and_connect(relay, session, counter, operator)
    await operator.ws.close()  # the interpreter's network drops
    assert (await counter.expect("notice"))["code"] == "operator_disconnected"
    requeued = await counter.expect("escalation", state="queued")
    assert requeued["position"] == 1
    rescuer = await _operator(relay, "rescuer")
    await rescuer.expect("escalation", state="offered", session_id=session["session_id"])
    await rescuer.send(type="accept", session_id=session["session_id"])
    await rescuer.expect("escalation", state="connected")
    again = [m for m in rescuer.seen if m["type"] == "transcript"]
    assert [m["text"] for m in again] == ["転出届の話です"] and again[0]["utterance_id"] == said["utterance_id"]


async def test_operator_reconnecting_within_grace_keeps_the_session(make_relay: MakeRelay) -> None:
    relay = await make_relay(queue={"reconnect_grace_s": 30.0, "offer_timeout_s": 5.0})
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    operator = await _operator(relay)
    await _escalate_and_connect(relay, session, counter, operator)
    await counter.send(type="text", speaker="clerk", text="一点目")
    seen = await operator.expect("transcript", text="一点目")
    await operator.ws.close()
    await counter.expect("notice", code="operator_disconnected")
    await counter.send(type="text", speaker="clerk", text="二点目")
    back = await relay.connect("operator", relay.tokens["operator"], session["session_id"], resume_after=seen["seq"])
    missed = await back.expect("transcript")
    assert missed["text"] == "二点目", "the operator gets what it missed, and nothing twice"
    await counter.expect("notice", code="operator_reconnected")
    await back.send(type="text", speaker="operator", text="I am back", lang="en")
    await counter.expect("translation", kind="operator", text="I am back")


async def test_live_audio_both_ways(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    operator = await _operator(relay)
    await _escalate_and_connect(relay, session, counter, operator)
    await counter.send(type="audio.start", speaker="auto", sample_rate=16000)
    await counter.send_raw(pcm_silence(0.25))
    start = await operator.expect("live.start")
    assert start["sample_rate"] == 16000
    await counter.send(type="audio.stop")
    assert (await operator.expect("live.end"))["stream"] == start["stream"]
    assert operator.binary and parse_audio_frame(operator.binary[0]) == (start["stream"], pcm_silence(0.25))

    await operator.send(type="audio.start", sample_rate=24000)
    await operator.send_raw(pcm_silence(0.1, rate=24000))
    await operator.send(type="audio.stop")
    voice = await counter.expect("live.start", speaker="operator")
    assert voice["sample_rate"] == 24000 and voice["stream"] != start["stream"]
    await counter.expect("live.end", speaker="operator", stream=voice["stream"])
    assert audio_frame(voice["stream"], pcm_silence(0.1, rate=24000)) in counter.binary


async def test_queue_survives_a_relay_restart(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="escalate", urgent=True)
    await counter.expect("escalation", state="queued")
    await counter.ws.close()
    await relay.client.close()

    restarted = await make_relay(**FAST_QUEUE)
    queue = await (await restarted.client.get("/api/queue", headers=restarted.auth("operator"))).json()
    assert [e["session_id"] for e in queue["entries"]] == [session["session_id"]]
    back = await restarted.counter(session, resume_after=0)
    operator = await _operator(restarted)
    await operator.send(type="accept", session_id=session["session_id"])
    await back.expect("escalation", state="connected")


@pytest.mark.parametrize("role", ["counter", "resident"])
async def test_only_operators_act_on_the_queue(relay: Relay, role: str) -> None:
    session = await relay.create_session("en")
    ws = await (relay.counter(session) if role == "counter" else relay.resident(session))
    await ws.send(type="accept", session_id=session["session_id"])
    assert (await ws.expect("error"))["code"] == "forbidden"


async def test_counter_that_drops_keeps_its_place(make_relay: MakeRelay) -> None:
    relay = await make_relay(queue={"reconnect_grace_s": 30.0})
    first, second = await relay.create_session("en"), await relay.create_session("en")
    c1, c2 = await relay.counter(first), await relay.counter(second)
    await c1.send(type="escalate")
    await c1.expect("escalation", state="queued", position=1)
    await c2.send(type="escalate")
    await c2.expect("escalation", state="queued", position=2)
    await c1.ws.close()  # the tablet loses Wi-Fi
    back = await relay.counter(first, resume_after=0)
    replayed = await back.expect("escalation", state="queued")
    assert replayed["position"] == 1
    queue = await (await relay.client.get("/api/queue", headers=relay.auth("operator"))).json()
    assert [e["session_id"] for e in queue["entries"]] == [first["session_id"], second["session_id"]]


async def test_transfer_to_a_colleague(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    first = await _operator(relay)
    await counter.send(type="text", speaker="clerk", text="年金の手続きです")
    await _escalate_and_connect(relay, session, counter, first)
    colleague = await _operator(relay, "colleague")
    principal = await relay.ctx.auth.authenticate(relay.tokens["colleague"])
    assert principal is not None
    colleague_id = principal.id
    await first.send(type="transfer", operator_id=colleague_id)
    await first.expect("escalation", state="returned")
    await colleague.expect("escalation", state="offered", session_id=session["session_id"])
    await colleague.send(type="accept", session_id=session["session_id"])
    await colleague.expect("escalation", state="connected")
    assert [m["text"] for m in colleague.seen if m["type"] == "transcript"] == ["年金の手続きです"]
    await colleague.send(type="text", speaker="operator", text="I will continue.", lang="en")
    await counter.expect("translation", kind="operator", text="I will continue.")
    assert not any(m["type"] == "escalation" and m["state"] == "returned" for m in counter.seen), (
        "a transfer is not a return to the AI")
    await first.send(type="transfer", operator_id=colleague_id)
    assert (await first.expect("error"))["code"] == "invalid_state"


class GatedSynthesizer(FakeSynthesizer):
    """Speaks 4 sentences, but waits before sentence ``gate_at`` until the test opens the gate: the
    interpreter connects while the AI is still synthesising, deterministically."""

    def __init__(self, gate_at: int) -> None:
        super().__init__(sentences=4)
        self.gate_at, self.gate = gate_at, threading.Event()

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        for index, chunk in enumerate(super().synthesize(text, lang, rate)):
            if index == self.gate_at:
                self.gate.wait(10)
            yield chunk


@pytest.mark.parametrize("gate_at", [0, 1], ids=["before-the-first-sentence", "mid-speech"])
async def test_the_ai_stops_speaking_when_an_interpreter_connects(make_relay: MakeRelay, gate_at: int) -> None:
    # the AI is synthesising a translation when the interpreter connects: from "connected" on, the
    # resident hears the interpreter only — no tts.start, no more AI audio, and a stream already
    # started is closed with tts.end
    synth = GatedSynthesizer(gate_at)
    relay = await make_relay(fake_engines(synthesizer=synth), **FAST_QUEUE)
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    operator = await _operator(relay)
    await counter.send(type="text", speaker="clerk", text="住民票の写しは二階の窓口です")
    await resident.expect("translation", kind="translation")
    if gate_at:
        await resident.expect("tts.start")
    await _escalate_and_connect(relay, session, counter, operator)
    await resident.expect("escalation", state="connected")
    frames_at_connect = len(resident.binary)
    synth.gate.set()
    await operator.send(type="text", speaker="operator", text="I am the interpreter.", lang="en")
    await resident.expect("translation", kind="operator")
    await _drain(resident, 1.0)
    states = [m.get("state") for m in resident.seen]
    after = resident.seen[states.index("connected"):]
    assert not [m for m in after if m["type"] == "tts.start"], "no AI speech starts while the interpreter is on"
    assert len(resident.binary) == frames_at_connect, "the AI's audio stops"
    speech = [m["type"] for m in resident.seen if m["type"] in ("tts.start", "tts.end")]
    assert speech == (["tts.start", "tts.end"] if gate_at else []), "a started stream is closed"


async def _drain(ws: WsClient, seconds: float) -> None:
    """Collect whatever arrives within ``seconds``."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while await ws.recv(wait_s=seconds) is not None:
                pass
