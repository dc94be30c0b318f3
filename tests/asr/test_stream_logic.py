"""The streaming state machine against a scripted decoder and an energy VAD (no model involved)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pytest

from pipelines.asr.stream import WhisperStream

from .fakes import FakeDecoder, by_voice, silence, stream_in_chunks, to_pcm, tone, words_heard

CLERK, RESIDENT = 0.3, 0.5  # loudness tells the fake decoder who is speaking

MakeStream = Callable[..., tuple[WhisperStream, FakeDecoder]]


def finals(events: list) -> list:
    return [e for _, e in events if e.kind == "final"]


def partials(events: list) -> list:
    return [e for _, e in events if e.kind == "partial"]


def test_partials_come_about_every_half_second_then_one_final(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("I would like to register my new address please"))
    audio = np.concatenate([silence(0.5), tone(4.0), silence(1.0)])
    events = stream_in_chunks(stream, audio)
    kinds = [e.kind for _, e in events]
    assert kinds[-1] == "final" and kinds.count("final") == 1
    assert "final" not in kinds[:-1]
    times = [t for t, e in events if e.kind == "partial"]
    assert len(times) >= 6  # ~4 s of speech at one partial per 0.5 s
    assert max(np.diff(times)) <= 0.75
    [final] = finals(events)
    assert final.text == "I would like to register my new address please"
    assert final.lang == "en" and 0.0 < final.confidence <= 1.0


def test_partial_text_grows_and_committed_text_is_kept(make_stream: MakeStream) -> None:
    stream, decoder = make_stream(words_heard("please sign here and here"))
    events = stream_in_chunks(stream, np.concatenate([tone(3.0), silence(1.0)]))
    texts = [e.text for e in partials(events)]
    assert texts[-1].startswith(texts[1].rsplit(" ", 1)[0])
    prefixes = [call.prefix for call in decoder.calls if call.prefix]
    assert prefixes and all(p.strip() in "please sign here and here" for p in prefixes)


def test_final_arrives_once_the_silence_reaches_the_endpoint_and_reuses_the_pause_decode(
    make_stream: MakeStream,
) -> None:
    stream, decoder = make_stream(words_heard("ok"), endpoint_silence_s=0.5)
    events = stream_in_chunks(stream, np.concatenate([tone(2.0), silence(2.0)]))
    [(when, final)] = [(t, e) for t, e in events if e.kind == "final"]
    assert 2.5 <= when <= 2.75  # 0.5 s of silence, seen at the next 0.25 s chunk
    assert final.timings["decode_ms"] == 0.0  # the pause decode already covered all the speech
    assert len([c for c in decoder.calls if c.beam_size == 1]) == len(decoder.calls)


def test_silence_and_short_noise_are_never_decoded(make_stream: MakeStream) -> None:
    stream, decoder = make_stream(words_heard("never"))
    audio = np.concatenate([silence(2.0), tone(0.1), silence(2.0), tone(0.05, amplitude=0.9), silence(1.0)])
    assert stream_in_chunks(stream, audio) == []
    assert decoder.calls == []


def test_two_utterances_in_one_stream_give_two_finals(make_stream: MakeStream) -> None:
    script = by_voice({CLERK: ("ja", "はい"), RESIDENT: ("en", "thank you so much for your help")})
    stream, _ = make_stream(script)
    audio = np.concatenate([tone(1.0, CLERK), silence(1.0), tone(2.5, RESIDENT), silence(1.0)])
    events = stream_in_chunks(stream, audio)
    assert [(e.lang, e.text) for e in finals(events)] == [("ja", "はい"), ("en", "thank you so much for your help")]
    first_final = next(i for i, (_, e) in enumerate(events) if e.kind == "final")
    assert all(e.lang == "en" for _, e in events[first_final + 1:])


def test_overlapping_speakers_without_a_pause_stay_one_utterance_in_one_allowed_language(
    make_stream: MakeStream,
) -> None:
    # the resident starts in English, the clerk talks over the end in Japanese: no silence between them
    script = by_voice({RESIDENT: ("en", "where do I"), CLERK: ("ja", "こちらにどうぞお座りください")})
    stream, decoder = make_stream(script, languages=("ja", "en"))
    audio = np.concatenate([tone(1.2, RESIDENT), tone(2.5, CLERK), silence(1.0)])
    events = stream_in_chunks(stream, audio)
    [final] = finals(events)
    assert next(e.lang for e in partials(events)) == "en"  # the resident's words appear first
    assert final.lang == "ja" and final.text == "こちらにどうぞお座りください"  # then the dominant voice wins
    assert all(call.languages == ("ja", "en") for call in decoder.calls)
    # English committed while the resident spoke is not forced onto the Japanese decode
    assert not any(call.prefix.startswith("where") for call in decoder.calls if call.seconds > 3.0)


def test_speech_longer_than_the_maximum_is_cut_at_a_pause_into_several_finals(make_stream: MakeStream) -> None:
    stream, decoder = make_stream(words_heard("one two three four five six seven eight nine ten eleven twelve"),
                                  max_utterance_s=4.0)
    audio = np.concatenate([tone(3.0), silence(0.2), tone(3.0), silence(0.2), tone(2.0), silence(1.0)])
    events = stream_in_chunks(stream, audio)
    results = finals(events)
    assert len(results) >= 2
    assert results[0].details["cut_at_max_length"] == 1.0
    assert all(c.seconds <= 4.0 + 0.05 for c in decoder.calls)
    assert abs(results[0].end_s - 3.1) < 0.1  # in the first pause, not in the middle of speech
    for earlier, later in itertools.pairwise(results):
        assert later.start_s >= earlier.end_s - 0.25


def test_auto_resident_language_is_fixed_by_the_first_foreign_utterance(make_stream: MakeStream) -> None:
    script = by_voice({CLERK: ("ja", "こんにちは"), RESIDENT: ("vi", "xin chào")})
    stream, decoder = make_stream(script, languages=("ja", "en", "vi", "zh"), partial_interval_s=10.0)
    events = []
    for piece in (tone(1.0, CLERK), silence(1.0), tone(1.0, RESIDENT), silence(1.0), tone(1.0, CLERK), silence(1.0)):
        events += stream_in_chunks(stream, piece)
    results = finals(events)
    assert [e.lang for e in results] == ["ja", "vi", "ja"]
    assert "language_fixed" not in results[0].details
    assert results[1].details["language_fixed"] == 1.0
    assert decoder.calls[-1].languages == ("ja", "vi")


@pytest.mark.parametrize("text,lang", [("ご視聴ありがとうございました", "ja"), ("Thanks for watching!", "en")])
def test_known_hallucination_on_a_weak_noise_burst_is_dropped(make_stream: MakeStream, text: str, lang: str) -> None:
    stream, _ = make_stream(lambda s, i: (lang, text), partial_interval_s=10.0)
    events = stream_in_chunks(stream, np.concatenate([silence(1.0), tone(0.5), silence(1.0)]))
    assert events == []  # nothing shown, nothing said


def test_known_phrase_really_spoken_is_kept(make_stream: MakeStream) -> None:
    stream, _ = make_stream(lambda s, i: ("ja", "ご視聴ありがとうございました"))
    [final] = finals(stream_in_chunks(stream, np.concatenate([tone(2.0), silence(1.0)])))
    assert final.text == "ご視聴ありがとうございました"


def test_dropped_utterance_after_partials_ends_with_an_empty_final(make_stream: MakeStream) -> None:
    stream, _ = make_stream(lambda audio, i: ("en", "hello") if len(audio) < 24000 else ("en", "go " * 12))
    events = stream_in_chunks(stream, np.concatenate([tone(2.0), silence(1.0)]))
    assert partials(events)
    [final] = finals(events)
    assert final.text == "" and final.confidence == 0.0 and final.details["dropped"] == 3.0  # loop


def test_low_confidence_finals_are_dropped_when_configured(make_stream: MakeStream) -> None:
    stream, _ = make_stream(lambda s, i: ("en", "maybe"), figures={"avg_logprob": -2.5}, min_confidence=0.3,
                            partial_interval_s=10.0)
    assert finals(stream_in_chunks(stream, np.concatenate([tone(1.0), silence(1.0)]))) == []


def test_final_details_keep_the_raw_decoder_figures(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("fine"))
    [final] = finals(stream_in_chunks(stream, np.concatenate([tone(1.0), silence(1.0)])))
    for key in ("avg_logprob", "no_speech_prob", "compression_ratio", "language_probability", "vad_speech_s"):
        assert key in final.details
    assert {"decode_ms", "vad_ms"} <= set(final.timings)


def test_finish_flushes_speech_still_in_progress(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("wait"))
    stream.insert_audio(to_pcm(tone(1.5)))
    stream.process()
    [final] = [e for e in stream.finish() if e.kind == "final"]
    assert final.text == "wait"


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_any_rate_from_8_to_48_khz_is_accepted(make_stream: MakeStream, rate: int) -> None:
    stream, decoder = make_stream(words_heard("hello there"), sample_rate=rate)
    t = np.arange(int(2.0 * rate)) / rate
    pcm = to_pcm(np.concatenate([0.3 * np.sin(2 * np.pi * 220 * t), np.zeros(rate)]).astype(np.float32))
    events = []
    for offset in range(0, len(pcm), 4001):  # odd-sized frames split samples across frames
        stream.insert_audio(pcm[offset:offset + 4001])
        events += stream.process()
    events += stream.finish()
    assert [e.text for e in events if e.kind == "final"] == ["hello there"]
    assert 2.1 <= max(c.seconds for c in decoder.calls) <= 2.3  # resampled to 16 kHz, duration kept


@pytest.mark.parametrize("rate", [0, 4000, 7999, 48001, 96000])
def test_unsupported_rates_are_refused_clearly(make_stream: MakeStream, rate: int) -> None:
    with pytest.raises(ValueError, match="8000–48000 Hz"):
        make_stream(words_heard("x"), sample_rate=rate)


def test_audio_that_is_not_bytes_is_refused(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("x"))
    with pytest.raises(TypeError, match="PCM s16le bytes"):
        stream.insert_audio(np.zeros(10))  # type: ignore[arg-type]  # the mistake under test


def test_the_pause_decode_says_what_the_final_will_be_before_the_endpoint(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("please sign here"), endpoint_silence_s=0.5)
    events = stream_in_chunks(stream, np.concatenate([tone(2.0), silence(2.0)]))
    early = [(t, e) for t, e in events if e.kind == "partial" and e.final_text is not None]
    [(final_at, final)] = [(t, e) for t, e in events if e.kind == "final"]
    assert len(early) == 1, "announced once per pause"
    when, pause = early[0]
    assert pause.final_text == final.text == "please sign here"
    assert when < final_at  # there is time to translate before the endpoint
    assert all(e.final_text is None for _, e in events if e is not pause)


def test_speech_after_a_pause_announces_the_next_pause_anew(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("please sign here and here"), endpoint_silence_s=1.0,
                            unfinished_silence_s=1.0)
    events = stream_in_chunks(stream, np.concatenate([tone(1.5), silence(0.5), tone(1.5), silence(2.0)]))
    announced = [e.final_text for _, e in events if e.kind == "partial" and e.final_text is not None]
    [final] = finals(events)
    assert len(announced) == 2 and announced[-1] == final.text
    partial_between = [e for _, e in events if e.kind == "partial" and e.final_text is None]
    assert partial_between, "the speaker went on: a plain partial tells the relay to drop the early one"


def test_a_pause_after_an_unfinished_sentence_is_not_announced(make_stream: MakeStream) -> None:
    stream, _ = make_stream(words_heard("please take a number and"), unfinished_silence_s=1.2)
    events = stream_in_chunks(stream, np.concatenate([tone(2.0), silence(2.0)]))
    [final] = finals(events)
    assert final.text == "please take a number and"  # it ended after the longer silence …
    assert all(e.final_text is None for _, e in events)  # … and nothing was translated for a breath


def stream_busy(stream: WhisperStream, audio: np.ndarray, chunk_s: float = 0.25) -> list:
    """``stream_in_chunks`` while other sessions always wait for the model (the relay's ``partials=False``)."""
    events: list = []
    step = int(chunk_s * 16000)
    for offset in range(0, len(audio), step):
        stream.insert_audio(to_pcm(audio[offset:offset + step]))
        events += [(min(len(audio), offset + step) / 16000, e) for e in stream.process(partials=False)]
    return events + [(len(audio) / 16000, e) for e in stream.finish()]


def test_while_others_wait_only_the_decode_a_final_needs_runs_and_the_final_is_as_early(
        make_stream: MakeStream) -> None:
    audio = np.concatenate([silence(0.5), tone(4.0), silence(1.0)])
    said = "I would like to register my new address please"
    idle, idle_decoder = make_stream(words_heard(said))
    busy, busy_decoder = make_stream(words_heard(said))
    at_ease, busy_events = stream_in_chunks(idle, audio), stream_busy(busy, audio)
    def timed_finals(events: list) -> list:
        return [(t, e.text) for t, e in events if e.kind == "final"]

    assert timed_finals(busy_events) == timed_finals(at_ease) and timed_finals(at_ease)
    assert len(busy_decoder.calls) == 1 < len(idle_decoder.calls)  # the pause decode, which the final reuses
    assert [e.text for e in partials(busy_events)] == [said]  # the pause decode, shown as the partial


def test_partials_can_be_kept_under_load(make_stream: MakeStream) -> None:
    stream, decoder = make_stream(words_heard("I would like to register"), skip_partials_when_busy=False)
    events = stream_busy(stream, np.concatenate([silence(0.5), tone(3.0), silence(1.0)]))
    assert len(partials(events)) >= 4 and len(decoder.calls) >= 5


def test_a_recogniser_behind_the_speaker_skips_partials_until_it_catches_up(make_stream: MakeStream) -> None:
    # a busy node: each step brings 0.75 s of audio (its last decode took that long); the speaker sees
    # the pause decode's text and the same final, at the same audio time, for one decode instead of five
    audio = np.concatenate([silence(0.5), tone(4.0), silence(1.5)])
    said = "I would like to register my new address please"
    behind, behind_decoder = make_stream(words_heard(said))
    kept, kept_decoder = make_stream(words_heard(said), skip_partials_behind_s=0)
    late, late_kept = stream_in_chunks(behind, audio, chunk_s=0.75), stream_in_chunks(kept, audio, chunk_s=0.75)
    def timed_finals(events: list) -> list:
        return [(t, e.text) for t, e in events if e.kind == "final"]

    assert timed_finals(late) == timed_finals(late_kept) and [text for _, text in timed_finals(late)] == [said]
    assert [e.text for e in partials(late)] == [said]  # the pause decode, shown as the partial
    assert len(behind_decoder.calls) == 1 and len(kept_decoder.calls) >= 5
    on_time, _ = make_stream(words_heard(said))  # in step with the speaker: partials as before
    assert len(partials(stream_in_chunks(on_time, audio, chunk_s=0.25))) >= 6
