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
    stripped_stop = text.endswith(("。", ".", "．"))
    text = text.rstrip("。.．")
    if lang == "ja":
        return text.endswith(_JA_GOES_ON) or _ja_cut_before_a_noun(text)
    if lang == "en":
        words = text.split()
        if not words or words[-1].lower() not in _EN_GOES_ON:
            return False
        # "…my new address, please." ends a request; "Could you please" (no full stop) goes on
        return not (words[-1].lower() == "please" and stripped_stop and (len(words) == 1 or words[-2].endswith(",")))
    return False


_JA_PLAIN_ENDINGS = "るたいなだうくすつぬむぶぐよね"  # 「行くの」「いいの」「そうなの」: の after a predicate asks


def _ja_cut_before_a_noun(text: str) -> bool:
    """A noun phrase left open: 「マイナンバーカードの」 (の after a noun; Kokoro voices pause there) or
    an honorific prefix with its noun still to come (「お名前とご」)."""
    if text.endswith(("ご", "お", "御")):
        return True
    return text.endswith("の") and len(text) > 1 and text[-2] not in _JA_PLAIN_ENDINGS


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


FINAL_REPEAT_MIN = {"unspaced": 5, "spaced": 3}  # characters / words a repeat of a final must span


def final_without_repeat(text: str, lang: str) -> str | None:
    """A final that says its whole beginning again ("Do I need to bring my passport? Do I need to bring my
    passport?", 「在留カードを見せてください在留カードを」) without the repeat; None when it does not.

    Whisper does this when the clip ends soon after the speech. Unlike ``without_restart`` the repeat
    must be long (``FINAL_REPEAT_MIN``): a final of one doubled word is what was said (「もしもし」,
    「はいはい」, "thank you, thank you" keeps both)."""
    cut = without_restart(text, lang)
    if cut == text:
        return None
    repeat = text.strip()[len(cut.strip()):].strip(" ,、。.?？!！")
    if lang in UNSPACED_LANGUAGES:
        long_enough = len(repeat) >= FINAL_REPEAT_MIN["unspaced"]
    else:
        long_enough = len(repeat.split()) >= FINAL_REPEAT_MIN["spaced"]
    return cut if long_enough else None
