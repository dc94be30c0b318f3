"""What a sentence says, as far as a rewrite must never change it, read from the morphological analysis.

The guard (``guard.py``) compares the ``Meaning`` of an input sentence with that of each candidate
rewrite: the sentence type and the tense and aspect of the main (last) predicate, the number of
negations (a double negative counts as resolved: 行けないことはない is positive), the conditions and
reasons, and the facts: numbers with their units (dates, times, amounts; 14時 and 午後2時 are the
same fact, so are 令和8年 and 2026年), names and glossary terms. Each concern is its own module: ``sentence_kind.py``, ``polarity.py``,
``facts.py``; this one reads tense, aspect, conditions and reasons, and compares.

Honorific forms are read by what they mean, so that removing the honorific keeps the meaning:
お持ちです is a state (持っている), 〜ていただけますか is a request, 〜させていただけますか asks permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from easy_japanese.analyzer import Token
from easy_japanese.facts import facts
from easy_japanese.idioms import away_from_seat, concession_at
from easy_japanese.modality import obligation_at, obligations
from easy_japanese.polarity import negations
from easy_japanese.rules.numbers import ERAS
from easy_japanese.rules.protect import glossary_spans
from easy_japanese.sentence_kind import predicate_chain, sentence_kind

_ENDS = "。！？!?"
_QUESTION_MARKS = "？?"
_ASPECT_OF = {"居る": "ている", "いる": "ている", "おる": "ている", "有る": "てある", "ある": "てある",
              "いらっしゃる": "ている", "居らっしゃる": "ている", "置く": "ておく", "おく": "ておく", "仕舞う": "てしまう", "しまう": "てしまう"}
# (〜てくる/〜ていく are direction more than aspect: お持ちください is 持ってきてください)
# お休みです says the office is closed (a day off), not that someone is resting now (休んでいる)
_DAY_NOUNS = frozenset(["休み"])
_REASON_CONJUNCTIONS = {"ですから", "だから", "なので", "それで", "そのため"}


@dataclass(frozen=True)
class Meaning:
    kind: str  # statement | question | permission | request | instruction | prohibition
    polarity: int  # negations, double negatives counted as resolved
    tense: str  # past | nonpast (main predicate)
    aspect: str  # ている / てある / ておく ... or "" (main predicate)
    links: tuple[str, ...]  # conditions, obligations and reasons, sorted
    facts: frozenset[str]  # numbers with units: 14時, 2026年, 3000円
    names: frozenset[str]
    terms: frozenset[str]
    text: str = ""  # the text itself: a name or term is kept if it is still written in it
    outside_facts: frozenset[str] = frozenset()  # facts outside brackets (not in an explanation we add)


def _sentences(tokens: list[Token]) -> list[list[Token]]:
    groups: list[list[Token]] = [[]]
    for tok in tokens:
        groups[-1].append(tok)
        if tok.pos1 == "補助記号" and tok.surface and tok.surface[-1] in _ENDS:
            groups.append([])
    return [g for g in groups if any(t.pos1 != "補助記号" for t in g)]


def _words(sentence: list[Token]) -> list[Token]:
    """The sentence without punctuation and brackets (our own explanations are not part of the frame)."""
    return [tok for tok in unbracketed(sentence) if tok.pos1 != "補助記号"]


def unbracketed(tokens: list[Token]) -> list[Token]:
    """The tokens outside brackets. No rule changes what is inside brackets, so what is new there is a
    counter term's explanation (国民年金（20さいから 60さいまでの …）): its numbers are not the sentence's."""
    kept, depth = [], 0
    for tok in tokens:
        if tok.surface in ("（", "("):
            depth += 1
        elif tok.surface in ("）", ")"):
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(tok)
    return kept


def _is_honorific_state(words: list[Token], head: int) -> bool:
    """お持ちです / お待ちでした: お + verb stem + です means the same as 〜ている."""
    if head < 1 or head + 1 >= len(words):
        return False
    prefix, verb, desu = words[head - 1], words[head], words[head + 1]
    stem = (verb.pos1 == "動詞" and verb.cform.startswith("連用形")) or (verb.pos1 == "名詞" and verb.goshu == "和" and verb.surface not in _DAY_NOUNS)
    return prefix.surface in ("お", "ご") and stem and desu.lemma == "です"


def tense_and_aspect(words: list[Token]) -> tuple[str, str]:
    if not words:
        return "nonpast", ""
    head, chain = predicate_chain(words)
    past = any(t.lemma == "た" and not t.cform.startswith("仮定形") for t in chain)
    aspect = ""
    for k, tok in enumerate(chain):
        before = chain[k - 1] if k else words[head]
        te = before.surface in ("て", "で") and before.pos1 == "助詞"  # not the copula で of 本人でいらっしゃる
        if te and tok.lemma in _ASPECT_OF:
            aspect = _ASPECT_OF[tok.lemma]
        elif te and tok.base in _ASPECT_OF:
            aspect = _ASPECT_OF[tok.base]
    if not aspect and _is_honorific_state(words, head):
        aspect = "ている"
    if away_from_seat(words, head):
        aspect = ""  # 席を外しています is the state 席にいません
    return ("past" if past else "nonpast"), aspect


def links(words: list[Token]) -> tuple[str, ...]:
    found = []
    for k, tok in enumerate(words):
        if obligation_at(words, k):
            continue
        if concession_at(words, k):  # 〜なくても, and 本人でなければ…ないことはない, which says the same
            found.append("concession")
            continue
        if (tok.surface == "次第" and k and words[k - 1].pos1 == "動詞") or (tok.lemma == "た" and tok.cform.startswith("仮定形")) or (tok.surface in ("ば", "れば") and tok.pos2 == "接続助詞") or (tok.lemma == "だ" and tok.surface in ("なら", "ならば")) or (tok.lemma in ("場合", "時", "際") and not (k and words[k - 1].pos2 == "数詞") and k + 1 < len(words) and words[k + 1].surface in ("は", "には", "に", "、")):
            found.append("condition")
        elif tok.surface == "ので" or (tok.surface == "から" and tok.pos2 == "接続助詞") or (tok.surface == "で" and k > 0 and words[k - 1].surface == "の" and words[k - 1].pos2 == "準体助詞") or tok.surface in _REASON_CONJUNCTIONS:
            found.append("reason")
    return tuple(sorted(found + ["obligation"] * obligations(words)))


def meaning_of(text: str, tokens: list[Token]) -> Meaning:
    """The meaning of ``text`` (one input sentence, or its rewrite, which may be several sentences)."""
    sentences = _sentences(tokens)
    all_words = _words(tokens)
    last = sentences[-1] if sentences else []
    last_words = _words(last)
    question = any(t.surface and t.surface[-1] in _QUESTION_MARKS for t in last[-2:])
    tense, aspect = tense_and_aspect(last_words)
    era_year = [f"{ERAS[m] + 1}年" + ("度" if f"{m}元年度" in text else "") for m in ERAS if f"{m}元年" in text]
    return Meaning(
        kind=sentence_kind(last_words, question),
        polarity=negations(all_words),
        tense=tense,
        aspect=aspect,
        links=links(all_words),
        facts=facts(tokens) | frozenset(era_year),
        names=frozenset(t.surface for t in all_words if t.pos2 == "固有名詞"),
        terms=frozenset(term for _s, _e, term in glossary_spans(text)),
        text=text,
        outside_facts=facts(unbracketed(tokens)),
    )


def differences(before: Meaning, after: Meaning) -> list[str]:
    """Why ``after`` does not say what ``before`` says (empty when it does)."""
    found = []
    if before.kind != after.kind:
        found.append(f"it would turn a {before.kind} into a {after.kind}")
    if before.polarity != after.polarity:
        found.append("it would change what is negated")
    if before.tense != after.tense:
        found.append(f"it would change the tense ({before.tense} → {after.tense})")
    if before.aspect != after.aspect:
        found.append(f"it would change the aspect ({before.aspect or 'plain'} → {after.aspect or 'plain'})")
    if before.links != after.links:
        found.append("it would change a condition, reason or obligation")
    added = after.outside_facts - before.facts  # a counter term's explanation may add 20さい in brackets
    if before.facts - after.facts or added:
        lost = sorted(before.facts - after.facts) or sorted(added)
        found.append(f"it would change a number, date or amount ({', '.join(lost)})")
    lost_names = sorted(name for name in before.names if name not in after.text)
    if lost_names:
        found.append(f"it would lose a name ({', '.join(lost_names)})")
    lost_terms = sorted(term for term in before.terms if term not in after.text)
    if lost_terms:
        found.append(f"it would lose a glossary term ({', '.join(lost_terms)})")
    return found
