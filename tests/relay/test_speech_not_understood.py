"""Speech that was shown as a partial and gave no final is never left to vanish: the speaker's screen is
told (notice ``speech_not_understood``), every screen clears the partial line, and IT gets a log line with
the reason and a count (``madoguchi_speech_not_understood_total``)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from pipelines.asr.quality import GUARD_CODES
from tests.fakes import FakeRecognizer, fake_engines
from tests.relay.conftest import MakeRelay, Relay, WsClient, pcm_silence

COUNT = 'madoguchi_speech_not_understood_total{reason="%s",speaker="%s"} 1.0'


async def speak(client: WsClient, seconds: float = 0.5) -> None:
    await client.send(type="audio.start", sample_rate=16000, encoding="pcm_s16le")
    await client.send_raw(pcm_silence(seconds))
    await client.send(type="audio.stop")


async def metric_line(relay: Relay, line: str) -> str | None:
    for _ in range(100):  # the count goes up just after the notice is sent
        text = await (await relay.client.get("/metrics")).text()
        if line in text:
            return line
        await asyncio.sleep(0.05)
    return None


async def test_the_resident_is_told_when_the_guard_drops_what_their_phone_showed(
        make_relay: MakeRelay, caplog: pytest.LogCaptureFixture) -> None:
    recognizer = FakeRecognizer([("vi", ""), ("vi", "Tôi cần giấy chứng nhận")], dropped=GUARD_CODES["loop"])
    relay = await make_relay(fake_engines(recognizer=recognizer))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    with caplog.at_level(logging.INFO, logger="madoguchi.handlers"):
        await speak(resident)
        partial = await resident.expect("partial")
        notice = await resident.expect("notice", code="speech_not_understood")
        assert (notice["utterance_id"], notice["lang"]) == (partial["utterance_id"], "vi")
        assert "loop" in notice["message"]
        await resident.expect("partial", text="", utterance_id=partial["utterance_id"])  # the line is not said on record
        await counter.expect("partial", text="", utterance_id=partial["utterance_id"])  # nor on the tablet
        assert await metric_line(relay, COUNT % ("loop", "resident"))
    [record] = [r for r in caplog.records if r.getMessage() == "speech not understood"]
    assert (record.reason, record.speaker, record.session) == ("loop", "resident", session["session_id"])  # type: ignore[attr-defined]

    await speak(resident)  # said again: it goes through as usual
    await counter.expect("transcript", speaker="resident", text="Tôi cần giấy chứng nhận")
    assert not [m for m in counter.seen if m["type"] == "notice"], "the tablet did not speak: its screen is not told"


async def test_the_clerk_is_told_when_the_microphone_stops_before_a_final(make_relay: MakeRelay) -> None:
    recognizer = FakeRecognizer([("ja", "住民票の写しを")], final_on_finish=False)
    relay = await make_relay(fake_engines(recognizer=recognizer))
    session = await relay.create_session("vi")
    counter, resident = await relay.counter(session), await relay.resident(session)
    await speak(counter)
    partial = await counter.expect("partial", speaker="clerk")
    notice = await counter.expect("notice", code="speech_not_understood")
    assert notice["utterance_id"] == partial["utterance_id"] and "no_final" in notice["message"]
    await counter.expect("partial", text="", utterance_id=partial["utterance_id"])
    assert await metric_line(relay, COUNT % ("no_final", "clerk"))
    assert not [m for m in resident.seen if m["type"] == "notice"]

