"""How recognised text is scored against what was said: character error rate for languages written
without spaces, word error rate for the others, on text normalised the same way on both sides (NFKC,
lower case, no punctuation). Shared by the real-model tests and ``bench/asr_quality.py``.
"""

from __future__ import annotations

import unicodedata

from pipelines.asr.agreement import UNSPACED_LANGUAGES


def scoring_units(text: str, lang: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    if lang in UNSPACED_LANGUAGES:
        return [ch for ch in kept if not ch.isspace()]
    return kept.split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def error_counts(reference: str, hypothesis: str, lang: str) -> tuple[int, int]:
    """(edits, reference length) in characters or words, to be summed over a corpus."""
    ref = scoring_units(reference, lang)
    return edit_distance(ref, scoring_units(hypothesis, lang)), len(ref)


def error_rate(reference: str, hypothesis: str, lang: str) -> float:
    edits, length = error_counts(reference, hypothesis, lang)
    return edits / max(1, length)


def repeated_run(text: str, lang: str, min_chars: int = 2) -> str | None:
    """The first run of units said twice in a row ("what your what your", 「国民国民」), or None.

    Runs of at least two words (or ``min_chars`` characters for unspaced languages) count: that is the
    shape of a repeated prefix; single repeated words ("no, no") happen in real speech.
    """
    units = scoring_units(text, lang)
    shortest = min_chars if lang in UNSPACED_LANGUAGES else 2
    for size in range(shortest, len(units) // 2 + 1):
        for start in range(len(units) - 2 * size + 1):
            if units[start:start + size] == units[start + size:start + 2 * size]:
                joiner = "" if lang in UNSPACED_LANGUAGES else " "
                return joiner.join(units[start:start + size])
    return None
