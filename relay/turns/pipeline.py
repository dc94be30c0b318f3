"""The turn pipeline: one final utterance → transcript, translations, back-translation; speech beside it.

Order matters to the people at the counter: the transcript is stored and sent first (the speaker sees
they were heard), then the translation for the listener, then the back-translation for the clerk. The
translation's speech is handed to the session's speech queue (``relay.turns.speaking``) as soon as the
translation is published: it is spoken while the turn goes on, and the speaker's next utterance never
waits for it. Every stage reports a confidence and its timing; an engine failure is reported to the
counter with an offer to call an interpreter, and the session goes on.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from pipelines.base import EASY_JAPANESE, EngineError, Engines, EngineUnavailable, Translation
from relay.runtime.metrics import RelayMetrics
from relay.storage.privacy import mask_personal_numbers
from relay.storage.turn_records import Rows, translation_rows, utterance_rows
from relay.turns.bridge import Bridge, abandon
from relay.turns.early import EarlyTurn
from relay.turns.routing import translation_target
from relay.turns.session import Participant, Session
from relay.turns.speaking import TurnSpeech
from relay.wire.protocol import (
    Error,
    ErrorCode,
    Notice,
    NoticeCode,
    Transcript,
    TranslationMessage,
    Untranslated,
    encode,
)

log = logging.getLogger("madoguchi.turns")


def phrase_starts(text: str) -> list[int]:
    """Offsets in ``text`` before which 分かち書き (``easy_japanese.wakachigaki``) inserts a space."""
    from easy_japanese.wakachi import wakachigaki

    offsets, at = [], 0
    for ch in wakachigaki(text):
        if at < len(text) and ch == text[at]:
            at += 1
        elif 0 < at < len(text):
            offsets.append(at)
    return offsets


def _timed_translation(translator: Any, key: str, text: str, source: str, target: str, asked: float) -> Translation:
    """In the bridge's thread: the translation, timed (``<key>_ms``) from being asked for unless the engine
    timed itself."""
    result: Translation = translator.translate(text, source, target)
    if "mt_ms" not in result.timings and "easy_ms" not in result.timings:
        result.timings[f"{key}_ms"] = (time.perf_counter() - asked) * 1000
    return result


_IDS = random.Random()  # seeded from the system's randomness once (and again in a forked child)
os.register_at_fork(after_in_child=_IDS.seed)


def new_utterance_id() -> str:
    """48 random bits, as ``secrets.token_hex(6)`` made them, without a system call for each utterance:
    ``os.urandom`` lets go of the interpreter lock for its ``getrandom``, and the event loop — every
    session — then waits to take it back from whichever worker thread took it meanwhile (a typed message
    handed the lock over there once; ``bench/relay_overhead.py --trace`` found the loop waiting on that
    line in 7 % of its stalls). An utterance id is no secret: every participant of the session sees it."""
    return f"u_{_IDS.getrandbits(48):012x}"


@dataclass
class Utterance:
    speaker: str  # clerk | resident | operator
    lang: str
    text: str
    confidence: float
    source: str  # speech | text
    utterance_id: str = field(default_factory=new_utterance_id)
    asr_details: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    client_id: str | None = None  # chosen by the client for a typed text (deduplicates a resend)
    early: EarlyTurn | None = None  # the translation started at the speaker's pause, for this very text


class TurnObserver(Protocol):
    """What the turn pipeline tells the escalation policy (the operator queue: ``relay.context.Escalation``)."""

    async def observe(self, session: Session, utterance: Utterance, confidences: dict[str, float]) -> None:
        """After every utterance, with the confidence of each stage."""

    async def on_trouble(self, session: Session, reason: str, figures: dict[str, Any]) -> None:
        """An engine failed or is missing for this turn (``no_mt_model``, ``engine_failed``)."""


class TurnPipeline:
    def __init__(self, engines: Engines, bridge: Bridge, metrics: RelayMetrics, *, observer: TurnObserver,
                 back_translation: bool, mask_numbers: bool, tts_rates: dict[str, float],
                 translate_at_pause: bool = True) -> None:
        self.engines = engines
        self.bridge = bridge
        self.metrics = metrics
        self.back_translation = back_translation
        self.mask_numbers = mask_numbers
        self.tts_rates = tts_rates
        self.translate_at_pause = translate_at_pause  # see relay.turns.early
        self.observer = observer
        self.speech = TurnSpeech(engines, bridge, metrics, tts_rates)

    async def run(self, session: Session, utterance: Utterance, sender: Participant | None = None) -> None:
        """One turn. A typed text whose ``client_id`` is stored already (a resend) is not stored again:
        its ``sender`` is told so, in one look-up under the session's typed-text lock."""
        started = time.perf_counter()
        if utterance.client_id is None:
            translating = self._start_translation(session, utterance)
            await self._publish_first(session, utterance, translating)
        else:
            async with session.typed_lock:
                if await session.store.utterance_for_client_id(session.id, utterance.client_id):
                    self._tell_already_stored(utterance.client_id, sender)
                    return
                translating = self._start_translation(session, utterance)
                await self._publish_first(session, utterance, translating)
        await self.complete(session, utterance, translating=translating)
        self.metrics.observe_stage("turn", (time.perf_counter() - started) * 1000)

    def _start_translation(self, session: Session, u: Utterance) -> asyncio.Future[Translation] | None:
        """The listener's translation, started while the transcript is being stored: storing before
        sending binds each event to its own commit, not the translation to the transcript's, so the engine
        and the store work at once and the translation waits for one commit instead of two. It is still
        published (stored, then sent) only after the transcript is, and a failure reported only then.
        The bridge's future, no task around it: the engine's answer wakes the turn directly."""
        target = self.target_of(session, u.speaker, u.lang, u.text)
        if target is None or u.early is not None:
            return None  # nothing to translate, or it was started at the speaker's pause
        return self.start_translation(u.text, u.lang, target)

    async def _publish_first(self, session: Session, u: Utterance,
                             translating: asyncio.Future[Translation] | None) -> None:
        try:
            await self.publish_transcript(session, u)
        except BaseException:
            if translating is not None:  # not stored, not sent: its translation is never used
                abandon(translating)
            raise

    async def complete(self, session: Session, utterance: Utterance, *, done: frozenset[str] = frozenset(),
                       translating: asyncio.Future[Translation] | None = None) -> None:
        """Everything after the transcript. ``done``: translation kinds already stored (a turn that a
        crash interrupted is completed after the restart without repeating them); ``translating``: the
        listener's translation, already under way (``_start_translation``)."""
        confidences = {"asr": utterance.confidence} if utterance.source == "speech" else {}
        translation = None if done else await self._translate_for_listener(session, utterance, translating)
        kind = translation.kind if translation is not None else next(iter(done - {"back_translation"}), None)
        backs = (utterance.speaker == "clerk" and kind == "translation" and self.back_translation
                 and "back_translation" not in done)
        # the last event of the turn ends it in its own transaction: one write fewer per turn
        finished = False
        if translation is not None:
            confidences[translation.kind if translation.kind == "easy_japanese" else "mt"] = translation.confidence
            message = await self.publish_translation(session, utterance.utterance_id, translation, ends_turn=not backs)
            finished = not backs
            self.speech.queue(session, message, translation, utterance.early)
        if backs:
            forward = translation or await self._stored_translation(session, utterance)
            if forward is not None:
                finished = await self._back_translate(session, utterance, forward)
        if not finished:
            await session.store.finish_turn(utterance.utterance_id)
        await self.observer.observe(session, utterance, confidences)

    async def _stored_translation(self, session: Session, u: Utterance) -> Translation | None:
        stored = await session.store.stored_translation(u.utterance_id)
        if stored is None:
            return None
        text, lang = stored
        return Translation(text=text, source_lang=u.lang, target_lang=lang, kind="translation", confidence=1.0)

    @staticmethod
    def _tell_already_stored(client_id: str, sender: Participant | None) -> None:
        if sender is not None:
            notice = Notice(code=NoticeCode.ALREADY_STORED, message="this text was stored before; not stored again",
                            client_id=client_id)
            sender.deliver(notice, encode(notice))

    # ------------------------------------------------------------ stages

    async def publish_transcript(self, session: Session, utterance: Utterance) -> None:
        u = utterance

        def rows(seq: int) -> Rows:
            # an operator's words have no translations to wait for: never an unfinished turn
            return utterance_rows(
                utterance_id=u.utterance_id, session_id=session.id, seq=seq, speaker=u.speaker, lang=u.lang,
                text=self._stored(u.text), confidence=u.confidence, source=u.source, asr_details=u.asr_details,
                timings=u.timings, client_id=u.client_id, unfinished=u.speaker != "operator")

        await session.publish(lambda seq: Transcript(
            seq=seq, utterance_id=u.utterance_id, speaker=u.speaker, lang=u.lang, text=u.text,
            confidence=round(u.confidence, 3), client_id=u.client_id,
        ), rows)
        self.metrics.utterances.labels(u.speaker, u.source).inc()
        if u.source == "speech":
            self.metrics.confidence.labels("asr").observe(u.confidence)
        log.info("utterance", extra={"session": session.id, "utterance": u.utterance_id,
                                     "speaker": u.speaker, "lang": u.lang, "chars": len(u.text),
                                     "confidence": round(u.confidence, 3), "source": u.source})
        log.debug("utterance text", extra={"session": session.id, "text": u.text})

    async def publish_translation(self, session: Session, utterance_id: str, t: Translation,
                                  replaces: str | None = None, ends_turn: bool = False) -> TranslationMessage:
        """Store, then send one translation; ``ends_turn``: the turn is finished in the same transaction
        (nothing more of it is stored after this)."""
        wire_lang = "ja" if t.target_lang == EASY_JAPANESE else t.target_lang
        ruby = [{"start": r.start, "end": r.end, "reading": r.reading} for r in t.ruby] or None
        phrases = await self._phrases(t)

        def rows(seq: int) -> Rows:
            return translation_rows(utterance_id=replaces or utterance_id, seq=seq, kind=t.kind, lang=wire_lang,
                                    text=self._stored(t.text), confidence=t.confidence, details=t.details,
                                    timings=t.timings, replaces=bool(replaces), ends_turn=ends_turn)

        message = await session.publish(lambda seq: TranslationMessage(
            seq=seq, utterance_id=replaces or utterance_id, lang=wire_lang, text=t.text, kind=t.kind,
            confidence=round(t.confidence, 3), ruby=ruby, replaces=replaces, phrases=phrases,
        ), rows)
        for stage, ms in t.timings.items():
            self.metrics.observe_stage(stage.removesuffix("_ms"), ms)
        self.metrics.confidence.labels(t.kind).observe(t.confidence)
        assert isinstance(message, TranslationMessage)
        return message

    async def _phrases(self, t: Translation) -> list[int] | None:
        """Where 分かち書き would space a やさしい日本語 text, so each screen can choose to show it."""
        if t.kind != "easy_japanese" or not t.text:
            return None
        try:
            return await self.bridge.run("easy_japanese", phrase_starts, t.text) or None
        except Exception:  # a display nicety: never lose the translation over it
            log.warning("phrase boundaries failed", exc_info=True)
            return None

    async def _translate_for_listener(self, session: Session, u: Utterance,
                                      translating: asyncio.Future[Translation] | None = None) -> Translation | None:
        source, target = u.lang, self.target_of(session, u.speaker, u.lang, u.text)
        if target is None:
            if translating is not None:
                abandon(translating)
            return None
        if translating is not None:
            return await self._call_translator(session, u.text, source, target, started=translating, turn=u)
        early = await u.early.translation() if u.early is not None else None
        if early is not None:  # started at the speaker's pause, for exactly this text
            return Translation(early.text, early.source_lang, early.target_lang, early.kind, early.confidence,
                               early.ruby, {**early.details, "started_at_pause": True}, early.timings)
        return await self._call_translator(session, u.text, source, target, turn=u)

    def _translator_for(self, target: str) -> Any:
        return self.engines.easy_japanese if target == EASY_JAPANESE else self.engines.translator

    def target_of(self, session: Session, speaker: str, lang: str, text: str | None = None) -> str | None:
        """The language the listener reads what ``speaker`` said in ``lang`` in (None: nothing to translate).
        In やさしい日本語 a phrasebook sentence (``text``) still reaches a resident who reads another language
        in theirs: a verified translation beats a rewrite they may not read (with no MT model installed the
        tablet starts such a language in やさしい日本語 and offers these phrases to tap)."""
        target = translation_target(speaker, lang, session.resident_lang, session.mode)
        if target == EASY_JAPANESE and text and self._phrase_for(session.resident_lang, text):
            return session.resident_lang
        return target

    def _phrase_for(self, resident_lang: str, text: str) -> bool:
        book = getattr(self.engines.translator, "phrasebook", None)
        return resident_lang not in ("ja", "auto") and book is not None and _in_phrasebook(book, text, resident_lang)

    async def translate_quietly(self, text: str, source: str, target: str) -> Translation:
        """A translation for nobody yet (started at a pause); raises ``EngineError`` and reports nothing."""
        return await self.start_translation(text, source, target)

    def start_translation(self, text: str, source: str, target: str) -> asyncio.Future[Translation]:
        """As ``translate_quietly``, under way when this returns (the bridge's future)."""
        key, now = "easy_japanese" if target == EASY_JAPANESE else "mt", time.perf_counter()
        return self.bridge.start(key, _timed_translation, self._translator_for(target), key, text, source, target, now)

    async def _back_translate(self, session: Session, u: Utterance, forward: Translation) -> bool:
        """Publish the back-translation (which ends the turn); False when there is none."""
        back = await self._call_translator(session, forward.text, forward.target_lang, "ja", quiet=True)
        if back is not None:
            back = Translation(text=back.text, source_lang=back.source_lang, target_lang="ja",
                               kind="back_translation", confidence=back.confidence, details=back.details,
                               timings={"back_translation_ms": sum(back.timings.values())})
            await self.publish_translation(session, u.utterance_id, back, ends_turn=True)
        return back is not None

    async def _call_translator(self, session: Session, text: str, source: str, target: str, quiet: bool = False,
                               started: asyncio.Future[Translation] | None = None,
                               turn: Utterance | None = None) -> Translation | None:
        """The translation, or None after reporting why (unless ``quiet``); ``turn``: the sentence it is for."""
        try:
            return await (started if started is not None else self.translate_quietly(text, source, target))
        except EngineUnavailable as exc:
            if not quiet:
                await self._report(session, ErrorCode.ENGINE_UNAVAILABLE, exc.reason, "no_mt_model",
                                   {"source": source, "target": target}, turn, target)
            return None
        except EngineError as exc:
            log.warning("translation failed", extra={"session": session.id, "error": str(exc)})
            if not quiet:
                await self._report(session, ErrorCode.ENGINE_FAILED, f"translation failed: {exc}",
                                   "engine_failed", {"source": source, "target": target}, turn, target)
            return None

    async def _report(self, session: Session, code: str, message: str, reason: str,
                      figures: dict[str, Any], turn: Utterance | None, target: str) -> None:
        """Engine trouble: tell the counter (which sentence went untranslated, so the tablet can mark it),
        let the escalation policy decide what to offer, and store that the sentence went untranslated
        (``untranslated``: a screen that reloads still marks it; the error itself is not replayed)."""
        self.metrics.errors.labels(code).inc()
        utterance_id = turn.utterance_id if turn is not None else None
        session.send_transient(Error(code=code, message=message, utterance_id=utterance_id),
                               lambda p: p.role == "counter")
        await self.observer.on_trouble(session, reason, figures)
        if turn is not None:
            lang = "ja" if target == EASY_JAPANESE else target
            await session.publish(lambda seq: Untranslated(seq=seq, utterance_id=turn.utterance_id,
                                                           speaker=turn.speaker, lang=lang, code=code))

    def _stored(self, text: str) -> str:
        return mask_personal_numbers(text) if self.mask_numbers else text


@lru_cache(maxsize=128)
def _in_phrasebook(book: Any, text: str, lang: str) -> bool:
    """One lookup per sentence: ``target_of`` asks at the pause, at the final and for each listener, and a
    sentence that is no phrase is looked up by similarity against every phrase (keyed by the book too,
    so a translator swapped for another never answers from the old one)."""
    return book.lookup(text, lang) is not None
