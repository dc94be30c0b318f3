"""LocalAgreement: commit the longest common prefix of two successive hypotheses.

Whisper rewrites the end of its hypothesis as more audio arrives, but what two successive decodes agree
on rarely changes again. Committed text is shown as stable and handed to the next decode as a prefix,
so the decoder continues it instead of re-deciding it.

Agreement is measured on characters, then cut back to a place where the text may safely stop: for
languages written with spaces, the end of a word that the newer hypothesis has already followed with a
space ("Americ" of "Americans" is never committed); for languages written without spaces (Japanese,
Chinese, Thai ...), any character. The decoder never hands over half a character, so a commit never
ends inside one either.
"""

from __future__ import annotations

import re

UNSPACED_LANGUAGES = frozenset({"ja", "zh", "yue", "th", "lo", "km", "my", "bo"})
_WORD = re.compile(r"\s*\S+")


def split_units(text: str, lang: str) -> list[str]:
    """Words (with their leading space) or characters; ``"".join(split_units(t, lang)) == t`` up to
    trailing whitespace."""
    if lang in UNSPACED_LANGUAGES:
        return list(text)
    return _WORD.findall(text)


def common_prefix_length(a: str, b: str) -> int:
    length = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        length += 1
    return length


def safe_commit_length(text: str, agreed: int, lang: str) -> int:
    """The longest prefix of ``text`` no longer than ``agreed`` characters that ends where a commit may."""
    if lang in UNSPACED_LANGUAGES:
        return agreed
    for end in range(min(agreed, len(text) - 1), 0, -1):  # a word is complete once a space follows it
        if text[end].isspace() and not text[end - 1].isspace():
            return end
    return 0


class LocalAgreement:
    """Per-utterance agreement state; ``update`` is called with each new hypothesis."""

    def __init__(self) -> None:
        self.committed_text = ""
        self.lang = ""
        self._previous: str | None = None

    def update(self, text: str, lang: str) -> str:
        """Record a hypothesis (its whole text, committed prefix included); returns the text to show."""
        if lang != self.lang:  # a language change re-decides everything said so far
            self.committed_text, self._previous, self.lang = "", None, lang
        if not text.startswith(self.committed_text):
            # a decode without the prefix (the pause decode that becomes the final) heard it differently:
            # it has the whole utterance, so it wins; only what it confirms stays committed
            kept = safe_commit_length(text, common_prefix_length(self.committed_text, text), lang)
            self.committed_text = self.committed_text[:kept]
        if self._previous is not None:
            agreed = safe_commit_length(text, common_prefix_length(self._previous, text), lang)
            if agreed > len(self.committed_text):
                self.committed_text = text[:agreed]
        self._previous = text
        return text
