"""The per-session streaming state machine: audio in, partial and final recognition events out.

``insert_audio`` only queues bytes (cheap, safe to call on the event loop); ``process`` resamples, runs
the VAD and the endpointer, closes finished utterances and decodes a partial of the open one when at least
``partial_interval_s`` of new audio arrived.

Partials are decoded with the committed text (what two successive partials agreed on) forced as the
decoder's prefix: cheap, and the visible text stops flickering. The final is decoded afresh over the
whole utterance, without a prefix, so that a word misheard while the audio was still cut off mid-word is
never carried into what the relay translates: a final is as good as decoding the utterance offline.

When the speaker pauses, the audio up to the end of speech is decoded at once that way, so that when the
endpointer confirms the end of the utterance the final is usually ready without another decode — this is
what keeps end-of-speech → final latency low. The same decode tells the endpointer whether the sentence
sounds finished (「…ください」) or goes on after a breath (「手続きは、」), which decides how much
silence ends the utterance.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence

import numpy as np

from pipelines.asr.agreement import LocalAgreement
from pipelines.asr.audio import WHISPER_RATE, PcmResampler
from pipelines.asr.config import AsrConfig
from pipelines.asr.decoder import Decoder, Hypothesis
from pipelines.asr.endpoint import WINDOW, Boundary, Endpointer, StreamingVad
from pipelines.asr.hints import GlossaryHints, merge_used
from pipelines.asr.quality import GUARD_CODES, confidence, guard_reason, is_loop
from pipelines.asr.scoring import repeated_run
from pipelines.asr.sentence import final_without_repeat, sounds_unfinished, without_restart
from pipelines.base import RecognitionEvent
from pipelines.languages import JAPANESE

LOOP_RETRY_PAD_S = 1.0  # more silence after the speech for the one retry of a looping final


class WhisperStream:
    def __init__(self, decoder: Decoder, vad: StreamingVad, config: AsrConfig,
                 languages: Sequence[str], sample_rate: int, hints: GlossaryHints | None = None) -> None:
        if not languages:
            raise ValueError("a recognition stream needs at least one language")
        self._decoder = decoder
        self._vad = vad
        self._config = config
        self.languages: list[str] = list(dict.fromkeys(languages))
        self._resampler = PcmResampler(sample_rate)
        self._endpointer = self._new_endpointer()
        self._pending: list[bytes] = []
        self._audio = np.zeros(0, dtype=np.float32)
        self._audio_offset = 0  # absolute sample index of self._audio[0]
        self._hints = hints
        self._terms_used: list[str] = []  # glossary terms of this session's finals, most recent last
        self._reset_utterance()

    # ------------------------------------------------------------------ public API

    def insert_audio(self, pcm: bytes) -> None:
        if not isinstance(pcm, (bytes, bytearray, memoryview)):
            raise TypeError(f"audio must be PCM s16le bytes, not {type(pcm).__name__}")
        self._pending.append(bytes(pcm))

    def process(self, partials: bool = True) -> list[RecognitionEvent]:
        """``partials=False``: the model is busy (other sessions wait for it, or this step holds its
        last free slot), so no partial is decoded now (with ``skip_partials_when_busy``); what a final
        needs — the pause decode — still runs. Nor is one decoded when this step brings more than
        ``skip_partials_behind_s`` of audio at once: the recogniser has fallen that far behind the
        speaker (its last decode took that long, or it waited for a slot), a partial that late shows
        the speaker little, and its CPU is better spent catching up before the final."""
        audio = self._resampler.push(self._take_pending())
        behind = 0 < self._config.skip_partials_behind_s < len(audio) / WHISPER_RATE
        events = self._ingest(audio)
        events += self._maybe_partial((partials or not self._config.skip_partials_when_busy) and not behind)
        self._trim_audio()
        return events

    def finish(self) -> list[RecognitionEvent]:
        audio = np.concatenate([self._resampler.push(self._take_pending()), self._resampler.flush()])
        events = self._ingest(audio)
        for boundary in self._endpointer.finish():
            events += self._on_boundary(boundary)
        self._resampler = PcmResampler(self._resampler.sample_rate)  # ready for the next audio.start
        return events

    # ------------------------------------------------------------------ audio and endpointing

    def _new_endpointer(self) -> Endpointer:
        c = self._config
        return Endpointer(c.vad_threshold, c.endpoint_silence_s, c.max_utterance_s, c.min_speech_s, c.speech_pad_s,
                          unfinished_silence_s=c.unfinished_silence_s, sounds_finished=self._sounds_finished)

    def _take_pending(self) -> bytes:
        data, self._pending = b"".join(self._pending), []
        return data

    def _ingest(self, audio: np.ndarray) -> list[RecognitionEvent]:
        self._audio = np.concatenate([self._audio, audio])
        started = time.perf_counter()
        probs = self._vad.push(audio)
        self._vad_ms += (time.perf_counter() - started) * 1000.0
        events: list[RecognitionEvent] = []
        for prob in probs:
            for boundary in self._endpointer.step(float(prob)):
                events += self._on_boundary(boundary)
        return events

    def _slice(self, start: int, end: int) -> np.ndarray:
        return self._audio[max(0, start - self._audio_offset):max(0, end - self._audio_offset)]

    def _trim_audio(self) -> None:
        """Forget audio nobody can need again: before the open utterance, or before the padding."""
        current = self._endpointer.current
        keep_from = current.start if current else self._endpointer.window_index * WINDOW - self._endpointer.pad - WINDOW
        drop = max(0, keep_from - self._audio_offset)
        if drop:
            self._audio, self._audio_offset = self._audio[drop:], self._audio_offset + drop

    # ------------------------------------------------------------------ decoding

    def _reset_utterance(self) -> None:
        self._agreement = LocalAgreement()
        self._last_hyp: Hypothesis | None = None
        self._hyp_span = (-1, -1)  # audio [start, end) the last hypothesis was decoded from
        self._hyp_beam = 0
        self._hyp_prefixed = False
        self._partials_shown = False
        self._announced = (-1, -1)  # the pause span whose decode went out with its final_text
        self._vad_ms = 0.0

    def _decode(self, start: int, end: int, beam_size: int, prefix: str, pad_s: float = 0.0) -> Hypothesis:
        audio = self._slice(start, end)
        if pad_s:
            audio = np.concatenate([audio, np.zeros(int(pad_s * WHISPER_RATE), dtype=audio.dtype)])
        hyp = self._decode_audio(audio, beam_size, prefix)
        self._last_hyp, self._hyp_span, self._hyp_beam = hyp, (start, end), beam_size
        self._hyp_prefixed = bool(prefix)
        return hyp

    def _decode_audio(self, audio: np.ndarray, beam_size: int, prefix: str) -> Hypothesis:
        """One decoder call, tokens capped by the audio's length (safe to run in another thread: it reads
        only the configuration and the glossary hints)."""
        max_new = max(8, math.ceil(self._config.max_tokens_per_second * len(audio) / WHISPER_RATE))
        if self._hints and self._config.glossary_hint:
            return self._decoder.decode(audio, self.languages, prefix, beam_size, max_new, context=self._glossary_prompt)
        # decoders written before the glossary prompt existed take no ``context``
        return self._decoder.decode(audio, self.languages, prefix, beam_size, max_new)

    def _glossary_prompt(self, lang: str) -> str:
        assert self._hints is not None
        return self._hints.prompt(lang, self._terms_used)

    def _decode_final(self, start: int, end: int) -> tuple[Hypothesis, bool]:
        """The whole utterance decoded without a prefix (reusing the pause decode when it is that)."""
        if self._hyp_span == (start, end) and self._hyp_beam == self._config.beam_size and not self._hyp_prefixed:
            assert self._last_hyp is not None
            return self._last_hyp, True
        hyp = self._decode(start, end, self._config.beam_size, prefix="")
        if is_loop(hyp, self._config) or final_without_repeat(hyp.text, hyp.lang) is not None:
            # Whisper sometimes loops on a clip that ends close after the speech ("Hello Hello Hello …",
            # "Do I need to bring my passport? Do I need to bring my passport?") although it transcribes
            # the same clip with a little more silence after it: one retry with LOOP_RETRY_PAD_S more
            # silence, before the guard would drop the whole utterance or the repeat is cut off.
            retry = self._decode(start, end, self._config.beam_size, prefix="", pad_s=LOOP_RETRY_PAD_S)
            hyp = retry if not is_loop(retry, self._config) else hyp
            cut = final_without_repeat(hyp.text, hyp.lang)
            if cut is not None:
                hyp = dataclasses.replace(hyp, text=cut)
            self._last_hyp = hyp  # what the final of this span reuses
        return hyp, False

    def _pause_span(self) -> tuple[int, int] | None:
        ep, utt = self._endpointer, self._endpointer.current
        if utt is None or not ep.in_pause():
            return None
        return utt.start, ep.last_speech_end + ep.pad

    def _sounds_finished(self) -> bool:
        """Asked by the endpointer once a pause is long enough to end a finished sentence."""
        span = self._pause_span()
        if span is None or self._endpointer.speech_s < self._config.min_speech_s:
            return True  # noise: nothing to wait for
        hyp, _ = self._decode_final(*span)
        return not sounds_unfinished(hyp.text, hyp.lang)

    def _maybe_partial(self, partials: bool) -> list[RecognitionEvent]:
        ep, utt = self._endpointer, self._endpointer.current
        if utt is None or ep.speech_s < self._config.min_speech_s:
            return []
        audio_end = ep.window_index * WINDOW
        span = self._pause_span()
        if span is not None:
            # decode exactly what the final will hold, as the final would, so the final can reuse it (the
            # endpointer may have asked for that decode already: announced once all the same)
            if audio_end < span[1] or self._announced == span:
                return []
            hyp, _ = self._decode_final(*span)
            self._announced = span
            return self._partial_event(hyp, utt.start, span[1], final_text=self._final_text(hyp))
        if not partials:
            return []  # finals first: the next step decodes the partial, if the model is free then
        last_end = self._hyp_span[1] if self._hyp_span[0] == utt.start else utt.start
        if (audio_end - last_end) / WHISPER_RATE < self._config.partial_interval_s:
            return []
        hyp = self._decode(utt.start, audio_end, self._config.partial_beam_size, self._agreement.committed_text)
        return self._partial_event(hyp, utt.start, self._hyp_span[1])

    def _final_text(self, hyp: Hypothesis) -> str | None:
        """What ``_final_events`` would make of ``hyp``, without its side effects; None when it would be
        dropped, or when it sounds unfinished: that pause is nearly always a breath (on Kokoro counter
        speech 17 of 18 pauses that did not end the utterance), and translating it would be wasted."""
        ep = self._endpointer
        if (guard_reason(hyp, self._config, ep.speech_s, ep.mean_speech_prob) or self._echoes_prompt(hyp)
                or confidence(hyp) < self._config.min_confidence or sounds_unfinished(hyp.text, hyp.lang)):
            return None
        return self._corrected(hyp.text.strip(), hyp.lang)[0]

    def _partial_event(self, hyp: Hypothesis, start: int, end: int,
                       final_text: str | None = None) -> list[RecognitionEvent]:
        ep = self._endpointer
        if guard_reason(hyp, self._config, ep.speech_s, ep.mean_speech_prob) or self._echoes_prompt(hyp) or (
            confidence(hyp) < self._config.min_confidence
        ):
            return []  # what the final would drop is not shown as a partial either
        shown = self._agreement.update(hyp.text, hyp.lang)
        text = without_restart(shown, hyp.lang, keep=len(self._agreement.committed_text)).strip()
        if not text or (self._config.hallucination_guard and repeated_run(text, hyp.lang)):
            return []  # a decode looping on audio cut mid-word: the next one will do
        self._partials_shown = True
        return [RecognitionEvent(
            kind="partial", text=text, lang=hyp.lang, confidence=confidence(hyp),
            start_s=start / WHISPER_RATE, end_s=end / WHISPER_RATE, timings={"decode_ms": hyp.decode_ms},
            final_text=final_text,
        )]

    # ------------------------------------------------------------------ finals

    def _on_boundary(self, boundary: Boundary) -> list[RecognitionEvent]:
        try:
            if boundary.kind == "discard":
                return []
            hyp, reuse = self._decode_final(boundary.start, boundary.end)
            return self._final_events(hyp, boundary, decode_ms=0.0 if reuse else hyp.decode_ms)
        finally:
            self._reset_utterance()

    def _final_events(self, hyp: Hypothesis, boundary: Boundary, decode_ms: float) -> list[RecognitionEvent]:
        conf = confidence(hyp)
        reason = guard_reason(hyp, self._config, boundary.speech_s, boundary.mean_speech_prob)
        if reason is None and self._echoes_prompt(hyp):
            reason = "known_hallucination"
        if reason is None and conf < self._config.min_confidence:
            reason = "low_confidence"
        details = {
            "avg_logprob": hyp.avg_logprob, "no_speech_prob": hyp.no_speech_prob,
            "compression_ratio": hyp.compression_ratio, "language_probability": hyp.language_probability,
            "vad_speech_s": boundary.speech_s, "vad_mean_speech_prob": boundary.mean_speech_prob,
            "tokens": float(hyp.tokens), "cut_at_max_length": float(boundary.reason == "max_length"),
        }
        if reason is not None:
            if not self._partials_shown:
                return []  # nothing was shown: silently drop
            details["dropped"] = GUARD_CODES[reason]  # an empty final tells the UI to clear the partial
            conf = 0.0
        elif self._fix_resident_language(hyp.lang):
            details["language_fixed"] = 1.0
        text = "" if reason else self._with_glossary_terms(hyp.text.strip(), hyp.lang, details)
        return [RecognitionEvent(
            kind="final", text=text, lang=hyp.lang, confidence=conf,
            start_s=boundary.start / WHISPER_RATE, end_s=boundary.end / WHISPER_RATE, details=details,
            timings={"decode_ms": decode_ms, "last_decode_ms": hyp.decode_ms, "vad_ms": self._vad_ms},
        )]

    def _echoes_prompt(self, hyp: Hypothesis) -> bool:
        return bool(self._hints and self._config.glossary_hint and self._hints.echoes_prompt(hyp.text, hyp.lang))

    def _with_glossary_terms(self, text: str, lang: str, details: dict[str, float]) -> str:
        """Near-miss glossary terms corrected (Japanese), and the terms remembered for the next prompt."""
        if self._hints is None:
            return text
        text, made = self._corrected(text, lang)
        if made is not None:
            details["glossary_corrections"] = float(made)
        self._terms_used = merge_used(self._terms_used, self._hints.used_in(text, lang))
        return text

    def _corrected(self, text: str, lang: str) -> tuple[str, int | None]:
        """``text`` with near-miss glossary terms corrected, and how many (None: no correction applies)."""
        if self._hints is None or not (self._config.glossary_correction and lang == JAPANESE):
            return text, None
        corrected, made = self._hints.correct(text)
        return corrected, len(made)

    def _fix_resident_language(self, lang: str) -> bool:
        """Resident language "auto": the first non-Japanese utterance decides it for the session."""
        if len(self.languages) <= 2 or JAPANESE not in self.languages or lang == JAPANESE:
            return False
        self.languages = [JAPANESE, lang]
        return True
