"""The bridge to the synchronous engines (relay.turns.bridge): each model runs in threads of its own, at
most its limit of calls at a time; a hung model fails its own calls after the timeout and stalls no
other model; a call is under way as soon as ``start`` returns."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import pytest

from pipelines.base import EngineError
from relay.turns.bridge import Bridge


async def until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


@pytest.fixture
def released() -> Iterator[threading.Event]:
    """Set at the end of each test, so that no engine call is left blocking a thread."""
    event = threading.Event()
    yield event
    event.set()


async def test_a_model_runs_at_most_its_limit_of_calls_at_once_and_the_rest_wait_in_order(
        released: threading.Event) -> None:
    bridge = Bridge({"mt": 2})
    running: list[int] = []
    finished: list[int] = []
    lock = threading.Lock()

    def translate(n: int) -> int:
        with lock:
            running.append(n)
        released.wait(5)
        with lock:
            finished.append(n)
        return n

    calls = [bridge.start("mt", translate, n) for n in range(5)]
    await until(lambda: len(running) == 2)
    await asyncio.sleep(0.05)
    assert sorted(running) == [0, 1], "only two translations run at once"
    assert bridge.waiting("mt") == 3 and bridge.idle_slots("mt") == 0
    released.set()
    assert await asyncio.gather(*calls) == [0, 1, 2, 3, 4]
    assert running[2:] == [2, 3, 4], "the waiting calls start in the order they were asked for"
    assert bridge.waiting("mt") == 0 and bridge.idle_slots("mt") == 2
    bridge.close()


async def test_a_hung_model_fails_its_calls_after_the_timeout_and_does_not_stall_another_model(
        released: threading.Event) -> None:
    # eight hung translations: more than the loop's default executor has threads on a small node
    bridge = Bridge({"mt": 8, "asr": 2}, timeout_s=0.2)
    hung = [bridge.start("mt", released.wait, 10) for _ in range(8)]
    assert await asyncio.wait_for(bridge.run("asr", lambda: "heard"), 2) == "heard", \
        "speech is recognised while the translator hangs"
    for call in hung:
        with pytest.raises(EngineError, match=r"did not answer within 0\.2 s"):
            await call
    later = bridge.start("mt", lambda: "late")  # its thread is still held by a hung call: it fails too
    with pytest.raises(EngineError):
        await later
    released.set()
    assert await bridge.run("mt", lambda: "back") == "back", "once the engine answers again, so does the bridge"
    bridge.close()


async def test_each_model_has_threads_of_its_own_and_an_engine_error_reaches_the_caller() -> None:
    bridge = Bridge({"mt": 1, "tts": 1})
    names = {await bridge.run(key, lambda: threading.current_thread().name) for key in ("mt", "tts")}
    assert {name.split("_")[0] for name in names} == {"bridge-mt", "bridge-tts"}

    def broken() -> None:
        raise EngineError("the model file is damaged")

    with pytest.raises(EngineError, match="damaged"):
        await bridge.run("mt", broken)
    assert bridge.idle_slots("mt") == 1, "a failed call frees its slot"
    bridge.close()
    with pytest.raises(EngineError):
        await bridge.run("mt", lambda: None)


async def test_a_caller_that_stops_waiting_leaves_the_queue_and_its_running_call_keeps_the_slot(
        released: threading.Event) -> None:
    bridge = Bridge({"mt": 1})
    first = bridge.start("mt", released.wait, 5)
    queued = bridge.start("mt", lambda: "never")
    await until(lambda: bridge.waiting("mt") == 1)
    queued.cancel()
    await until(lambda: bridge.waiting("mt") == 0)
    first.cancel()
    await asyncio.sleep(0.05)
    assert bridge.idle_slots("mt") == 0, "the model is still busy with the abandoned call"
    following = bridge.start("mt", lambda: "next")
    released.set()
    assert await asyncio.wait_for(following, 2) == "next"
    bridge.close()


async def test_work_nobody_waits_for_runs_after_every_live_call_of_its_model(released: threading.Event) -> None:
    """The phrasebook's speech made ahead (``background``) lets every live call of the voice go first."""
    bridge = Bridge({"tts": 1}, background_quiet_s=0.0)
    order: list[str] = []

    def speak(name: str, hold: bool = False) -> str:
        order.append(name)
        if hold:
            released.wait(5)
        return name

    first = bridge.start("tts", speak, "live 1", hold=True)
    await until(lambda: order == ["live 1"])
    ahead = bridge.background("tts", speak, "ahead")
    later = [bridge.start("tts", speak, f"live {n}") for n in (2, 3)]
    released.set()
    await asyncio.gather(first, ahead, *later)
    assert order == ["live 1", "live 2", "live 3", "ahead"]


async def test_work_nobody_waits_for_never_shares_the_model_with_live_calls_nor_fills_their_pauses(
        released: threading.Event) -> None:
    bridge = Bridge({"tts": 2}, background_quiet_s=0.0)
    live = bridge.start("tts", released.wait, 5)
    ahead = bridge.background("tts", lambda: "made ahead")
    assert bridge.idle_slots("tts") == 1, "a slot is free, but a live call runs: nothing is made ahead beside it"
    released.set()
    assert await live and await ahead == "made ahead"

    patient = Bridge({"tts": 2}, background_quiet_s=60.0)
    await patient.run("tts", lambda: "a sentence")  # the next sentence of the same speech is asked for now
    waiting = patient.background("tts", lambda: "made ahead")
    assert patient.idle_slots("tts") == 2, "a pause between two sentences is no time to make a phrase"
    waiting.cancel()
