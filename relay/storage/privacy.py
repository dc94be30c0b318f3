"""Masking of personal numbers in stored transcripts (マイナンバー, phone and card numbers)."""

from __future__ import annotations

import re

# Digits may be written full-width and separated by spaces or hyphens, as ASR and clerks write them.
_DIGIT = r"[0-9０-９]"
_SEP = r"[\s\-－ー]?"
_PATTERNS = (
    ("card", re.compile(rf"(?<![0-9０-９])(?:{_DIGIT}{_SEP}){{15}}{_DIGIT}(?![0-9０-９])")),
    ("mynumber", re.compile(rf"(?<![0-9０-９])(?:{_DIGIT}{_SEP}){{11}}{_DIGIT}(?![0-9０-９])")),
    ("phone", re.compile(rf"(?<![0-9０-９])0{_DIGIT}{{1,4}}{_SEP}{_DIGIT}{{1,4}}{_SEP}{_DIGIT}{{3,4}}(?![0-9０-９])")),
)


def mask_personal_numbers(text: str) -> str:
    """Replace each digit of a personal number with ＊, keeping separators so the shape stays readable."""
    for _name, pattern in _PATTERNS:
        text = pattern.sub(lambda m: re.sub(r"[0-9０-９]", "＊", m.group(0)), text)
    return text
