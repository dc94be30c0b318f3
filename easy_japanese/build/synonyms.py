"""A second, independent opinion from Sudachi's dictionary: do two words mean the same, and which
written word a kana word stands for.

SudachiDict (the ``sudachidict-core`` package, Apache 2.0, Works Applications) tags each dictionary
word with the ids of the synonym groups it belongs to (its synonym dictionary: 生徒 and 学生 share
one group, 便り and 手紙 another; 損 and 利益, 治る and なくなる, 鋭い and 良い share none). A
substitution that SNOW's writers made only once or twice could be a paraphrase that fits that one
sentence; when Sudachi's editors, working on a dictionary and not on SNOW, also put both words in one
group, the pair means the same out of context too. Used by the lexicon build only, never at run time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@lru_cache(maxsize=65536)
def synonym_groups(word: str) -> frozenset[int]:
    """The synonym groups of a single dictionary word (a phrase or an unknown word has none)."""
    morphemes = _tokenizer().tokenize(word)
    if len(morphemes) != 1 or morphemes[0].is_oov():
        return frozenset()
    return frozenset(morphemes[0].synonym_group_ids())


def same_meaning(word: str, easy: str) -> bool:
    """True when Sudachi's synonym dictionary puts both words in one group."""
    return bool(synonym_groups(word) & synonym_groups(easy))


_CONTENT = ("動詞", "名詞", "代名詞", "形容詞", "形状詞", "副詞")


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def written_forms(word: str) -> frozenset[str]:
    """How Sudachi normalises each content word spelt ``word``: のぞく → {のぞく} (Sudachi leaves it in
    kana because it may be 除く or 覗く), しめる → {しめる, 湿る}, もらす → {漏らす}."""
    return frozenset(m.normalized_form() for m in _dictionary().lookup(word) if m.part_of_speech()[0] in _CONTENT)
