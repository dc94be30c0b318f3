"""Finals first: while other sessions' audio waits for the recogniser, or when a step holds the
recogniser's last free slot, the step is told to skip its partial (``process(partials=False)``), so that
the queue drains at the cost of partials and a speaker who has just stopped finds a slot for the decode
of the final instead of waiting behind others' partial decodes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from pipelines.base import RecognitionEvent
from relay.turns.bridge import Bridge
from relay.turns.streams import RecognitionStream


class RecordingStream:
    """A recogniser stream that notes whether each step was allowed a partial."""

    def __init__(self, name: str, log: list[tuple[str, bool]]) -> None:
        self.name, self.log = name, log

    def insert_audio(self, pcm: bytes) -> None:
        pass

    def process(self, partials: bool = True) -> list[RecognitionEvent]:
        self.log.append((self.name, partials))
        return []

    def finish(self) -> list[RecognitionEvent]:
        return []


async def until(condition: Callable[[], bool], wait_s: float = 10.0) -> None:
    """Wait for the recogniser's threads (slow on a busy machine); say so when it never happens rather than
    going on to an assertion about something else."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while not condition():
        assert loop.time() < deadline, "never happened"
        await asyncio.sleep(0.01)


async def test_a_step_skips_its_partial_while_another_session_waits_for_the_recogniser() -> None:
    bridge = Bridge({"asr": 1})
    log: list[tuple[str, bool]] = []
    busy = threading.Event()
    holder = asyncio.create_task(bridge.run("asr", busy.wait, 30.0))  # a long decode of a third session
    await until(lambda: bridge.idle_slots("asr") == 0)
    first = RecognitionStream(bridge, RecordingStream("first", log), bytes_per_process=2)
    second = RecognitionStream(bridge, RecordingStream("second", log), bytes_per_process=2)
    first.push(b"\0\0")
    await until(lambda: bridge.waiting("asr") == 1)  # the first waits, alone, before the second comes
    second.push(b"\0\0")
    await until(lambda: bridge.waiting("asr") == 2)
    busy.set()
    await holder
    await until(lambda: len(log) == 2)
    # the first had someone behind it: no partial; the second was alone by then: its partial runs
    assert log == [("first", False), ("second", True)]
    assert bridge.waiting("asr") == 0
    await first.aclose()
    await second.aclose()


async def test_alone_on_the_recogniser_every_step_may_decode_a_partial() -> None:
    bridge = Bridge({"asr": 2})
    log: list[tuple[str, bool]] = []
    stream = RecognitionStream(bridge, RecordingStream("only", log), bytes_per_process=2)
    for step in range(1, 4):
        stream.push(b"\0\0")
        await until(lambda: len(log) >= step)  # noqa: B023 (awaited at once)
    assert log == [("only", True)] * 3
    await stream.aclose()


async def test_a_partial_never_takes_the_last_free_slot_of_the_recogniser() -> None:
    bridge = Bridge({"asr": 2})
    log: list[tuple[str, bool]] = []
    busy = threading.Event()
    other = asyncio.create_task(bridge.run("asr", busy.wait, 5.0))  # another session's decode
    await until(lambda: bridge.idle_slots("asr") == 1)
    stream = RecognitionStream(bridge, RecordingStream("speaker", log), bytes_per_process=2)
    stream.push(b"\0\0")
    await until(lambda: len(log) == 1)
    busy.set()
    await other
    stream.push(b"\0\0")
    await until(lambda: len(log) == 2)
    # while the other decode ran, this step would have taken the last slot: the final's, so no partial
    assert log == [("speaker", False), ("speaker", True)]
    await stream.aclose()
