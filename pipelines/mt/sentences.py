"""Our own sentence splitting, so argostranslate never loads (or downloads) a sentence-boundary model.

Rules: a sentence ends at 。！？!?… (Japanese/Chinese), । (Devanagari), ။ (Burmese), or at a full stop
followed by a space; closing quotes and brackets stay with their sentence; a line break always ends a
sentence. Sentences longer than ``max_chars`` are cut after a comma (or hard-cut) so that one run-on
utterance cannot exhaust the decoder's length limit.
"""

from __future__ import annotations

import re

_TERMINALS = "。！？!?…．।॥။"
_CLOSERS = "」』）)]】〕\"'”’»"
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "sr", "sra", "dra", "jr"}
_COMMA = re.compile(r"(?<=[、，,])")
NO_SPACE_LANGUAGES = frozenset({"ja", "zh", "th", "my"})


def split_sentences(text: str, max_chars: int = 300) -> list[str]:
    sentences: list[str] = []
    for line in text.splitlines():
        for sentence in _split_line(line):
            sentences.extend(_cut_long(sentence, max_chars))
    return [s for s in sentences if s]


def join_sentences(sentences: list[str], lang: str) -> str:
    separator = "" if lang in NO_SPACE_LANGUAGES and lang != "th" else " "
    return separator.join(s.strip() for s in sentences if s.strip())


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    start = i = 0
    while i < len(line):
        end = _sentence_end(line, i)
        if end:
            out.append(line[start:end].strip())
            start = i = end
        else:
            i += 1
    out.append(line[start:].strip())
    return out


def _sentence_end(line: str, i: int) -> int:
    """Index just after the sentence that ends at ``line[i]``, or 0 when it does not end there."""
    ch = line[i]
    if ch == "." and not _is_full_stop(line, i):
        return 0
    if ch != "." and ch not in _TERMINALS:
        return 0
    end = i + 1
    while end < len(line) and (line[end] in _TERMINALS or line[end] in _CLOSERS or line[end] == "."):
        end += 1
    return end


def _is_full_stop(line: str, i: int) -> bool:
    if i + 1 < len(line) and not line[i + 1].isspace():
        return False  # 3.5, example.com, e.g.
    word = re.findall(r"(\w+)$", line[:i])
    return not (word and (word[0].lower() in _ABBREVIATIONS or len(word[0]) == 1))


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    pieces, current = [], ""
    for clause in _COMMA.split(sentence):
        if current and len(current) + len(clause) > max_chars:
            pieces.append(current.strip())
            current = ""
        current += clause
    pieces.append(current.strip())
    return [chunk[i : i + max_chars].strip() for chunk in pieces for i in range(0, len(chunk), max_chars)]
