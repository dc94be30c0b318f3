"""What a rule is: a named function from text (and its tokens) to a list of edits.

Every rule returns ``Edit``s over the text it is given; the engine applies them, keeps track of where
each character came from and records one ``RuleHit`` per edit, so every change can be explained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from easy_japanese.analyzer import Token
from easy_japanese.config import RewriteOptions
from easy_japanese.conjugation import conjugate


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str
    rule_id: str
    unit: int | None = None  # edits of one rule with the same unit are kept or refused together


@dataclass
class Context:
    options: RewriteOptions
    # facts rules leave for the translator and the readability report
    notes: dict[str, list[str]] = field(default_factory=dict)


RuleFn = Callable[[str, list[Token], Context], list[Edit]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    example: tuple[str, str]  # (before, after), shown in the docs and checked by the tests
    apply: RuleFn
    group: str  # the setting that switches it off: honorific, split, vocabulary ...


def swap_verb(tokens: list[Token], i: int, new_base: str, rule_id: str, start: int | None = None) -> list[Edit]:
    """Replace the verb at ``tokens[i]`` (from ``start`` if given) by ``new_base`` in the same form."""
    token = tokens[i]
    following = tokens[i + 1] if i + 1 < len(tokens) else None
    surface, new_next = conjugate(new_base, token.cform, following.surface if following else "")
    begin = token.start if start is None else start
    if new_next is not None and following is not None:
        return [Edit(begin, following.end, surface + new_next, rule_id)]
    return [Edit(begin, token.end, surface, rule_id)]


def prev_token(tokens: list[Token], i: int) -> Token | None:
    return tokens[i - 1] if i > 0 else None


def next_token(tokens: list[Token], i: int) -> Token | None:
    return tokens[i + 1] if i + 1 < len(tokens) else None


def is_prefix_o(token: Token | None) -> bool:
    # the analyser sometimes tags this お as a filler (感動詞) before a verb stem: お呼びします
    return token is not None and token.pos1 in ("接頭辞", "感動詞") and token.surface in ("お", "ご", "御")
