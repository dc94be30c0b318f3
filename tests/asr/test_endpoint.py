"""Endpointing rules on scripted VAD probabilities (one per 32 ms window)."""

from __future__ import annotations

from pipelines.asr.endpoint import WINDOW, Boundary, Endpointer

SPEECH, QUIET = 0.9, 0.05
WINDOWS_PER_S = 16000 / WINDOW


def run(probs: list[float], finish: bool = False, **overrides: float) -> list[Boundary]:
    settings = {"threshold": 0.5, "endpoint_silence_s": 0.5, "max_utterance_s": 15.0, "min_speech_s": 0.25,
                "pad_s": 0.2} | overrides
    endpointer = Endpointer(**settings)  # type: ignore[arg-type]
    boundaries = [b for p in probs for b in endpointer.step(p)]
    return boundaries + (endpointer.finish() if finish else [])


def seconds(value: float, prob: float) -> list[float]:
    return [prob] * round(value * WINDOWS_PER_S)


def test_utterance_ends_after_the_configured_silence() -> None:
    probs = seconds(1.0, QUIET) + seconds(2.0, SPEECH) + seconds(0.45, QUIET)
    assert run(probs) == []  # 0.45 s of silence is not yet the end
    [end] = run(probs + seconds(0.1, QUIET))
    assert end.kind == "end" and end.reason == "silence"
    assert abs(end.start / 16000 - 0.8) < 0.05  # speech at 1.0 s minus 0.2 s of padding
    assert abs(end.end / 16000 - 3.2) < 0.05  # speech end at 3.0 s plus padding
    assert abs(end.speech_s - 2.0) < 0.05


def test_endpoint_silence_is_configurable() -> None:
    probs = seconds(1.0, SPEECH) + seconds(0.6, QUIET)
    assert run(probs, endpoint_silence_s=1.0) == []
    assert len(run(probs + seconds(0.5, QUIET), endpoint_silence_s=1.0)) == 1


def test_short_pause_inside_an_utterance_does_not_end_it() -> None:
    probs = seconds(1.0, SPEECH) + seconds(0.3, QUIET) + seconds(1.0, SPEECH) + seconds(0.6, QUIET)
    [end] = run(probs)
    assert abs(end.speech_s - 2.0) < 0.05


def test_clicks_and_noise_bursts_are_discarded_not_decoded() -> None:
    [burst] = run(seconds(0.1, SPEECH) + seconds(0.6, QUIET))
    assert burst.kind == "discard" and burst.reason == "noise"
    assert run(seconds(3.0, QUIET)) == []


def test_long_speech_is_cut_at_the_latest_pause() -> None:
    speech = seconds(6.0, SPEECH) + seconds(0.2, QUIET) + seconds(3.0, SPEECH) + seconds(0.15, QUIET)
    [cut] = run(speech + seconds(2.0, SPEECH), max_utterance_s=10.0)
    assert cut.kind == "end" and cut.reason == "max_length"
    cut_s = cut.end / 16000
    assert 9.2 <= cut_s <= 9.35  # inside the second pause (9.2–9.35 s), not mid-word at 10 s


def test_long_speech_without_any_pause_is_cut_at_the_maximum_and_goes_on() -> None:
    boundaries = run(seconds(12.0, SPEECH) + seconds(0.6, QUIET), max_utterance_s=5.0)
    assert [b.reason for b in boundaries] == ["max_length", "max_length", "silence"]
    assert all(b.end - b.start <= 5.0 * 16000 + 0.3 * 16000 for b in boundaries)
    assert boundaries[1].start == boundaries[0].end  # no audio lost between the pieces


def test_finish_flushes_the_open_utterance() -> None:
    [end] = run(seconds(1.0, SPEECH), finish=True)
    assert end.kind == "end" and end.reason == "finish"
