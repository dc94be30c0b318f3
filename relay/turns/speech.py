"""The speech of one session: its own queue, spoken one utterance at a time, in translation order.

A turn publishes its translation, hands the speech to this queue and goes on at once (back-translation,
then the speaker's next utterance): synthesis is the slowest stage on a busy node (Kokoro takes seconds
per sentence), and nobody should wait to *read* the next utterance while the last one is still being
spoken. One task per session serves the queue, so speech never overlaps and the listener hears the
utterances in the order their translations appeared. The task starts with the first queued utterance and
ends when the queue is empty: an idle session holds no task.

Overflow policy: at most ``limit`` utterances (``[relay] speech_backlog``, 3 by default) wait behind the one
being spoken. When another
comes, the oldest one waiting is skipped and its listeners get a ``speech_skipped`` notice: its text is on
their screen already, speech that far behind answers something the conversation has left, and the last
thing said is what the listener needs to hear to reply. The utterance being spoken is never cut.

Supervision: a failure of one utterance's speech that is not an engine failure (those are told to the
listener as ``tts_failed`` by the pipeline and counted in ``madoguchi_tts_failed_total{lang}``) is a bug:
logged with its traceback and counted in ``madoguchi_background_failures_total{task="speech"}`` (the counter
is given once, when the session's queue is made); the next utterance is spoken as usual. ``aclose``
(at session close and at shutdown) drops what waits, cancels the utterance being spoken and awaits the
task. Speech is transient: it is never stored, so nothing of it is left to finish after a crash.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("madoguchi.speech")

MAX_WAITING_SPEECH = 3  # the default of ``[relay] speech_backlog``; see the overflow policy


@dataclass
class QueuedSpeech:
    """One utterance's speech: ``speak`` synthesises and sends it; ``skip`` tells its listeners that it
    will not be spoken (the overflow policy)."""

    utterance_id: str
    speak: Callable[[], Awaitable[None]]
    skip: Callable[[], None]


class SpeechQueue:
    def __init__(self, name: str = "speech", limit: int = MAX_WAITING_SPEECH, failures: Any = None) -> None:
        self.name = name
        self.limit = limit
        self.failures = failures  # a Prometheus counter with a ``task`` label, when metrics are kept
        self._waiting: deque[QueuedSpeech] = deque()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def waiting(self) -> list[str]:
        """The utterance ids waiting to be spoken, oldest first (not the one being spoken)."""
        return [item.utterance_id for item in self._waiting]

    @property
    def busy(self) -> bool:
        return self._task is not None

    def put(self, item: QueuedSpeech) -> None:
        """Queue one utterance's speech without waiting (never blocks the turn)."""
        if self._closed:
            return  # the session is closing: nobody is left to hear it
        if len(self._waiting) >= self.limit:
            skipped = self._waiting.popleft()
            log.info("speech skipped: too far behind", extra={"session": self.name, "utterance": skipped.utterance_id})
            skipped.skip()
        self._waiting.append(item)
        if self._task is None:
            self._task = asyncio.create_task(self._serve(), name=f"speech-{self.name}")

    async def _serve(self) -> None:
        try:
            while self._waiting:
                item = self._waiting.popleft()
                try:
                    await item.speak()
                except Exception:
                    log.exception("speech failed", extra={"session": self.name, "utterance": item.utterance_id})
                    if self.failures is not None:
                        self.failures.labels("speech").inc()
        finally:
            self._task = None  # no await between the empty queue and here: a put never finds a dying task

    async def wait_idle(self) -> None:
        """Until everything queued so far has been spoken (or skipped)."""
        while (task := self._task) is not None:
            await asyncio.wait([task])

    async def aclose(self) -> None:
        """Drop what waits, stop what is being spoken and wait for the task; later puts are ignored."""
        self._closed = True
        self._waiting.clear()
        task = self._task
        if task is not None:
            task.cancel()
            await asyncio.wait([task])  # a cancellation of the caller itself still propagates
