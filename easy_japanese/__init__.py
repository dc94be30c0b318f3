"""やさしい日本語 (easy Japanese) rewriter: rules, furigana and a readability check.

Usable on its own::

    from easy_japanese import rewrite, check
    rewrite("こちらにご記入ください。").text   # → "ここに書いてください。"-style output
    check("…").to_dict()                      # score, issues, suggestion
"""

from easy_japanese.config import EasyJapaneseConfig, RewriteOptions
from easy_japanese.engine import RuleHit
from easy_japanese.readability import Issue, ReadabilityReport, check
from easy_japanese.rewrite import Rewrite, rewrite
from easy_japanese.rules import RULES

__all__ = [
    "RULES",
    "EasyJapaneseConfig",
    "Issue",
    "ReadabilityReport",
    "Rewrite",
    "RewriteOptions",
    "RuleHit",
    "check",
    "rewrite",
]
