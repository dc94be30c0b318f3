"""Speech runs beside the turns: the next utterance is shown while the last one is still being spoken.

The synthesizer is held (``FakeSynthesizer(hold=...)``): it stays busy until the test lets it go, like
Kokoro on a busy node, so what must not wait for speech is seen arriving while speech is stuck."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any

import pytest
from aiohttp import WSMsgType

from relay.runtime.metrics import RelayMetrics
from relay.turns.speech import QueuedSpeech, SpeechQueue
from relay.wire.protocol import parse_audio_frame
from tests.fakes import FakeRecognizer, FakeSynthesizer, fake_engines
from tests.relay.conftest import MakeRelay, WsClient, pcm_silence

SPOKEN_UTTERANCE = 16000  # bytes of audio after which the fake recogniser closes an utterance (0.5 s)


async def wait_until(condition: Any, wait_s: float = 10.0) -> None:
    deadline = time.monotonic() + wait_s
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        await asyncio.sleep(0.01)


async def speech_log(ws: WsClient, ends: int, wait_s: float = 10.0) -> list[tuple[str, Any]]:
    """tts.start / tts.end / notices and audio frames in arrival order, until ``ends`` tts.end came."""
    log: list[tuple[str, Any]] = []
    while sum(1 for kind, body in log if kind == "tts.end") < ends:
        msg = await ws.ws.receive(timeout=wait_s)
        if msg.type == WSMsgType.BINARY:
            stream, pcm = parse_audio_frame(msg.data)
            log.append(("audio", (stream, len(pcm))))
        elif msg.type == WSMsgType.TEXT:
            body = json.loads(msg.data)
            if body["type"] in ("tts.start", "tts.end", "notice"):
                log.append((body["type"], body))
        else:
            raise AssertionError(f"closed while waiting: {msg}")
    return log


def spoken_in_order(log: list[tuple[str, Any]]) -> list[str]:
    """The utterance ids spoken, checking that no utterance's audio interleaves with another's."""
    spoken, active = [], None
    for kind, body in log:
        if kind == "tts.start":
            assert active is None, "a second utterance started before the first one ended"
            active = body["stream"]
            spoken.append(body["utterance_id"])
        elif kind == "tts.end":
            assert body["stream"] == active
            active = None
        elif kind == "audio":
            assert body[0] == active, "every audio frame belongs to the utterance being spoken"
    return spoken


def audio_bytes(log: list[tuple[str, Any]]) -> dict[int, int]:
    """Bytes of audio per stream."""
    sizes: dict[int, int] = {}
    for kind, body in log:
        if kind == "audio":
            sizes[body[0]] = sizes.get(body[0], 0) + body[1]
    return sizes


def speech_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name().startswith("speech-") and not t.done()]


async def test_the_next_utterance_reaches_the_resident_while_the_last_one_is_still_being_spoken(
        make_relay: MakeRelay) -> None:
    hold = threading.Event()
    synth = FakeSynthesizer(voices=("vi",), hold=hold)
    recognizer = FakeRecognizer([("ja", "住民票をお持ちですか"), ("ja", "こちらにお名前を書いてください")],
                                utterance_bytes=SPOKEN_UTTERANCE)
    relay = await make_relay(fake_engines(recognizer=recognizer, synthesizer=synth))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    try:
        await counter.send(type="audio.start", speaker="clerk", sample_rate=16000)
        await counter.send_raw(pcm_silence(0.5))
        first = await resident.expect("translation", kind="translation")
        await wait_until(lambda: synth.requests)  # its speech is being synthesised, and stays so
        await counter.send_raw(pcm_silence(0.5))
        # the clerk's next sentence: transcript, translation and back-translation, speech still stuck
        second = await counter.expect("transcript", text="こちらにお名前を書いてください")
        translation = await resident.expect("translation", kind="translation")
        assert translation["utterance_id"] == second["utterance_id"]
        await counter.expect("translation", kind="back_translation", utterance_id=second["utterance_id"])
        assert not any(m["type"] == "tts.start" for m in resident.seen), "nothing was spoken yet"
    finally:
        hold.set()
    log = await speech_log(resident, ends=2)
    assert spoken_in_order(log) == [first["utterance_id"], second["utterance_id"]]
    await counter.send(type="audio.stop")


async def test_speech_far_behind_skips_the_oldest_waiting_utterance_and_says_so(make_relay: MakeRelay) -> None:
    hold = threading.Event()
    synth = FakeSynthesizer(voices=("vi",), sentences=1, hold=hold)
    relay = await make_relay(fake_engines(synthesizer=synth))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    said = ["一つ目です", "二つ目です", "三つ目です", "四つ目です", "五つ目です"]
    ids, shown = [], []
    try:
        for text in said:  # the first is being spoken; three wait; the fifth pushes out the second
            await counter.send(type="text", speaker="clerk", text=text)
            translation = await resident.expect("translation", kind="translation")
            ids.append(translation["utterance_id"])
            shown.append(translation["text"])
            await wait_until(lambda: synth.requests)
        notice = await resident.expect("notice", code="speech_skipped")
        assert notice["utterance_id"] == ids[1] and notice["lang"] == "vi"
    finally:
        hold.set()
    log = await speech_log(resident, ends=4)
    assert spoken_in_order(log) == [ids[0], ids[2], ids[3], ids[4]], "the skipped one is never spoken"
    assert [text for text, _lang, _rate in synth.requests] == [shown[0], *shown[2:]]


async def test_closing_the_session_stops_its_speech_and_leaves_no_task(make_relay: MakeRelay) -> None:
    hold = threading.Event()
    synth = FakeSynthesizer(voices=("vi",), hold=hold)
    relay = await make_relay(fake_engines(synthesizer=synth))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    try:
        for text in ("一つ目です", "二つ目です"):  # one being spoken, one waiting
            await counter.send(type="text", speaker="clerk", text=text)
            await resident.expect("translation", kind="translation")
        await wait_until(lambda: synth.requests)
        assert speech_tasks(), "speech is being synthesised in its session's task"
        resp = await relay.client.post(f"/api/sessions/{session['session_id']}/close", headers=relay.auth("clerk"))
        assert resp.status == 200, await resp.text()
        await resident.expect("session.closed")
        assert speech_tasks() == [], "the session's speech task was cancelled and awaited"
    finally:
        hold.set()
    await asyncio.sleep(0.1)  # the held thread finishes its sentence: nobody sends it
    assert not any(m["type"] == "tts.start" for m in resident.seen)
    assert len(synth.requests) == 1, "the waiting utterance was dropped, not synthesised"


async def test_a_bug_in_one_utterances_speech_is_logged_and_the_next_is_spoken(
        caplog: pytest.LogCaptureFixture) -> None:
    metrics = RelayMetrics()
    queue = SpeechQueue("s1", failures=metrics.background_failures)
    spoken: list[str] = []

    async def broken() -> None:
        raise RuntimeError("a bug in speech")

    async def fine() -> None:
        spoken.append("u2")

    with caplog.at_level(logging.ERROR, logger="madoguchi.speech"):
        queue.put(QueuedSpeech("u1", broken, lambda: None))
        queue.put(QueuedSpeech("u2", fine, lambda: None))
        await queue.wait_idle()
    assert spoken == ["u2"]
    assert any(r.exc_info and "a bug in speech" in str(r.exc_info[1]) for r in caplog.records), "logged with its traceback"
    assert metrics.background_failures.labels("speech")._value.get() == 1
    assert not queue.busy and speech_tasks() == []


async def test_shutdown_stops_every_sessions_speech(make_relay: MakeRelay) -> None:
    hold = threading.Event()
    relay = await make_relay(fake_engines(synthesizer=FakeSynthesizer(voices=("vi",), hold=hold)))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    try:
        await counter.send(type="text", speaker="clerk", text="少々お待ちください")
        await resident.expect("translation", kind="translation")
        await wait_until(speech_tasks)
        await relay.ctx.hub.stop_speech()
        assert speech_tasks() == []
    finally:
        hold.set()
