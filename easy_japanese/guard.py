"""The meaning guard: a rewrite may make a sentence easier, never different or broken.

``Guard(sentence).reasons(candidate)`` lists why a candidate rewrite of ``sentence`` must be refused:
every difference in what it says (``meaning.py``: sentence type, negation, tense and aspect of the
main predicate, conditions and reasons, numbers, dates, times, amounts, names, glossary terms; who
does what to whom, ``arguments.py``) and
every new break in how it parses (``wellformed.py``: unknown words, a predicate without its ending,
particles left wrong around a replaced predicate). An empty list means the candidate may be kept.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token, analyze
from easy_japanese.arguments import role_changes
from easy_japanese.meaning import Meaning, differences, meaning_of
from easy_japanese.wellformed import new_problems


class Guard:
    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.tokens: list[Token] = analyze(sentence)
        self.meaning: Meaning = meaning_of(sentence, self.tokens)

    def reasons(self, candidate: str) -> list[str]:
        tokens = analyze(candidate)
        return (differences(self.meaning, meaning_of(candidate, tokens)) + role_changes(self.tokens, tokens)
                + new_problems(self.tokens, tokens))


def compare(before: str, after: str) -> list[str]:
    """Why ``after`` is not a faithful, well-formed rewrite of ``before`` (empty when it is)."""
    return Guard(before).reasons(after)
