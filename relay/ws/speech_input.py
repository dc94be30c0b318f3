"""``audio.start`` / ``audio.stop`` and what comes back from recognition: partials go to every screen, each
final becomes a turn."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

from pipelines.asr.quality import GUARD_CODES
from pipelines.base import EngineError, EngineUnavailable
from relay.turns import routing
from relay.turns.early import PauseTranslations
from relay.turns.pipeline import Utterance, new_utterance_id
from relay.turns.streams import RecognitionStream
from relay.wire.protocol import (
    AudioStart,
    AudioStop,
    ErrorCode,
    Notice,
    NoticeCode,
    Partial,
    ProtocolError,
    encode,
)
from relay.ws.audio_input import AudioRateLimiter, check_audio_start
from relay.ws.client import Client
from relay.ws.session_checks import current_session
from relay.ws.turn_runner import run_turn

log = logging.getLogger("madoguchi.handlers")

AUDIO_SECONDS_PER_DECODE = 0.25
_GUARD_REASONS = {code: reason for reason, code in GUARD_CODES.items()}


async def on_audio_start(conn: Client, message: AudioStart) -> None:
    check_audio_start(message)
    if conn.role == "operator":
        await conn.ctx.escalation.operator_audio_start(conn, message)
        return
    session = current_session(conn)
    if conn.audio is not None:
        raise ProtocolError(ErrorCode.AUDIO_ALREADY_STARTED, "audio.stop the current stream first")
    speaker = routing.microphone_speaker(conn.role, message.speaker)
    if speaker not in routing.MICROPHONE_SPEAKERS:
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {conn.role} may not speak as {speaker}")
    ctx = conn.ctx
    try:
        languages = routing.recognition_languages(speaker, session.resident_lang, ctx.supported_languages())
        sync_stream = ctx.engines.recognizer.new_stream(languages, message.sample_rate)
    except EngineUnavailable as exc:
        raise ProtocolError(ErrorCode.ENGINE_UNAVAILABLE, f"speech recognition unavailable: {exc.reason}") from None
    except ValueError as exc:
        raise ProtocolError(ErrorCode.UNSUPPORTED_SAMPLE_RATE, str(exc)) from None
    stream = RecognitionStream(ctx.bridge, sync_stream,
                               bytes_per_process=int(message.sample_rate * 2 * AUDIO_SECONDS_PER_DECODE))
    limiter = AudioRateLimiter(message.sample_rate, ctx.settings.relay.max_audio_rate,
                               ctx.settings.relay.audio_rate_window_s)
    conn.start_audio(stream, speaker, limiter, message.sample_rate)


async def on_audio_stop(conn: Client, message: AudioStop) -> None:
    if conn.role == "operator":
        await conn.ctx.escalation.operator_audio_stop(conn)
        return
    if conn.audio is None:
        raise ProtocolError(ErrorCode.AUDIO_NOT_STARTED, "no audio stream to stop")
    await conn.stop_audio()


async def consume_recognition(conn: Client, stream: RecognitionStream, requested: str) -> None:
    """Partials go out as they come; each final becomes a turn, in order. Speech shown as a partial that
    ends with no final (dropped by the recogniser's guard, or the stream ended first) is never left to
    vanish: the speaker is asked to say it again or type it (``not_understood``)."""
    session = conn.session
    assert session is not None
    utterance_id, shown = new_utterance_id(), None  # shown: the last partial of this utterance on screen
    early = PauseTranslations(conn.ctx.pipeline, session)  # translations started at a pause
    try:
        async for event in stream:
            speaker = routing.spoken_speaker(requested, event.lang, session.resident_lang)
            if event.kind == "partial":
                guessed = routing.speaker_is_guessed(requested, session.resident_lang) or None
                shown = Partial(utterance_id=utterance_id, speaker=speaker, lang=event.lang, text=event.text,
                                speaker_guessed=guessed)
                session.send_transient(shown)
                early.on_partial(speaker, event.lang, event.final_text)
                continue
            claimed = early.claim(speaker, event.lang, event.text.strip())  # else discarded: not what was said
            if not event.text.strip() and shown:
                not_understood(conn, shown, dropped_reason(event.details))
            elif event.text.strip():
                utterance = Utterance(speaker=speaker, lang=event.lang, text=event.text.strip(),
                                      confidence=event.confidence, source="speech", utterance_id=utterance_id,
                                      asr_details=dict(event.details), timings=dict(event.timings), early=claimed)
                for stage, ms in event.timings.items():
                    conn.ctx.metrics.observe_stage("asr_" + stage.removesuffix("_ms"), ms)
                await conn.turns.put(functools.partial(run_turn, conn, session, utterance))
            utterance_id, shown = new_utterance_id(), None
        if shown:  # the stream ended (audio.stop) with a partial on screen and no final for it
            not_understood(conn, shown, "no_final")
    except EngineError as exc:
        log.warning("recognition failed", extra={"session": session.id, "error": str(exc)})
        conn.report(ProtocolError(ErrorCode.ENGINE_FAILED, f"speech recognition failed: {exc}"), "audio")
        await conn.ctx.escalation.on_trouble(session, "engine_failed", {"stage": "asr"})
    finally:
        early.discard()
        await stream.aclose()


def dropped_reason(details: Mapping[str, float]) -> str:
    """Why the recogniser gave an empty final: its guard's reason (``details["dropped"]``), else empty."""
    return _GUARD_REASONS.get(details.get("dropped", GUARD_CODES["empty"]), "empty")


def not_understood(conn: Client, partial: Partial, reason: str) -> None:
    """A partial was shown and no final follows: the line is cleared on every screen (it was not said on
    record), the speaker's own screen is told to say it again or type it, and IT gets a log line and a
    count by reason (a loop or no_speech that keeps coming means a noisy counter or a failing microphone)."""
    session = conn.session
    assert session is not None
    notice = Notice(code=NoticeCode.SPEECH_NOT_UNDERSTOOD, utterance_id=partial.utterance_id, lang=partial.lang,
                    message=f"the speech was not understood ({reason}): say it again or type it")
    conn.deliver(notice, encode(notice))  # before the empty partial: the speaker's line stays, greyed
    session.send_transient(Partial(utterance_id=partial.utterance_id, speaker=partial.speaker, lang=partial.lang,
                                   text=""))
    conn.ctx.metrics.speech_not_understood.labels(partial.speaker, reason).inc()
    log.info("speech not understood", extra={"session": session.id, "utterance": partial.utterance_id,
                                              "speaker": partial.speaker, "lang": partial.lang, "reason": reason,
                                              "partial_chars": len(partial.text)})
