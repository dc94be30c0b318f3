"""The counter's routing rules in one place: who spoke, which languages to recognise, who hears what and
who sees what.

Pure functions of roles, languages and messages (no sockets, no store, no engines), so each rule is
tested on its own (``tests/relay/test_routing.py``). Roles are those of the connections (``counter``: the
counter tablet with its clerk and resident panels, ``resident``: the resident's phone, ``operator``);
speakers are those of utterances (``clerk``, ``resident``, ``operator``).

The recogniser applies one more rule itself: a stream opened for resident language ``auto`` keeps
Japanese and the first other language it hears (``pipelines.asr.stream``, below the relay).
"""

from __future__ import annotations

from collections.abc import Collection

from pipelines.base import EASY_JAPANESE
from relay.wire.protocol import Message, Partial, Transcript, TranslationMessage, Untranslated

JAPANESE = "ja"
AUTO = "auto"
MICROPHONE_SPEAKERS = frozenset({"auto", "clerk", "resident"})

# ------------------------------------------------------------------ who spoke


def typed_speaker(role: str, requested: str, lang: str | None) -> str:
    """Who a typed ``text`` is from: the resident's phone types as the resident; the counter's ``auto``
    is the clerk for Japanese (or no language given) and the resident for any other language."""
    if role == "resident":
        return "resident" if requested in (AUTO, "resident") else requested
    if requested != AUTO:
        return requested
    return "clerk" if (lang or JAPANESE) == JAPANESE else "resident"


def may_type_as(role: str, requested: str, speaker: str) -> bool:
    """Nobody types as the operator through ``text`` at a counter; a resident types only as the resident."""
    return requested != "operator" and (role != "resident" or speaker == "resident")


def typed_language(speaker: str, given: str | None, resident_lang: str) -> str:
    """The language of a typed text: as given, else the clerk's Japanese or the resident's language
    (``auto`` when that is not known yet: the client must say)."""
    return given or (JAPANESE if speaker == "clerk" else resident_lang)


def microphone_speaker(role: str, requested: str) -> str:
    """Who an ``audio.start`` speaks for: the resident's phone always for the resident; the counter
    tablet as asked (``auto``: decided per utterance by ``spoken_speaker``)."""
    return "resident" if role == "resident" else requested


def spoken_speaker(requested: str, lang: str, resident_lang: str) -> str:
    """Who said an utterance the recogniser heard in ``lang``."""
    if requested != AUTO:
        return requested
    if resident_lang == JAPANESE:
        return "clerk"  # both sides speak Japanese: the counter tablet's mic is the clerk's
    return "clerk" if lang == JAPANESE else "resident"


def speaker_is_guessed(requested: str, resident_lang: str) -> bool:
    """Whether ``spoken_speaker`` told the speaker from the language heard: an early partial's language
    may be wrong (a clerk's first Japanese syllables heard as Vietnamese), so its speaker is only a guess."""
    return requested == AUTO and resident_lang != JAPANESE


def detected_resident_language(speaker: str, lang: str, resident_lang: str, offered: Collection[str]) -> str | None:
    """Resident language ``auto``: the first offered language other than Japanese that the resident is
    heard (or typed) in becomes the session's."""
    if speaker == "resident" and resident_lang == AUTO and lang != JAPANESE and lang in offered:
        return lang
    return None


# ------------------------------------------------------------------ which languages to recognise


def recognition_languages(speaker: str, resident_lang: str, offered: Collection[str]) -> list[str]:
    """The languages the recogniser may choose from for a microphone of ``speaker``."""
    if speaker == "clerk" or resident_lang == JAPANESE:
        return [JAPANESE]
    if resident_lang == AUTO:
        return [JAPANESE, *offered]
    return [resident_lang] if speaker == "resident" else [JAPANESE, resident_lang]


# ------------------------------------------------------------------ who hears what


def translation_target(speaker: str, lang: str, resident_lang: str, mode: str) -> str | None:
    """The language the listener reads what ``speaker`` said in ``lang`` in (None: nothing to translate):
    the clerk's words go to the resident's language (or やさしい日本語), the resident's to Japanese."""
    if speaker == "clerk":
        if mode == "easy_japanese":
            return EASY_JAPANESE
        return None if resident_lang in (JAPANESE, AUTO) or lang == resident_lang else resident_lang
    if speaker == "resident" and lang != JAPANESE:
        return JAPANESE
    return None


def hears(role: str, message: TranslationMessage, resident_lang: str) -> bool:
    """Who is spoken a translation: whoever reads it, except the operator (who hears the counter live)."""
    return role != "operator" and sees(role, message, resident_lang)


# ------------------------------------------------------------------ who sees what


def sees(role: str, message: Message, resident_lang: str) -> bool:
    """The resident's phone shows the resident's own words and what was said to them, in their language,
    and that a sentence of either went untranslated; the counter tablet (clerk and resident panels) and an
    operator see everything."""
    if role != "resident":
        return True
    if isinstance(message, Untranslated):
        return message.speaker == "resident" or was_for_the_resident(message, resident_lang)
    if isinstance(message, Partial):  # a guess may be the clerk's words: the phone waits for the transcript
        return message.speaker == "resident" and not message.speaker_guessed
    if isinstance(message, Transcript):
        return message.speaker == "resident"
    if isinstance(message, TranslationMessage):
        if message.kind == "back_translation":
            return False
        if message.kind == "easy_japanese":
            return True
        return message.lang == resident_lang
    return True


def was_for_the_resident(message: Untranslated, resident_lang: str) -> bool:
    """Words the resident never got: untranslated into the resident's language, or into やさしい日本語 (stored
    as ``ja``; the phone shows every やさしい日本語 line). The event carries no text, so nothing the clerk said
    reaches the phone; one left over from the resident's previous language is not about theirs."""
    return message.lang in (resident_lang, JAPANESE)
