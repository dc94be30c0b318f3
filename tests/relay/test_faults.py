"""Faults inside the relay: a store that cannot write, an engine that raises or hangs, a background
loop that fails. Each is reported and survived; nobody else's session is harmed."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from pipelines.base import EngineError, Translation
from relay.storage.store import Store
from tests.fakes import FakeRecognizer, FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay, Relay, pcm_silence


async def _read_only(store: Store, on: bool) -> None:
    """The database refuses writes exactly as a read-only file does (SQLITE_READONLY)."""
    def pragma() -> None:
        assert store._db is not None
        store._db.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")

    await store._run(pragma)


async def _health(relay: Relay) -> dict[str, Any]:
    return await (await relay.client.get("/healthz")).json()


async def test_store_fault_is_reported_survived_and_recovered(relay: Relay) -> None:
    session, other = await relay.create_session("en"), await relay.create_session("en")
    counter, bystander = await relay.counter(session), await relay.counter(other)
    await _read_only(relay.ctx.store, True)

    await counter.send(type="text", speaker="clerk", text="住所変更の手続きです", client_id="c-1")
    error = await counter.expect("error")
    assert (error["code"], error["fatal"], error["client_id"]) == ("store_unavailable", False, "c-1")
    health = await _health(relay)
    assert health["status"] == "degraded" and health["store"].startswith("unavailable")
    resp = await relay.client.post("/api/sessions", headers=relay.auth("clerk"), json={"counter": "3"})
    assert resp.status == 503 and (await resp.json())["error"]["code"] == "store_unavailable"

    await _read_only(relay.ctx.store, False)  # the disk is back: nobody restarts anything
    health = await _health(relay)
    assert (health["status"], health["store"]) == ("ok", "ok")
    await counter.send(type="text", speaker="clerk", text="住所変更の手続きです", client_id="c-1")  # the resend
    stored = await counter.expect("transcript", client_id="c-1")
    await counter.expect("translation", utterance_id=stored["utterance_id"], kind="translation")
    await counter.send(type="text", speaker="clerk", text="住所変更の手続きです", client_id="c-1")  # once more
    notice = await counter.expect("notice")
    assert (notice["code"], notice["client_id"]) == ("already_stored", "c-1")
    await bystander.send(type="text", speaker="clerk", text="こちらは無事です")
    await bystander.expect("transcript", text="こちらは無事です")
    assert counter.close_code is None and bystander.close_code is None
    rows = (await (await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                          headers=relay.auth("clerk"))).json())["utterances"]
    assert [r["text"] for r in rows] == ["住所変更の手続きです"], "stored once, after the disk came back"


async def test_speech_that_cannot_be_stored_is_given_back_as_recognised(make_relay: MakeRelay) -> None:
    relay = await make_relay(fake_engines(recognizer=FakeRecognizer([("ja", "転入届を出してください")])))
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await _read_only(relay.ctx.store, True)
    await counter.send(type="audio.start", speaker="auto", sample_rate=16000)
    await counter.send_raw(pcm_silence(0.5))
    await counter.send(type="audio.stop")
    cleared = await counter.expect("partial", text="")  # its partial line goes: nothing of it was said on record
    error = await counter.expect("error")
    # the speech is gone from the tablet: the text comes back, to be sent as typed text if the clerk wants
    assert (error["code"], error["fatal"], error["speaker"], error["lang"], error["text"]) == (
        "store_unavailable", False, "clerk", "ja", "転入届を出してください")
    assert error["utterance_id"] == cleared["utterance_id"] and "client_id" not in error

    await _read_only(relay.ctx.store, False)
    await counter.send(type="text", speaker="clerk", text=error["text"], client_id="c-2")
    await counter.expect("transcript", client_id="c-2", text="転入届を出してください")


async def test_connecting_while_the_store_is_down_says_try_again(relay: Relay) -> None:
    session = await relay.create_session("en")
    await _read_only(relay.ctx.store, True)
    ws = await relay.counter(session, expect_welcome=False)
    error = await ws.expect("error")
    assert error["code"] == "store_unavailable"
    assert await ws.recv() is None and ws.close_code == 1013
    await _read_only(relay.ctx.store, False)
    await relay.counter(session)


class _Moody(FakeTranslator):
    """Raises on "故障", hangs on "停止", translates everything else."""

    def translate(self, text: str, source: str, target: str) -> Translation:
        if "故障" in text:
            raise EngineError("the model crashed on this input")
        if "停止" in text:
            time.sleep(1.5)
        return super().translate(text, source, target)


@pytest.mark.parametrize("trigger", ["故障です", "停止します"])
async def test_an_engine_that_raises_or_hangs_fails_that_utterance_only(make_relay: MakeRelay, trigger: str) -> None:
    relay = await make_relay(fake_engines(translator=_Moody()), relay={"engine_timeout_s": 0.5},
                             queue={"offer_timeout_s": 2.0, "max_wait_s": 60.0})
    session, other = await relay.create_session("en"), await relay.create_session("en")
    counter, bystander = await relay.counter(session), await relay.counter(other)
    await counter.send(type="text", speaker="clerk", text=trigger)
    await counter.expect("transcript", text=trigger)
    error = await counter.expect("error")
    assert (error["code"], error["fatal"]) == ("engine_failed", False)
    assert (await counter.expect("escalation", state="offered"))["reason"] == "engine_failed"
    await bystander.send(type="text", speaker="clerk", text="こんにちは")
    await bystander.expect("translation", kind="translation")
    await counter.send(type="text", speaker="clerk", text="次の件です")  # the session goes on
    await counter.expect("translation", kind="translation")


async def test_a_failing_queue_tick_is_logged_and_the_loop_goes_on(
        make_relay: MakeRelay, caplog: pytest.LogCaptureFixture) -> None:
    relay = await make_relay(queue={"max_wait_s": 0.5})
    backend = relay.ctx.escalation.backend
    real_tick, failures = backend.tick, []

    async def tick_failing_once() -> Any:
        if not failures:
            failures.append(1)
            raise ConnectionError("redis went away")
        return await real_tick()

    backend.tick = tick_failing_once
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    with caplog.at_level(logging.ERROR, logger="madoguchi.supervision"):
        await counter.send(type="escalate")
        await counter.expect("escalation", state="queued")
        # nobody is free: the maximum wait still ends the wait, although a tick failed
        unavailable = await counter.expect("escalation", state="unavailable", wait_s=15)
    assert unavailable["state"] == "unavailable" and failures
    logged = [r for r in caplog.records if r.getMessage().startswith("background task failed")]
    assert logged and logged[0].exc_info is not None and getattr(logged[0], "task", "") == "queue-ticks"
