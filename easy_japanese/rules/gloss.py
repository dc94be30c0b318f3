"""Essential counter terms are kept and glossed: 住民票（あなたが 住んでいる ところを 証明する 紙）.

Residents will see these words on forms and signs, so they are not replaced; the first time a term
appears in a text its easy explanation is added in brackets. Terms come from the municipal glossary
(``pipelines/data/glossary.tsv``) and our own short list (``data/counter_terms.tsv``).
"""

from __future__ import annotations

from functools import lru_cache

from easy_japanese.analyzer import Token
from easy_japanese.lexicon import DATA_DIR, load_lexicon, read_tsv_rows
from easy_japanese.rules.base import Context, Edit
from easy_japanese.rules.protect import counter_terms, glossary_spans, protected_mask


def counter_term_gloss(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """住民票 → 住民票（explanation）, first occurrence of each term only."""
    explanations = {term: easy for term, _reading, easy in counter_terms()}
    seen = ctx.notes.setdefault("glossed", [])  # shared by the sentences of one text
    edits = []
    ends = {tok.end: k for k, tok in enumerate(tokens)}
    for start, end, term in glossary_spans(text):
        after = tokens[ends[end] + 1] if end in ends and ends[end] + 1 < len(tokens) else None
        if after is not None and after.pos1 in ("名詞", "接尾辞") and after.pos2 != "数詞":
            continue  # 年金事務所, 防災マップ: the term is part of a longer name; a bracket would split it
        longer = _longer_word(tokens, ends, start, term)
        if longer is not None:  # 身分証明書 is not a certificate the city issues: our dictionary's words for it
            if longer[0] not in seen:
                seen.append(longer[0])
                edits.append(Edit(start - len(longer[0]) + len(term), end, f"{longer[0]}（{longer[1]}）", "gloss.counter_term"))
            continue
        if _someone_elses(tokens, start, explanations[term]):
            continue  # 金融機関の窓口 is the bank's counter: （市役所で 手続きを する ところ） would send the resident to us
        if term in seen or text.startswith(("（", "("), end):
            seen.append(term)
            continue
        seen.append(term)
        edits.append(Edit(start, end, f"{term}（{explanations[term]}）", "gloss.counter_term"))
    return edits + _left_word_glosses(text, tokens, seen)


@lru_cache(maxsize=1)
def explained_words() -> dict[str, str]:
    """Notice words with no easy word right in every sentence, and their explanations (入管, 減額; 口座振替 as the glossary explains it)."""
    return {row[0]: row[2] for row in read_tsv_rows(DATA_DIR / "explained_words.tsv") if len(row) >= 3}


def explained_spans(text: str, tokens: list[Token]) -> list[tuple[int, int, str]]:
    """(start, end, word) of each explained word standing alone in ``text``: whole tokens, not inside a
    compound (出国予定日) or brackets, not a counter term."""
    present = [word for word in explained_words() if word in text]
    if not present:
        return []  # most sentences: nothing to look up
    mask = protected_mask(text)
    starts = {tok.start: k for k, tok in enumerate(tokens)}
    ends = {tok.end: k for k, tok in enumerate(tokens)}
    spans = []
    for word in present:
        start = text.find(word)
        while start >= 0:
            end = start + len(word)
            if start in starts and end in ends and not any(mask[start:end]) and _alone(tokens, starts[start], ends[end]):
                spans.append((start, end, word))
            start = text.find(word, end)
    return sorted(spans)


def _alone(tokens: list[Token], first: int, last: int) -> bool:
    around = [tokens[j] for j in (first - 1, last + 1) if 0 <= j < len(tokens)]
    return not any(t.pos1 in ("名詞", "接頭辞", "接尾辞") and t.pos2 != "数詞" for t in around)


def _left_word_glosses(text: str, tokens: list[Token], seen: list[str]) -> list[Edit]:
    """入管に → 入管（外国人が 日本に いるための 手続きを する 国の 役所）に: a notice word the rules had
    to leave is explained the first time it appears, as a counter term is."""
    edits = []
    for start, end, word in explained_spans(text, tokens):
        if word in seen or text.startswith(("（", "("), end):
            seen.append(word)
            continue
        seen.append(word)
        edits.append(Edit(start, end, f"{word}（{explained_words()[word]}）", "gloss.counter_term"))
    return edits


def _longer_word(tokens: list[Token], ends: dict[int, int], start: int, term: str) -> tuple[str, str] | None:
    """(word, easy words) when the term ends a longer word our dictionary explains (身分 + 証明書)."""
    before = tokens[ends[start]] if start in ends else None
    if before is None or before.pos1 not in ("名詞", "接頭辞"):
        return None
    entry = load_lexicon().get(before.surface + term)
    return (entry.word, entry.easy) if entry is not None and entry.kind == "n" and entry.easy != entry.word else None


# places that are not the city's: a term explained as the city's (窓口: 市役所で 手続きを する ところ) is
# not explained after one of them (銀行の窓口, 税務署の窓口)
_NOT_THE_CITY = ("銀行", "金融機関", "郵便局", "店", "コンビニ", "会社", "勤務先", "病院", "医療機関", "税務署",
                 "年金事務所", "出入国在留管理局", "入管", "大使館", "領事館", "ハローワーク", "学校")


def _someone_elses(tokens: list[Token], start: int, explanation: str) -> bool:
    """The term belongs to a place that is not the city (金融機関の窓口) while its explanation says it is."""
    k = next((k for k, tok in enumerate(tokens) if tok.start == start), 0)
    if "市" not in explanation or k < 2 or tokens[k - 1].surface != "の":
        return False
    owner = "".join(tok.surface for tok in tokens[max(0, k - 4) : k - 1])
    return owner.endswith(_NOT_THE_CITY)
