"""What the relay does with each client message, and who may send it.

``PERMISSIONS`` is the single table of which role may send which message type; ``dispatch`` checks it
before any handler runs, so a handler never has to ask who is calling.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from typing import Any

from pipelines.base import EngineError, EngineUnavailable
from relay.runtime.rate_limits import check_slots
from relay.storage.store import StoreUnavailable
from relay.turns import routing
from relay.turns.early import PauseTranslations
from relay.turns.pipeline import Utterance, new_utterance_id
from relay.turns.session import Session
from relay.turns.streams import RecognitionStream
from relay.wire.protocol import (
    Accept,
    AudioStart,
    AudioStop,
    Bye,
    CloseCode,
    Decline,
    ErrorCode,
    Escalate,
    EscalationCancel,
    Hello,
    Message,
    OperatorState,
    Partial,
    ProtocolError,
    Release,
    Settings,
    Text,
    Transfer,
    VideoAllow,
    VideoSignal,
    Welcome,
    store_unavailable,
)
from relay.ws import video
from relay.ws.audio_input import AudioRateLimiter, check_audio_start
from relay.ws.client import Client

log = logging.getLogger("madoguchi.handlers")

ALL_ROLES = frozenset({"counter", "resident", "operator"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "hello": ALL_ROLES,
    "audio.start": ALL_ROLES,
    "audio.stop": ALL_ROLES,
    "text": ALL_ROLES,
    "settings": frozenset({"counter", "resident"}),  # a resident: its own language only (on_settings)
    "escalate": frozenset({"counter", "resident"}),
    "escalation.cancel": frozenset({"counter"}),
    "accept": frozenset({"operator"}),
    "decline": frozenset({"operator"}),
    "release": frozenset({"operator"}),
    "transfer": frozenset({"operator"}),
    "operator.state": frozenset({"operator"}),
    "video.signal": ALL_ROLES,  # relay.ws.video checks that both ends are in the session and allowed
    "video.allow": frozenset({"counter"}),
    "bye": ALL_ROLES,
}
# which staff roles may open a websocket in which role
HELLO_ROLES = {"counter": {"clerk", "admin"}, "operator": {"operator"}, "resident": {"resident"}}
AUDIO_SECONDS_PER_DECODE = 0.25
MAX_CLIENT_ID = 64


# ------------------------------------------------------------------ hello


async def hello(conn: Client, message: Hello) -> Welcome:
    ctx = conn.ctx
    ctx.limits.check_login(str(conn.request.remote))  # brute force: the token is not even looked at
    principal = await ctx.auth.authenticate(message.token)
    if principal is None:
        ctx.limits.login_failed(str(conn.request.remote))
        raise ProtocolError(ErrorCode.UNAUTHORIZED, "invalid or expired token", close_code=CloseCode.UNAUTHORIZED)
    if principal.role not in HELLO_ROLES[message.role]:
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {principal.role} token cannot connect as {message.role}",
                            close_code=CloseCode.FORBIDDEN)
    conn.principal, conn.role = principal, message.role
    session_id = message.session_id
    if message.role == "operator":
        return await _operator_hello(conn, message)
    if message.role == "resident":
        if session_id not in (None, principal.session_id):
            raise ProtocolError(ErrorCode.FORBIDDEN, "this token belongs to another session",
                                close_code=CloseCode.FORBIDDEN)
        session_id = principal.session_id
    if message.role == "counter" and not session_id:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "hello: a counter must give session_id",
                            close_code=CloseCode.BAD_HELLO)
    assert session_id is not None
    conn.session = await _open_session(conn, session_id)
    await ctx.store.audit(principal.actor, "login", role=message.role, session=session_id,
                          peer=conn.request.remote)
    return _welcome(conn, message.role, session_id)


async def _operator_hello(conn: Client, message: Hello) -> Welcome:
    """Operators join sessions through accept. The reconnect rule: the welcome names the session the
    operator serves now, whatever the hello said (null when none); see ``EscalationService.operator_connected``."""
    ctx = conn.ctx
    assert conn.principal is not None
    await ctx.store.audit(conn.principal.actor, "login", role="operator", peer=conn.request.remote)
    serving = await ctx.escalation.serving(conn.principal.id)
    conn.operator_serving = serving
    welcome = _welcome(conn, "operator", serving)
    if serving is None:
        return welcome
    session = await ctx.hub.get(serving)
    public: dict[str, Any] = session.public() if session is not None else {"session_id": serving}
    return dataclasses.replace(welcome, session=public, last_seq=public.get("last_seq", 0))


async def after_welcome(conn: Client, message: Hello) -> None:
    """Once the client has its welcome: attach to the session (replaying what it missed) and let the
    operator queue know who came back."""
    escalation = conn.ctx.escalation
    if conn.session is not None:
        # without resume_after: every event after the one welcome named, even those published meanwhile
        after = message.resume_after if message.resume_after is not None else conn.welcome_seq
        await conn.session.attach(conn, after)
        video.on_connected(conn)
    if conn.role == "operator":
        serving = conn.operator_serving
        resume = message.resume_after if serving is not None and message.session_id == serving else None
        await escalation.operator_connected(conn, serving, resume)
    elif conn.role == "counter":
        await escalation.counter_connected(conn)


def _welcome(conn: Client, role: str, session_id: str | None) -> Welcome:
    ctx = conn.ctx
    session = conn.session
    return Welcome(
        protocol=1, role=role, session_id=session_id,  # type: ignore[arg-type]
        last_seq=session.last_seq if session else 0,
        session=session.public() if session else None,
        engines={name: {"ready": s.ready, "detail": s.detail, "languages": list(s.languages)}
                 for name, s in ctx.engines.statuses().items()},
        limits={"max_message_bytes": ctx.settings.relay.max_message_bytes,
                "sample_rates": [8000, 48000], "max_audio_rate": ctx.settings.relay.max_audio_rate,
                "max_text_chars": ctx.settings.relay.max_text_chars},
        video=video.welcome_video(ctx),
    )


async def _open_session(conn: Client, session_id: str) -> Session:
    session = await conn.ctx.hub.get(session_id)
    if session is None:
        raise ProtocolError(ErrorCode.SESSION_NOT_FOUND, "no such session", close_code=CloseCode.SESSION_NOT_FOUND)
    if not session.is_open:
        raise ProtocolError(ErrorCode.SESSION_CLOSED, "the session is closed", close_code=CloseCode.SESSION_CLOSED)
    check_slots(conn, session)
    return session


# ------------------------------------------------------------------ dispatch


async def dispatch(conn: Client, message: Message) -> None:
    if message.TYPE == "hello":
        raise ProtocolError(ErrorCode.ALREADY_HELLO, "hello was already received")
    if conn.role not in PERMISSIONS.get(message.TYPE, frozenset()):
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {conn.role} may not send {message.TYPE}")
    handler = _HANDLERS[type(message)]
    await handler(conn, message)


def _session(conn: Client) -> Session:
    session = conn.session
    if session is None:
        raise ProtocolError(ErrorCode.INVALID_STATE, "not in a session")
    if not session.is_open:
        raise ProtocolError(ErrorCode.SESSION_CLOSED, "the session is closed")
    return session


def _check_lang(conn: Client, lang: str, allow_auto: bool = False) -> None:
    if lang == "ja" or lang in conn.ctx.supported_languages() or (allow_auto and lang == "auto"):
        return
    raise ProtocolError(ErrorCode.UNSUPPORTED_LANGUAGE, f"language {lang!r} is not offered here")


async def on_text(conn: Client, message: Text) -> None:
    text = message.text.strip()
    if not text:
        raise ProtocolError(ErrorCode.EMPTY_TEXT, "text is empty")
    if len(text) > conn.ctx.settings.relay.max_text_chars:
        raise ProtocolError(ErrorCode.INVALID_FIELD, "text is too long")
    if message.lang is not None:
        _check_lang(conn, message.lang)
    if message.client_id is not None and not 0 < len(message.client_id) <= MAX_CLIENT_ID:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"client_id is 1–{MAX_CLIENT_ID} characters")
    if conn.role == "operator":
        await conn.ctx.escalation.operator_text(conn, message)
        return
    session = _session(conn)
    speaker = routing.typed_speaker(conn.role, message.speaker, message.lang)
    if not routing.may_type_as(conn.role, message.speaker, speaker):
        raise ProtocolError(ErrorCode.FORBIDDEN, f"a {conn.role} may not speak as {message.speaker}")
    lang = routing.typed_language(speaker, message.lang, session.resident_lang)
    if lang == routing.AUTO:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "text: give lang while the resident language is auto")
    conn.ctx.limits.check("turns", conn.principal, session.id)
    utterance = Utterance(speaker=speaker, lang=lang, text=text, confidence=1.0, source="text",
                          client_id=message.client_id)
    conn.queue_turn(functools.partial(run_turn, conn, session, utterance))


async def run_turn(conn: Client, session: Session, utterance: Utterance) -> None:
    ctx = conn.ctx
    if not session.is_open:
        return
    detected = routing.detected_resident_language(utterance.speaker, utterance.lang, session.resident_lang,
                                                  ctx.supported_languages())
    if detected is not None:
        await session.update(reason="detected", resident_lang=detected)
        await ctx.escalation.language_changed(session)
    try:
        await ctx.pipeline.run(session, utterance, conn)
    except StoreUnavailable:
        # not stored, not sent: a typed text is still in the client, which resends it (same client_id);
        # speech is not, so its recognised text goes back for the client to offer to send as typed text
        spoken = None if utterance.source != "speech" else {
            "utterance_id": utterance.utterance_id, "speaker": utterance.speaker, "lang": utterance.lang,
            "text": utterance.text}
        if spoken:  # its partial line is on every screen: cleared, as nothing of it was said on record
            session.send_transient(Partial(utterance_id=utterance.utterance_id, speaker=utterance.speaker,
                                           lang=utterance.lang, text=""))
        conn.report(store_unavailable(utterance.client_id, spoken), "audio" if spoken else "text")


async def on_settings(conn: Client, message: Settings) -> None:
    session = _session(conn)
    if conn.role == "resident":
        _check_resident_choice(message)
    values: dict[str, Any] = {}
    if message.resident_lang is not None:
        _check_lang(conn, message.resident_lang, allow_auto=True)
        values["resident_lang"] = message.resident_lang
    if message.mode is not None:
        values["mode"] = message.mode
    if conn.role == "resident":
        values.update(_resident_mode(message.resident_lang, session))
    if message.tts is not None:
        values["tts"] = message.tts
    if not values:
        raise ProtocolError(ErrorCode.MISSING_FIELD, "settings: give resident_lang, mode or tts")
    conn.ctx.limits.check("settings", conn.principal, session.id)
    assert conn.principal is not None
    await conn.ctx.store.audit(conn.principal.actor, "session.settings", session=session.id, **values)
    await session.update(reason="chosen" if conn.role == "resident" else "settings", **values)
    if "resident_lang" in values or "mode" in values:
        await conn.ctx.escalation.language_changed(session)


def _resident_mode(chosen: str | None, session: Session) -> dict[str, str]:
    """The mode that goes with a resident's own choice. Japanese on the phone means やさしい日本語 (in
    plain translation mode nothing the clerk says would reach a Japanese phone: there is nothing to
    translate); leaving Japanese for another language means translation again."""
    if chosen == routing.JAPANESE:
        return {"mode": "easy_japanese"}
    if session.resident_lang == routing.JAPANESE and session.mode == "easy_japanese":
        return {"mode": "translation"}
    return {}


def _check_resident_choice(message: Settings) -> None:
    """A resident chooses its own language on the phone (the clerk may have left it on 自動, and then
    nothing the clerk says reaches the phone until it is known); the mode and speech stay the clerk's."""
    if message.mode is not None or message.tts is not None:
        raise ProtocolError(ErrorCode.FORBIDDEN, "a resident may set only resident_lang")
    if message.resident_lang in (None, routing.AUTO):
        raise ProtocolError(ErrorCode.INVALID_FIELD, "settings: a resident gives its language")


# ------------------------------------------------------------------ audio


async def on_audio_start(conn: Client, message: AudioStart) -> None:
    check_audio_start(message)
    if conn.role == "operator":
        await conn.ctx.escalation.operator_audio_start(conn, message)
        return
    session = _session(conn)
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
    """Partials go out as they come; each final becomes a turn, in order."""
    session = conn.session
    assert session is not None
    utterance_id, shown = new_utterance_id(), False  # shown: a partial of this utterance is on screen
    early = PauseTranslations(conn.ctx.pipeline, session)  # translations started at a pause
    try:
        async for event in stream:
            speaker = routing.spoken_speaker(requested, event.lang, session.resident_lang)
            if event.kind == "partial":
                shown = True
                session.send_transient(Partial(utterance_id=utterance_id, speaker=speaker,
                                                    lang=event.lang, text=event.text))
                early.on_partial(speaker, event.lang, event.final_text)
                continue
            claimed = early.claim(speaker, event.lang, event.text.strip())  # else discarded: not what was said
            if not event.text.strip() and shown:
                # the hallucination guard dropped it: an empty partial clears the line on every screen
                session.send_transient(Partial(utterance_id=utterance_id, speaker=speaker,
                                                    lang=event.lang, text=""))
            elif event.text.strip():
                utterance = Utterance(speaker=speaker, lang=event.lang, text=event.text.strip(),
                                      confidence=event.confidence, source="speech", utterance_id=utterance_id,
                                      asr_details=dict(event.details), timings=dict(event.timings), early=claimed)
                for stage, ms in event.timings.items():
                    conn.ctx.metrics.observe_stage("asr_" + stage.removesuffix("_ms"), ms)
                await conn.turns.put(functools.partial(run_turn, conn, session, utterance))
            utterance_id, shown = new_utterance_id(), False
    except EngineError as exc:
        log.warning("recognition failed", extra={"session": session.id, "error": str(exc)})
        conn.report(ProtocolError(ErrorCode.ENGINE_FAILED, f"speech recognition failed: {exc}"), "audio")
        await conn.ctx.escalation.on_trouble(session, "engine_failed", {"stage": "asr"})
    finally:
        early.discard()
        await stream.aclose()


# ------------------------------------------------------------------ escalation and operators


async def on_escalate(conn: Client, message: Escalate) -> None:
    session = _session(conn)
    conn.ctx.limits.check("escalations", conn.principal, session.id)
    await conn.ctx.escalation.request(conn, session, message)


async def on_escalation_cancel(conn: Client, message: EscalationCancel) -> None:
    await conn.ctx.escalation.cancel(conn, _session(conn))


async def on_operator_message(conn: Client, message: Message) -> None:
    await conn.ctx.escalation.operator_message(conn, message)


async def on_bye(conn: Client, message: Bye) -> None:
    conn.close(CloseCode.NORMAL, "bye")


_HANDLERS: dict[type[Message], Any] = {
    Text: on_text,
    Settings: on_settings,
    AudioStart: on_audio_start,
    AudioStop: on_audio_stop,
    Escalate: on_escalate,
    EscalationCancel: on_escalation_cancel,
    Accept: on_operator_message,
    Decline: on_operator_message,
    Release: on_operator_message,
    Transfer: on_operator_message,
    OperatorState: on_operator_message,
    VideoSignal: video.on_signal,
    VideoAllow: video.on_allow,
    Bye: on_bye,
}
