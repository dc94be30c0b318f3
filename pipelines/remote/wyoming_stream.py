"""The relay's streaming state machine for remote decoders: partials that never hold up the pause.

A remote decode re-sends the utterance so far and takes as long as the server needs: a fraction of a
second on a GPU server, seconds on a busy CPU one. In ``WhisperStream`` a partial decode blocks
``process``, so the local VAD hears the speaker's pause only once the partial in flight is back; with
slow answers the pause and the endpoint then fall into the same step, and the relay never gets the
pause text (``RecognitionEvent.final_text``) to translate at the pause (``relay/turns/early.py``).

Here a partial is sent in the background: ``process`` returns at once and keeps running the VAD on
every new piece of audio, and the partial is shown when its answer comes back, if its utterance is
still open and no pause was heard meanwhile. When the VAD hears the pause, the utterance so far is sent
at once, as in the in-process stream (the pause decode, a blocking request): its text goes out as the
pause partial with ``final_text``, and the final reuses it when the pause becomes the endpoint. The
partial still in flight at that moment is left to finish on its own and its answer dropped (a request
cannot be called back), as is one whose utterance ended.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from pipelines.asr.audio import WHISPER_RATE
from pipelines.asr.decoder import Hypothesis
from pipelines.asr.endpoint import WINDOW
from pipelines.asr.stream import WhisperStream
from pipelines.base import RecognitionEvent

# one partial in flight per speaking stream; threads are started as needed, up to this many
PARTIAL_REQUESTS = ThreadPoolExecutor(max_workers=64, thread_name_prefix="wyoming-partial")


class RemoteWhisperStream(WhisperStream):
    def _reset_utterance(self) -> None:
        super()._reset_utterance()
        # the partial in flight: its future and the audio span [start, end) it was sent for
        self._in_flight: tuple[Future[Hypothesis], int, int, bool] | None = None
        self._partial_end = -1  # where the last partial request's audio ended

    def _maybe_partial(self, partials: bool) -> list[RecognitionEvent]:
        """``partials=False`` (``[asr] skip_partials_when_busy``): no new partial is sent now; an answer
        already back is still shown, and the pause decode still runs."""
        events = self._partial_answer()
        ep, utt = self._endpointer, self._endpointer.current
        if utt is None or ep.speech_s < self._config.min_speech_s:
            return events
        span = self._pause_span()
        if span is not None:
            events += super()._maybe_partial(partials)  # the pause decode, once the audio after the speech is in
            if self._announced == span:
                self._in_flight = None  # it says more than the partial still on its way (a breath keeps it)
            return events
        audio_end = ep.window_index * WINDOW
        last_end = self._partial_end if self._partial_end > utt.start else utt.start
        if partials and self._in_flight is None and (
                (audio_end - last_end) / WHISPER_RATE >= self._config.partial_interval_s):
            self._send_partial(utt.start, audio_end)
        return events

    def _send_partial(self, start: int, end: int) -> None:
        audio = self._slice(start, end).copy()  # the stream trims its buffer meanwhile
        prefix = self._agreement.committed_text
        future = PARTIAL_REQUESTS.submit(self._decode_audio, audio, self._config.partial_beam_size, prefix)
        self._in_flight, self._partial_end = (future, start, end, bool(prefix)), end

    def _partial_answer(self) -> list[RecognitionEvent]:
        """The partial whose answer came back, shown as the in-process stream shows its own (a failed
        request raises here, as a failed decode does there)."""
        if self._in_flight is None or not self._in_flight[0].done():
            return []
        future, start, end, prefixed = self._in_flight
        self._in_flight = None
        hyp = future.result()
        self._last_hyp, self._hyp_span, self._hyp_beam = hyp, (start, end), self._config.partial_beam_size
        self._hyp_prefixed = prefixed
        return self._partial_event(hyp, start, end)

