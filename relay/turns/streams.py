"""Async streams over the synchronous engine state machines.

``RecognitionStream`` gives a ``RecognizerStream`` the verbs every engine stream has here: ``push``,
``flush``, ``end_input``, ``aclose`` and ``async for``. Audio pushed while a decode is running is
gathered on the loop side and handed over in one piece with the next decode, so a slow decoder makes
decodes larger, never a queue longer (the relay's audio-rate limit bounds the buffer). An exception raised
by the engine in its thread is re-raised in the consumer's ``async for``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from pipelines.base import RecognitionEvent, RecognizerStream
from relay.turns.bridge import Bridge


class _End:
    pass


class RecognitionStream:
    def __init__(self, bridge: Bridge, stream: RecognizerStream, *, bytes_per_process: int,
                 bridge_key: str = "asr") -> None:
        self._bridge = bridge
        self._stream = stream
        self._key = bridge_key
        self._min_bytes = bytes_per_process
        self._pending = bytearray()
        self._wake = asyncio.Event()
        self._flush_requested = False
        self._ended = False
        self._events: asyncio.Queue[RecognitionEvent | _End | BaseException] = asyncio.Queue()
        self._pump = asyncio.create_task(self._run(), name="asr-pump")

    # ------------------------------------------------------------ producer side

    def push(self, pcm: bytes) -> None:
        if self._ended:
            raise RuntimeError("push after end_input")
        self._pending += pcm
        if len(self._pending) >= self._min_bytes:
            self._wake.set()

    def flush(self) -> None:
        """Decode what is buffered now, even if it is less than one step."""
        self._flush_requested = True
        self._wake.set()

    def end_input(self) -> None:
        """No more audio: the current utterance is finished and the stream ends after its final."""
        self._ended = True
        self._wake.set()

    async def aclose(self) -> None:
        self._pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._pump

    # ------------------------------------------------------------ consumer side

    def __aiter__(self) -> AsyncIterator[RecognitionEvent]:
        return self

    async def __anext__(self) -> RecognitionEvent:
        item = await self._events.get()
        if isinstance(item, _End):
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        return item

    # ------------------------------------------------------------ the pump

    async def _run(self) -> None:
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                chunk, self._pending = bytes(self._pending), bytearray()
                ended, self._flush_requested = self._ended, False
                for event in await self._bridge.run(self._key, self._step, chunk, ended):
                    self._events.put_nowait(event)
                if ended:
                    break
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # an engine failure: re-raised in the consumer
            self._events.put_nowait(exc)
        self._events.put_nowait(_End())

    def _partials_welcome(self) -> bool:
        """Finals first: a partial is decoded only if no other session's step waits for the recogniser and
        a slot stays free after this one (the pause decode that a final reuses must never queue behind
        partials). With one slot only, partials run whenever nobody waits."""
        bridge, key = self._bridge, self._key
        return bridge.waiting(key) == 0 and (bridge.idle_slots(key) > 0 or bridge.limit(key) == 1)

    def _step(self, chunk: bytes, ended: bool) -> list[RecognitionEvent]:
        """Runs in a worker thread: the state machine is only ever touched by one step at a time."""
        if chunk:
            self._stream.insert_audio(chunk)
        events = list(self._stream.process(partials=self._partials_welcome()))
        if ended:
            events += self._stream.finish()
        return events
