"""What real Whisper does to a stream, scripted: continuing a forced prefix, looping back when the audio
stops mid-word, sentences broken by a breath. The same behaviours on the real weights are in
``test_real_whisper.py``; these pin each rule on its own, fast and without a model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from pipelines.asr.agreement import LocalAgreement
from pipelines.asr.decoder import whole_characters
from pipelines.asr.sentence import final_without_repeat, sounds_unfinished, without_restart
from pipelines.asr.stream import WhisperStream

from .fakes import RATE, FakeDecoder, silence, stream_in_chunks, tone, words_heard

MakeStream = Callable[..., tuple[WhisperStream, FakeDecoder]]


def finals(events: list) -> list:
    return [e for _, e in events if e.kind == "final"]


def test_final_is_decoded_afresh_without_the_partials_prefix(make_stream: MakeStream) -> None:
    # partials heard the first word wrong ("ask" as "is") and committed it; the whole utterance is clear
    def script(audio: np.ndarray, _index: int) -> tuple[str, str]:
        return ("en", " is not") if len(audio) < 1.8 * RATE else ("en", " ask not what your country")

    stream, decoder = make_stream(script)
    [final] = finals(stream_in_chunks(stream, np.concatenate([tone(2.5), silence(1.0)])))
    assert final.text == "ask not what your country"
    assert any(call.prefix for call in decoder.calls)  # partials continue what was committed ...
    assert decoder.calls[-1].prefix == ""  # ... the decode that became the final re-decided it all


def test_committed_words_are_never_said_twice(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("and so my fellow Americans ask not"))
    events = stream_in_chunks(stream, np.concatenate([tone(3.2), silence(1.0)]))
    for _, event in events:
        words = event.text.split()
        assert all(words[i:i + 2] != words[i + 2:i + 4] for i in range(len(words) - 3)), event.text
    assert finals(events)[0].text == "and so my fellow Americans ask not"


def test_a_breath_after_a_particle_does_not_cut_the_sentence(make_stream: MakeStream) -> None:
    first, whole = "国民健康保険の手続きは、", "国民健康保険の手続きは、二階の窓口です。"
    stream, _ = make_stream(lambda audio, i: ("ja", first if len(audio) < 2.5 * RATE else whole))
    audio = np.concatenate([tone(1.5), silence(0.8), tone(1.5), silence(1.5)])
    assert [e.text for e in finals(stream_in_chunks(stream, audio))] == [whole]


def test_a_finished_sentence_ends_after_the_short_silence(make_stream: MakeStream) -> None:
    sentences = {True: "在留カードを持ってきてください。", False: "二階の窓口です。"}

    def script(audio: np.ndarray, _index: int) -> tuple[str, str]:
        return "ja", sentences[bool(np.abs(audio).max() < 0.4)]

    stream, _ = make_stream(script, endpoint_silence_s=0.5, unfinished_silence_s=1.0)
    audio = np.concatenate([tone(1.5, 0.3), silence(0.7), tone(1.5, 0.5), silence(1.5)])
    events = stream_in_chunks(stream, audio)
    assert [e.text for e in finals(events)] == list(sentences.values())
    when = next(t for t, e in events if e.kind == "final")
    assert when <= 1.5 + 0.75  # 0.5 s of silence, seen at the next 0.25 s chunk: no wait for 1.0 s


def test_an_unfinished_sentence_still_ends_after_the_longer_silence(make_stream: MakeStream) -> None:
    stream, _ = make_stream(lambda audio, i: ("ja", "住民票の写しは、"), unfinished_silence_s=1.2)
    events = stream_in_chunks(stream, np.concatenate([tone(1.5), silence(2.0)]))
    [(when, final)] = [(t, e) for t, e in events if e.kind == "final"]
    assert final.text == "住民票の写しは、" and 1.5 + 1.2 <= when <= 1.5 + 1.45


def test_partial_that_loops_back_to_its_start_is_shown_without_the_loop(make_stream: MakeStream) -> None:
    stream, _ = make_stream(lambda audio, i: ("ja", "国民国民国民") if len(audio) < RATE else ("ja", "国民健康保険"))
    events = stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.0)]))
    texts = [e.text for _, e in events if e.kind == "partial"]
    assert texts[0] == "国民" and not any("国民国民" in text for text in texts)
    assert finals(events)[0].text == "国民健康保険"


@pytest.mark.parametrize("text,lang,expected", [
    ("国民国民国民", "ja", "国民"),
    ("電入届けを出す電入", "ja", "電入届けを出す"),
    (" Ask what you ask what you ask what you", "en", " Ask what you"),
    (" please sign here", "en", " please sign here"),
    ("住民票の写しです", "ja", "住民票の写しです"),
])
def test_without_restart(text: str, lang: str, expected: str) -> None:
    assert without_restart(text, lang) == expected


@pytest.mark.parametrize("text,lang,unfinished", [
    ("国民健康保険の手続きは", "ja", True), ("転入届を出すときは、", "ja", True), ("持ってきて", "ja", True),
    ("年金の鉄づきは。", "ja", True), ("I would like to.", "en", True),
    ("二階の窓口です", "ja", False), ("持ってきてください。", "ja", False), ("よろしいですか", "ja", False),
    ("And so my fellow Americans,", "en", True), ("I would like to", "en", True),
    ("What can I do for you?", "en", False), ("thank you", "en", False), ("", "en", False),
    ("I would like to register my new address, please.", "en", False), ("Yes, please.", "en", False),
    ("Could you please", "en", True), ("Could you please.", "en", True),
    ("マイナンバーカードの", "ja", True), ("My number cardの", "ja", True), ("こちらの用紙にお名前とご", "ja", True),
    ("どうしたの", "ja", False), ("そうなの", "ja", False),  # の after a predicate asks: finished
])
def test_sounds_unfinished(text: str, lang: str, unfinished: bool) -> None:
    assert sounds_unfinished(text, lang) is unfinished


@pytest.mark.parametrize("text,lang,expected", [
    (" Do I need to bring my passport? Do I need to bring my passport?", "en", " Do I need to bring my passport?"),
    (" Do I need to bring my passport? Do I need to bring my passport? Do", "en", " Do I need to bring my passport?"),
    ("在留カードを見せてください在留カードを", "ja", "在留カードを見せてください"),
    ("もしもし", "ja", None), ("はいはい", "ja", None),  # what was said: one doubled word is kept
    ("Thank you, thank you.", "en", None), (" please sign here", "en", None),
])
def test_final_without_repeat(text: str, lang: str, expected: str | None) -> None:
    assert final_without_repeat(text, lang) == expected


def test_a_final_that_says_the_utterance_twice_is_shown_once(make_stream: MakeStream) -> None:
    # the decode repeats the whole question, even with the retry's extra silence: the repeat is cut
    stream, decoder = make_stream(lambda audio, i: ("en", " Where do I pay? Where do I pay?"))
    [final] = finals(stream_in_chunks(stream, np.concatenate([tone(1.5), silence(1.5)])))
    assert final.text == "Where do I pay?"
    assert decoder.calls[-1].seconds > decoder.calls[-2].seconds  # it was retried with more silence first


def test_agreement_never_commits_half_a_word() -> None:
    agreement = LocalAgreement()
    agreement.update(" And so my fellow America", "en")
    agreement.update(" And so my fellow Americans", "en")
    assert agreement.committed_text == " And so my fellow"


def test_agreement_commits_characters_for_japanese_and_gives_way_to_a_fresh_decode() -> None:
    agreement = LocalAgreement()
    agreement.update("電入届けを", "ja")
    agreement.update("電入届けを出す", "ja")
    assert agreement.committed_text == "電入届けを"
    assert agreement.update("転入届を出す", "ja") == "転入届を出す"  # the final decode heard it better
    assert agreement.committed_text == ""


def test_a_character_split_across_tokens_is_never_shown_in_half() -> None:
    from faster_whisper.tokenizer import Tokenizer
    from tokenizers import Tokenizer as HfTokenizer

    from .conftest import real_whisper_folder

    tokenizer = Tokenizer(HfTokenizer.from_file(str(real_whisper_folder() / "tokenizer.json")),
                          multilingual=True, task="transcribe", language="ja")
    tokens = tokenizer.encode("二階の窓口")
    # kanji take more than one byte-level token: cut between them, the text breaks
    assert any("\ufffd" in tokenizer.decode(tokens[:end]) for end in range(len(tokens)))
    for end in range(len(tokens) + 1):
        text = whole_characters(tokenizer, tokens[:end])
        assert "\ufffd" not in text and "二階の窓口".startswith(text)
    assert whole_characters(tokenizer, tokens) == "二階の窓口"



def test_a_final_that_loops_is_decoded_again_with_more_silence(make_stream: MakeStream) -> None:
    # Whisper base looped ("Hello Hello Hello …") on a real clip that ended close after the speech and
    # transcribed the same clip with one more second of silence: the final must not be lost to the guard
    said = " Hello, I would like to register my new address."

    def script(audio: np.ndarray, _index: int) -> tuple[str, str]:
        quiet_tail = len(audio) - int(np.flatnonzero(np.abs(audio) > 1e-4)[-1]) if np.abs(audio).max() > 1e-4 else 0
        return ("en", said) if quiet_tail >= 1.0 * RATE else ("en", " Hello" * 25)

    stream, decoder = make_stream(script)
    events = stream_in_chunks(stream, np.concatenate([silence(0.3), tone(2.5), silence(1.5)]))
    assert [e.text for e in finals(events)] == [said.strip()]
    assert any(call.seconds > decoder.calls[0].seconds + 1.0 for call in decoder.calls[1:])
