"""The counter's routing rules (relay.turns.routing), without sockets: who spoke, which languages are
recognised, who hears what, who sees what."""

from __future__ import annotations

import pytest

from pipelines.base import EASY_JAPANESE
from relay.turns import routing
from relay.wire.protocol import Notice, Partial, Transcript, TranslationMessage, Untranslated

OFFERED = ["vi", "en", "pt"]


def _translation(kind: str, lang: str) -> TranslationMessage:
    return TranslationMessage(seq=2, utterance_id="u1", lang=lang, text="…", kind=kind, confidence=0.9)


@pytest.mark.parametrize(("requested", "lang", "resident_lang", "speaker"), [
    ("auto", "ja", "vi", "clerk"),
    ("auto", "vi", "vi", "resident"),
    ("auto", "vi", "ja", "clerk"),  # both sides speak Japanese: the tablet's microphone is the clerk's
    ("resident", "ja", "vi", "resident"),  # the resident's own button wins over the language heard
])
def test_who_spoke_into_the_counter_microphone(requested: str, lang: str, resident_lang: str, speaker: str) -> None:
    assert routing.spoken_speaker(requested, lang, resident_lang) == speaker


def test_who_typed_and_who_may_type_as_whom() -> None:
    assert routing.typed_speaker("counter", "auto", "en") == "resident"
    assert routing.typed_speaker("counter", "auto", None) == "clerk"
    assert routing.typed_speaker("resident", "auto", "ja") == "resident"
    assert not routing.may_type_as("resident", "clerk", routing.typed_speaker("resident", "clerk", None))
    assert not routing.may_type_as("counter", "operator", "operator")
    assert routing.may_type_as("counter", "resident", "resident")
    assert routing.typed_language("clerk", None, "vi") == "ja"
    assert routing.typed_language("resident", None, "auto") == "auto"  # the client must say which
    assert routing.microphone_speaker("resident", "clerk") == "resident"


@pytest.mark.parametrize(("requested", "resident_lang", "guessed"), [
    ("auto", "vi", True),  # told from the language heard so far: an early partial may have it wrong
    ("auto", "auto", True),
    ("auto", "ja", False),  # both sides speak Japanese: the tablet's microphone is the clerk's
    ("clerk", "vi", False),  # push-to-talk for one side, or the resident's phone: said by the client
    ("resident", "vi", False),
])
def test_a_speaker_told_from_the_language_is_a_guess(requested: str, resident_lang: str, guessed: bool) -> None:
    assert routing.speaker_is_guessed(requested, resident_lang) is guessed


@pytest.mark.parametrize(("speaker", "resident_lang", "languages"), [
    ("clerk", "vi", ["ja"]),
    ("resident", "vi", ["vi"]),
    ("auto", "vi", ["ja", "vi"]),
    ("auto", "ja", ["ja"]),
    ("auto", "auto", ["ja", *OFFERED]),
    ("resident", "auto", ["ja", *OFFERED]),
])
def test_languages_the_recogniser_chooses_from(speaker: str, resident_lang: str, languages: list[str]) -> None:
    assert routing.recognition_languages(speaker, resident_lang, OFFERED) == languages


def test_the_residents_language_is_detected_once_from_an_offered_language() -> None:
    assert routing.detected_resident_language("resident", "vi", "auto", OFFERED) == "vi"
    assert routing.detected_resident_language("resident", "ko", "auto", OFFERED) is None  # not offered here
    assert routing.detected_resident_language("clerk", "vi", "auto", OFFERED) is None
    assert routing.detected_resident_language("resident", "en", "vi", OFFERED) is None  # already known


@pytest.mark.parametrize(("speaker", "lang", "resident_lang", "mode", "target"), [
    ("clerk", "ja", "vi", "translation", "vi"),
    ("clerk", "ja", "vi", "easy_japanese", EASY_JAPANESE),
    ("clerk", "ja", "auto", "translation", None),  # nobody to translate for until the language is known
    ("clerk", "vi", "vi", "translation", None),  # the clerk spoke the resident's language
    ("resident", "vi", "vi", "translation", "ja"),
    ("resident", "ja", "vi", "translation", None),
    ("operator", "vi", "vi", "translation", None),
])
def test_what_each_utterance_is_translated_into(speaker: str, lang: str, resident_lang: str, mode: str,
                                                target: str | None) -> None:
    assert routing.translation_target(speaker, lang, resident_lang, mode) == target


def test_the_residents_phone_sees_its_own_words_and_what_was_said_to_it() -> None:
    clerk_said = Transcript(seq=1, utterance_id="u1", speaker="clerk", lang="ja", text="…", confidence=1.0)
    resident_said = Partial(utterance_id="u2", speaker="resident", lang="vi", text="…")
    assert not routing.sees("resident", clerk_said, "vi") and routing.sees("resident", resident_said, "vi")
    assert routing.sees("resident", _translation("translation", "vi"), "vi")
    assert not routing.sees("resident", _translation("translation", "en"), "vi")
    assert not routing.sees("resident", _translation("back_translation", "ja"), "vi")
    assert routing.sees("resident", _translation("easy_japanese", "ja"), "ja")
    assert routing.sees("resident", Notice(code="no_voice", message="…"), "vi")
    for role in ("counter", "operator"):
        assert routing.sees(role, clerk_said, "vi") and routing.sees(role, _translation("back_translation", "ja"), "vi")
    # heard by the tablet's microphone and taken for the resident from its first syllables: maybe the
    # clerk's Japanese, never shown on the phone as the resident's own words (the transcript decides)
    guessed = Partial(utterance_id="u3", speaker="resident", lang="vi", text="…", speaker_guessed=True)
    assert not routing.sees("resident", guessed, "vi") and routing.sees("counter", guessed, "vi")


@pytest.mark.parametrize(("speaker", "lang", "resident_lang", "seen"), [
    ("clerk", "vi", "vi", True),  # the staff's words never reached the resident: the phone must say so
    ("clerk", "ja", "vi", True),  # やさしい日本語 that could not be made (the phone shows every such line)
    ("clerk", "ja", "auto", True),
    ("clerk", "vi", "th", False),  # left over from the resident's previous language
    ("resident", "ja", "vi", True),  # the resident's own words the staff never got
])
def test_the_residents_phone_is_told_which_words_went_untranslated(speaker: str, lang: str, resident_lang: str,
                                                                    seen: bool) -> None:
    mark = Untranslated(seq=3, utterance_id="u1", speaker=speaker, lang=lang, code="engine_failed")
    assert routing.sees("resident", mark, resident_lang) is seen
    assert routing.sees("counter", mark, resident_lang) and routing.sees("operator", mark, resident_lang)


def test_who_hears_a_translation_spoken() -> None:
    spoken = _translation("translation", "vi")
    assert routing.hears("counter", spoken, "vi") and routing.hears("resident", spoken, "vi")
    assert not routing.hears("operator", spoken, "vi"), "the interpreter hears the counter live, not the AI"
    assert not routing.hears("resident", _translation("back_translation", "ja"), "vi")
