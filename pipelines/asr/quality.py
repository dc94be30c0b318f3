"""Confidence of one utterance, and the guard against Whisper's hallucinations.

Confidence combines four figures Whisper gives for every decode, each mapped to [0, 1]:
the mean token probability exp(avg_logprob), the speech probability 1 − no_speech_prob, a penalty for
compression ratios above 2.0 (loops compress well), and the language probability renormalised over the
session's languages. They are multiplied, with the weaker signals softened by a square root.
"""

from __future__ import annotations

import math
import unicodedata

from pipelines.asr.agreement import split_units
from pipelines.asr.config import AsrConfig
from pipelines.asr.decoder import Hypothesis

# What Whisper writes on silence or music, learnt from subtitled video (normalised: lower case,
# no spaces or punctuation). Matched against the whole utterance only.
KNOWN_HALLUCINATIONS = frozenset({
    "ご視聴ありがとうございました", "ご視聴ありがとうございます", "ありがとうございました",
    "チャンネル登録よろしくお願いします", "チャンネル登録お願いします", "おやすみなさい",
    "thanksforwatching", "thankyouforwatching", "thankyou", "thankyouverymuch",
    "pleasesubscribe", "subscribetomychannel", "byebye", "you",
    "subtitlesbytheamaraorgcommunity", "字幕由amaraorg社区提供", "请不吝点赞订阅转发打赏支持明镜与点点栏目",
    "感谢观看", "谢谢观看", "시청해주셔서감사합니다", "cảmơncácbạnđãxemvideo",
})
# Real Whisper base on noise bursts that get past the VAD: no_speech_prob 0.5–0.6 with avg_logprob
# below -2 ("I'm not a real man."); on real speech no_speech_prob stays under 0.3
WEAK_NO_SPEECH = 0.4
# VAD evidence strong enough to believe a known phrase was really said
REAL_SPEECH_MIN_S = 1.0
REAL_SPEECH_MIN_MEAN_PROB = 0.8


def confidence(hyp: Hypothesis) -> float:
    token_prob = math.exp(min(0.0, hyp.avg_logprob))
    speech_prob = 1.0 - min(1.0, max(0.0, hyp.no_speech_prob))
    loop_penalty = 1.0 if hyp.compression_ratio <= 2.0 else max(0.0, 1.0 - (hyp.compression_ratio - 2.0))
    value = token_prob * math.sqrt(speech_prob) * loop_penalty * math.sqrt(max(0.0, hyp.language_probability))
    return min(1.0, max(0.0, value))


def normalise(text: str) -> str:
    kept = (ch for ch in unicodedata.normalize("NFKC", text).lower()
            if not unicodedata.category(ch).startswith(("P", "Z", "S")) and not ch.isspace())
    return "".join(kept)


def has_ngram_loop(text: str, lang: str, min_repeats: int = 4) -> bool:
    """A unit n-gram (n ≤ 8) repeated ``min_repeats`` times in a row, covering at least 6 units."""
    units = [u.strip().lower() for u in split_units(text, lang) if u.strip()]
    for n in range(1, 9):
        repeats_needed = max(min_repeats, math.ceil(6 / n))
        for start in range(len(units) - n * repeats_needed + 1):
            gram = units[start:start + n]
            if all(units[start + k * n:start + (k + 1) * n] == gram for k in range(1, repeats_needed)):
                return True
    return False


def is_loop(hyp: Hypothesis, config: AsrConfig) -> bool:
    """The decode repeats itself (whatever the guard setting: a loop is never what was said)."""
    text = hyp.text.strip()
    return hyp.compression_ratio > config.compression_ratio_threshold or has_ngram_loop(text, hyp.lang)


def guard_reason(hyp: Hypothesis, config: AsrConfig, speech_s: float, mean_speech_prob: float) -> str | None:
    """Why this decode must not be shown (``None`` when it may): no_speech, loop or known_hallucination."""
    text = hyp.text.strip()
    if not text:
        return "empty"
    if not config.hallucination_guard:
        return None
    if hyp.no_speech_prob > config.no_speech_threshold and hyp.avg_logprob < config.logprob_threshold:
        return "no_speech"
    if hyp.no_speech_prob > WEAK_NO_SPEECH and hyp.avg_logprob < 2 * config.logprob_threshold:
        return "no_speech"  # noise bursts: Whisper half-believes there is no speech and guesses wildly
    if is_loop(hyp, config):
        return "loop"
    if normalise(text) in KNOWN_HALLUCINATIONS and not (
        speech_s >= REAL_SPEECH_MIN_S and mean_speech_prob >= REAL_SPEECH_MIN_MEAN_PROB
    ):
        return "known_hallucination"
    return None


GUARD_CODES = {"empty": 1.0, "no_speech": 2.0, "loop": 3.0, "known_hallucination": 4.0, "low_confidence": 5.0}
