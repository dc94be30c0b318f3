"""Reading a hypothesis the way a listener would: does it sound finished, does it start over?

Both rules only decide *when* to show or close something, never what a final says: an utterance that
sounds unfinished waits a little longer for the speaker to go on, and a partial that starts re-saying
itself is shown without the repeat (the final decodes the whole utterance anew).
"""

from __future__ import annotations

from pipelines.asr.agreement import UNSPACED_LANGUAGES

_PAUSE_MARKS = ("、", ",", "，", "…", "...", "-", ":", ";")
# particles and conjunctive endings after which a Japanese sentence goes on (「手続きは」, 「出す時は、」,
# 「持ってきて」, 「ですので」); a sentence ends in a predicate (です, ください, ますか …)
_JA_GOES_ON = ("は", "わ", "が", "を", "に", "へ", "と", "で", "も", "や", "て", "から", "けど", "ので", "ば", "たら",
               "として")  # わ: は as Whisper often writes it after a misheard word
_EN_GOES_ON = frozenset({
    "a", "an", "the", "and", "or", "but", "so", "because", "if", "that", "to", "of", "in", "on", "at",
    "for", "with", "from", "by", "my", "your", "our", "their", "his", "her", "is", "are", "was", "were",
    "will", "would", "can", "could", "please",
})


def sounds_unfinished(text: str, lang: str) -> bool:
    """True when ``text`` ends where a speaker only draws breath: a comma, a particle, a conjunction."""
    text = text.strip()
    if not text:
        return False
    if text.endswith(_PAUSE_MARKS):
        return True
    if text[-1] in "!?！？":
        return False
    # Whisper ends fragments with a full stop too (「年金の手続きは。」): the word before it decides
    text = text.rstrip("。.．")
    if lang == "ja":
        return text.endswith(_JA_GOES_ON)
    if lang == "en":
        return bool(text.split()) and text.split()[-1].lower() in _EN_GOES_ON
    return False


def without_restart(text: str, lang: str, keep: int = 0) -> str:
    """``text`` cut where it starts saying its own beginning again (never before ``keep`` characters).

    Whisper decoding a partial whose audio stops in the middle of a word often loops back to the start:
    「国民国民国民」, 「電入届けを出す電入」, "ask what you ask what you". A partial is shown without the
    repeat; the speaker's next words, or the final, bring the rest.
    """
    stripped = text.rstrip()
    minimum = 2 if lang in UNSPACED_LANGUAGES else 3
    lead = len(stripped) - len(stripped.lstrip())
    for cut in range(max(keep, lead + 1), len(stripped) - minimum + 1):
        if lang not in UNSPACED_LANGUAGES and not stripped[cut].isspace():
            continue  # for spaced languages, repeats start at a word
        tail = stripped[cut:].strip().lower()
        if len(tail) >= minimum and stripped[lead:].lower().startswith(tail):
            return stripped[:cut].rstrip(" ,、")
    return text
