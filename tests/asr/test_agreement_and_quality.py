"""LocalAgreement, confidence and the hallucination guard, on plain values."""

from __future__ import annotations

import pytest

from pipelines.asr import AsrConfig
from pipelines.asr.agreement import LocalAgreement, split_units
from pipelines.asr.decoder import Hypothesis, compression_ratio, restrict_languages
from pipelines.asr.quality import confidence, guard_reason, has_ngram_loop


def hyp(text: str, lang: str = "en", **figures: float) -> Hypothesis:
    values = {"language_probability": 0.95, "avg_logprob": -0.2, "no_speech_prob": 0.05,
              "compression_ratio": compression_ratio(text)} | figures
    return Hypothesis(text=text, lang=lang, language_probability=values["language_probability"],
                      avg_logprob=values["avg_logprob"], no_speech_prob=values["no_speech_prob"],
                      compression_ratio=values["compression_ratio"])


def test_agreement_commits_only_what_two_hypotheses_share() -> None:
    agreement = LocalAgreement()
    assert agreement.update(" I would like", "en") == " I would like"
    assert agreement.committed_text == ""  # one hypothesis alone commits nothing
    agreement.update(" I would like to pay", "en")
    assert agreement.committed_text == " I would like"
    shown = agreement.update(" I would like two pens", "en")
    assert agreement.committed_text == " I would like"
    assert shown == " I would like two pens"


def test_agreement_works_on_characters_for_japanese() -> None:
    agreement = LocalAgreement()
    agreement.update("住民票を", "ja")
    agreement.update("住民票の写し", "ja")
    assert agreement.committed_text == "住民票"


def test_agreement_restarts_when_the_language_changes() -> None:
    agreement = LocalAgreement()
    agreement.update("hello there", "en")
    agreement.update("hello there friend", "en")
    assert agreement.committed_text
    agreement.update("こんにちは", "ja")
    assert agreement.committed_text == ""


def test_split_units_round_trips() -> None:
    assert "".join(split_units(" a bc, d", "en")) == " a bc, d"
    assert split_units("はい。", "ja") == ["は", "い", "。"]


def test_restricted_language_identification_renormalises_over_allowed_languages() -> None:
    probs = [("en", 0.6), ("vi", 0.3), ("ja", 0.1)]
    assert restrict_languages(probs, ["ja", "vi"]) == ("vi", pytest.approx(0.75))


def test_confidence_is_in_range_and_falls_with_worse_figures() -> None:
    good = confidence(hyp("please fill in this form"))
    assert 0.0 < good <= 1.0
    assert confidence(hyp("please fill in this form", avg_logprob=-1.5)) < good
    assert confidence(hyp("please fill in this form", no_speech_prob=0.9)) < good
    assert confidence(hyp("please fill in this form", compression_ratio=2.8)) < good
    assert confidence(hyp("please fill in this form", language_probability=0.5)) < good
    assert confidence(hyp("x", avg_logprob=5.0, no_speech_prob=-1.0, language_probability=2.0)) <= 1.0
    assert confidence(hyp("x", avg_logprob=-50.0, compression_ratio=9.0)) == 0.0


@pytest.mark.parametrize("text,lang", [
    ("the the the the the the", "en"),
    ("thank you thank you thank you thank you", "en"),
    ("ははははははははは", "ja"),
])
def test_loops_are_detected(text: str, lang: str) -> None:
    assert has_ngram_loop(text, lang)


@pytest.mark.parametrize("text,lang", [
    ("I need a residence certificate, a certificate for my wife", "en"),
    ("はい、はい、わかりました", "ja"),
    ("no no no", "en"),
])
def test_ordinary_repetition_is_not_a_loop(text: str, lang: str) -> None:
    assert not has_ngram_loop(text, lang)


def test_guard_drops_known_hallucinations_unless_the_vad_heard_real_speech() -> None:
    config = AsrConfig()
    for text, lang in (("ご視聴ありがとうございました。", "ja"), (" Thanks for watching!", "en")):
        assert guard_reason(hyp(text, lang), config, speech_s=0.4, mean_speech_prob=0.6) == "known_hallucination"
        assert guard_reason(hyp(text, lang), config, speech_s=1.6, mean_speech_prob=0.93) is None
        # both halves of the evidence are needed: long but doubtful speech, or short but clear speech
        assert guard_reason(hyp(text, lang), config, speech_s=1.6, mean_speech_prob=0.6) == "known_hallucination"
        assert guard_reason(hyp(text, lang), config, speech_s=0.4, mean_speech_prob=0.97) == "known_hallucination"


def test_guard_drops_non_speech_and_loops_and_can_be_disabled() -> None:
    config = AsrConfig()
    silent = hyp("some words", no_speech_prob=0.9, avg_logprob=-1.4)
    assert guard_reason(silent, config, 1.0, 0.9) == "no_speech"
    assert guard_reason(hyp("go go go go go go go go"), config, 2.0, 0.9) == "loop"
    assert guard_reason(silent, AsrConfig(hallucination_guard=False), 1.0, 0.9) is None
    assert guard_reason(hyp("   "), config, 2.0, 0.9) == "empty"


def test_no_speech_needs_both_figures_and_noise_bursts_need_both_too() -> None:
    config = AsrConfig()
    # Whisper doubts there is speech, but is sure of the words (or the reverse): kept
    assert guard_reason(hyp("some words", no_speech_prob=0.9, avg_logprob=-0.3), config, 1.0, 0.9) is None
    assert guard_reason(hyp("some words", no_speech_prob=0.05, avg_logprob=-2.5), config, 1.0, 0.9) is None
    # a noise burst: half-believed silence and a wild guess (below twice the log-probability floor)
    assert guard_reason(hyp("some words", no_speech_prob=0.45, avg_logprob=-2.5), config, 1.0, 0.9) == "no_speech"
    assert guard_reason(hyp("some words", no_speech_prob=0.45, avg_logprob=-1.5), config, 1.0, 0.9) is None
    assert guard_reason(hyp("some words", no_speech_prob=0.3, avg_logprob=-2.5), config, 1.0, 0.9) is None


def test_a_loop_is_found_in_the_hypothesis_language_even_when_it_compresses_badly() -> None:
    looping = hyp("はいはいはいはいはいはい", "ja", compression_ratio=1.5)  # only the n-gram check can see it
    assert guard_reason(looping, AsrConfig(), 2.0, 0.9) == "loop"
