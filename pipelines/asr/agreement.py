"""LocalAgreement: commit the longest common prefix of two successive hypotheses.

Whisper rewrites the end of its hypothesis as more audio arrives, but what two successive decodes agree
on rarely changes again. Committed text is shown as stable and handed to the next decode as a prefix,
so the decoder continues it instead of re-deciding it. Agreement is measured in words for languages
written with spaces and in characters for those written without (Japanese, Chinese, Thai ...).
"""

from __future__ import annotations

import re

UNSPACED_LANGUAGES = frozenset({"ja", "zh", "yue", "th", "lo", "km", "my", "bo"})
_WORD = re.compile(r"\s*\S+")


def split_units(text: str, lang: str) -> list[str]:
    """Units of agreement; ``"".join(split_units(t, lang)) == t`` up to trailing whitespace."""
    if lang in UNSPACED_LANGUAGES:
        return list(text)
    return _WORD.findall(text)


def common_prefix(a: list[str], b: list[str]) -> list[str]:
    length = 0
    for left, right in zip(a, b, strict=False):
        if left.strip() != right.strip():
            break
        length += 1
    return b[:length]


class LocalAgreement:
    """Per-utterance agreement state; ``update`` is called with each new hypothesis."""

    def __init__(self) -> None:
        self.committed: list[str] = []
        self.lang = ""
        self._previous: list[str] | None = None

    @property
    def committed_text(self) -> str:
        return "".join(self.committed)

    def update(self, text: str, lang: str) -> str:
        """Record a hypothesis; returns the text to show (committed + tentative)."""
        units = split_units(text, lang)
        if lang != self.lang:  # a language change re-decides everything said so far
            self.committed, self._previous, self.lang = [], None, lang
        if self._previous is not None:
            agreed = common_prefix(self._previous, units)
            if len(agreed) > len(self.committed):
                self.committed = agreed
        self._previous = units
        return self.committed_text + "".join(units[len(self.committed):])
