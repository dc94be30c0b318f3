"""What a sentence says, as far as a rewrite must never change it, read from the morphological analysis.

The guard (``guard.py``) compares the ``Meaning`` of an input sentence with that of each candidate
rewrite: the sentence type and the tense and aspect of the main (last) predicate, the number of
negations (a double negative counts as resolved: 行けないことはない is positive), the conditions and
reasons, and the facts: numbers with their units (dates, times, amounts; 14時 and 午後2時 are the
same fact, so are 令和8年 and 2026年), names and glossary terms.

Honorific forms are read by what they mean, so that removing the honorific keeps the meaning:
お持ちです is a state (持っている), 〜ていただけますか is a request, 〜させていただけますか asks permission.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from easy_japanese.analyzer import Token
from easy_japanese.idioms import away_from_seat, concession_at, double_negative_at
from easy_japanese.modality import FINE_BEFORE_KEKKOU, obligation_at, obligations
from easy_japanese.rules.numbers import ERAS, kanji_value
from easy_japanese.rules.protect import glossary_spans

_ENDS = "。！？!?"
_QUESTION_MARKS = "？?"
_ASPECT_OF = {"居る": "ている", "いる": "ている", "おる": "ている", "有る": "てある", "ある": "てある",
              "いらっしゃる": "ている", "居らっしゃる": "ている", "置く": "ておく", "おく": "ておく", "仕舞う": "てしまう", "しまう": "てしまう"}
# (〜てくる/〜ていく are direction more than aspect: お持ちください is 持ってきてください)
_GIVING = {"頂く", "貰う", "呉れる", "下さる"}
_CAUSATIVE = {"せる", "させる"}
# negatives that are part of a fixed, positive phrase: すみません, 差し支えない, 構わない, 申し訳ない
_IDIOM_NEGATIVE_HEADS = {"済む", "差し支える", "差し支え", "構う", "申し訳", "仕方", "しょう", "違い", "間", "程", "ほど"}
_QUESTION_WORDS = {"どこ", "何処", "いつ", "何時", "何", "なに", "なん", "誰", "だれ", "どう", "なぜ", "何故", "いくら", "どれ", "どの", "どちら", "どっち", "いくつ", "どんな"}
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


def predicate_chain(words: list[Token]) -> tuple[int, list[Token]]:
    """(index of the head, the helpers after it): 書いて|いただけ|ます|か → head 書い."""
    k = len(words) - 1
    while k > 0:
        tok, prev = words[k], words[k - 1]
        helper = tok.pos1 in ("助動詞", "終助詞") or (tok.pos1 == "助詞" and tok.pos2 in ("終助詞", "接続助詞"))
        helper = helper or (tok.pos2 == "非自立可能" and prev.surface in ("て", "で", "く", "に"))
        helper = helper or (tok.pos1 == "接尾辞" and tok.pos2 == "動詞的")
        if not helper:
            break
        k -= 1
    return k, words[k + 1 :]


def _is_honorific_state(words: list[Token], head: int) -> bool:
    """お持ちです / お待ちでした: お + verb stem + です means the same as 〜ている."""
    if head < 1 or head + 1 >= len(words):
        return False
    prefix, verb, desu = words[head - 1], words[head], words[head + 1]
    stem = (verb.pos1 == "動詞" and verb.cform.startswith("連用形")) or (verb.pos1 == "名詞" and verb.goshu == "和" and verb.surface not in _DAY_NOUNS)
    return prefix.surface in ("お", "ご") and stem and desu.lemma == "です"


def _ends_in_question_particle(chain: list[Token]) -> bool:
    """か, の, かしら, and かな (read as か + な): 晴れるかな and 晴れるかしら ask the same thing."""
    ends = [t.surface for t in chain[-2:] if t.pos1 == "助詞"]
    return bool(ends) and (ends[-1] in ("か", "かな", "かしら", "の") or ends[-2:] == ["か", "な"])


def sentence_kind(words: list[Token], question_mark: bool) -> str:
    if not words:
        return "statement"
    head, chain = predicate_chain(words)
    question = question_mark or _ends_in_question_particle(chain)
    if _prohibits(words, chain):
        return "prohibition"
    if question and any(t.lemma in _QUESTION_WORDS or t.surface in _QUESTION_WORDS for t in words):
        return "question"  # どこで会っていただけますか asks where: it is a question, not a plain request
    if question and _asks_permission(words, head, chain):
        return "permission"
    if question and _asks_a_favour(words, head, chain):
        return "request"
    if question:
        return "question"
    if any(t.lemma == "下さる" and t.cform.startswith("命令形") for t in chain) or words[head].surface in ("ください", "下さい"):
        return "request"
    if words[head].lemma == "願う" or (head > 0 and words[head].lemma in ("為る", "致す", "申し上げる") and words[head - 1].lemma in ("願う", "願い")):
        return "request"
    if any(t.cform.startswith("命令形") for t in [words[head], *chain]):
        return "instruction"
    if words[head].lemma == "事" and head > 0 and words[head - 1].pos1 in ("動詞", "助動詞") and not chain:
        return "instruction"  # notices: 書類を提出すること。
    return "statement"


def _asks_permission(words: list[Token], head: int, chain: list[Token]) -> bool:
    """〜させていただけますか, 〜てもいいですか, 〜てもよろしいでしょうか: may I …?"""
    around = words[max(0, min(head - 1, len(words) - 7)) :]
    if any(t.lemma in _CAUSATIVE for t in around) and any(t.lemma in _GIVING for t in around):
        return True
    for k in range(len(around) - 2):
        if around[k].surface in ("て", "で") and around[k + 1].surface == "も":
            return around[k + 2].lemma in ("良い", "いい", "宜しい", "構う", "かまう")
    return False


def _asks_a_favour(words: list[Token], head: int, chain: list[Token]) -> bool:
    """〜ていただけますか, ご記入いただけますか, 〜てもらえませんか, 〜てくれますか: please do …"""
    around = words[max(0, head - 2) : head + 1] + chain
    for k, tok in enumerate(around):
        if tok.lemma in _GIVING and k > 0 and not _receives_plainly(tok):
            before = around[k - 1]
            if before.surface in ("て", "で") or (k > 1 and around[k - 2].surface in ("お", "ご", "御")):
                return True
    return False


def _receives_plainly(tok: Token) -> bool:
    """書いてもらいますか / 書いていただきますか ask what will happen (who will write it?), not for a
    favour: only the potential form (もらえますか, いただけますか) or くれる / くださる asks someone to do it."""
    return tok.lemma in ("貰う", "頂く") and not tok.base.endswith(("える", "ける"))


def _prohibits(words: list[Token], chain: list[Token]) -> bool:
    """〜ないでください, 〜てはいけません, 〜ないこと。, 〜禁止: the resident is told not to do something."""
    for k in range(len(chain) - 1):
        if chain[k].lemma == "ない" and chain[k + 1].surface == "で" and any(t.lemma in _GIVING for t in chain[k:]):
            return True  # 〜ないでください, 〜ないでいただけませんか: please do not
    for k, tok in enumerate(words[:-1]):
        if tok.surface in ("て", "で") and words[k + 1].surface == "は" and k + 2 < len(words) and k > 0:
            negated = words[k - 1].lemma in ("ない", "無い")  # 〜なくてはならない is an obligation
            if (words[k + 2].lemma in ("いける", "行ける", "成る", "駄目") or words[k + 2].surface.startswith("いけ")) and not negated:
                return True
    last = words[-1]
    if len(words) > 2 and last.lemma == "無い" and last.surface == "なく" and words[-3].surface in ("お", "ご", "御"):
        return True  # お忘れなく, ご心配なく: "please do not" with the verb left unsaid
    if last.lemma == "事" and len(words) > 1 and words[-2].lemma == "ない" and not chain:
        return True
    return last.lemma == "禁止"


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


def negations(words: list[Token]) -> int:
    """Negative endings and negative words; 〜ないことはない / 〜ないわけではない count as resolved (0)."""
    count, k = 0, 0
    while k < len(words):
        second = double_negative_at(words, k)
        if second is not None:
            k = second + 1
            continue
        if (_is_negation(words, k) and not _polite_request_negative(words, k)) or away_from_seat(words, k):
            count += 1  # 席を外している says 席にいない
        k += 1
    return count


def _polite_request_negative(words: list[Token], k: int) -> bool:
    """〜ていただけませんか / 〜てくれないでしょうか: a polite request, not a negation."""
    rest = words[k + 1 : k + 4]
    if not rest or rest[-1].surface != "か" or any(t.pos1 not in ("助動詞", "助詞") for t in rest):
        return False
    verb = next((t for t in reversed(words[:k]) if t.pos1 == "動詞"), None)
    return verb is not None and verb.lemma in _GIVING


def _is_negation(words: list[Token], k: int) -> bool:
    tok = words[k]
    negative = tok.lemma in ("ない", "ず", "ぬ") and tok.pos1 == "助動詞"
    negative = negative or (tok.lemma == "無い" and tok.pos1 == "形容詞")
    negative = negative or (tok.lemma == "兼ねる" and tok.pos1 == "接尾辞")  # 分かりかねます: cannot
    negative = negative or _refusal(words, k) or _negative_word(tok)
    if not negative:
        return False
    window = words[max(0, k - 3) : k]
    heads = {t.lemma for t in window} | {t.surface for t in window}
    if heads & _IDIOM_NEGATIVE_HEADS and not any(t.lemma in _CAUSATIVE for t in window):
        return False  # すみません is an idiom; 済ませない (済む + せる + ない) is a real negation
    if k >= 1 and words[k - 1].lemma in ("ます", "ませ") and k >= 2:
        return not ({words[k - 2].lemma} & _IDIOM_NEGATIVE_HEADS)
    return True


_NOT_NEGATIVE = frozenset(["不安", "不動産", "無理", "非常", "未来", "不思議", "無事", "無駄", "不幸", "非常口", "未満"])


def _negative_word(tok: Token) -> bool:
    """不明, 不備, 未納, 無料, 非課税: words that carry a negation (分からない, 足りない …)."""
    if tok.pos1 == "接頭辞":
        return tok.surface in ("不", "未", "無", "非")
    return (
        tok.pos1 in ("名詞", "形状詞") and len(tok.surface) >= 2 and tok.surface[0] in "不未無非"
        and tok.surface not in _NOT_NEGATIVE and tok.pos2 != "固有名詞"
    )


def _refusal(words: list[Token], k: int) -> bool:
    """結構です declines (no, thank you; いりません says the same), except after で/も or a condition
    (ここで結構です, なければ結構です: that is fine)."""
    tok = words[k]
    if tok.surface != "結構" or k + 1 >= len(words) or words[k + 1].lemma != "です":
        return False
    return not (k > 0 and words[k - 1].surface in FINE_BEFORE_KEKKOU)


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


def _number_at(words: list[Token], k: int) -> tuple[str, int] | None:
    """(value, tokens used) for a number starting at words[k]: 12,000 / 二十三 / 5."""
    text, used = "", 0
    while k + used < len(words) and words[k + used].pos2 == "数詞":
        text += words[k + used].surface
        used += 1
    text = unicodedata.normalize("NFKC", text).replace(",", "")
    if not used:
        return None
    if text.isdigit():
        return str(int(text)), used
    value = kanji_value(text)
    return (str(value), used) if value is not None else None


def facts(tokens: list[Token]) -> frozenset[str]:
    """Numbers with their unit; clock hours on the 24-hour clock and era years as Western years."""
    words = [t for t in tokens if t.surface not in ("、", "，", ",")]
    found: set[str] = set()
    k = 0
    while k < len(words):
        tok = words[k]
        if tok.surface == "正午":
            found.add("12時")
        if len(tok.surface) == 2 and tok.surface[0] in "一二三" and tok.surface[1] == "人" and not (k and words[k - 1].surface == "もう"):
            found.add(f"{kanji_value(tok.surface[0])}人")
        number = _number_at(words, k) if not (k and words[k - 1].surface == "もう") else None  # もう一度: again
        if number is None:
            k += 1
            continue
        value, used = number
        unit = words[k + used].surface if k + used < len(words) else ""
        if unit in (":", "：") and (minutes := _number_at(words, k + used + 1)) is not None:
            found.add(_normalised(words, k, value, "時"))
            found.add(f"{int(minutes[0])}分" if minutes[0] != "0" else "")
            k += used + 1 + minutes[1]
            continue
        found.add(_normalised(words, k, value, unit))
        k += used
    return frozenset(found - {""})


def _normalised(words: list[Token], k: int, value: str, unit: str) -> str:
    prev = words[k - 1].surface if k else ""
    prev2 = words[k - 2].surface if k > 1 else ""
    if unit == "時" and value.isdigit():
        hour = int(value)
        if prev == "午後" and hour < 12:
            hour += 12
        elif prev == "の" and prev2 in ("夜", "夜中") and hour == 12:
            hour = 0
        return f"{hour % 24}時"
    if unit in ("年", "年度") and prev in ERAS and value.isdigit():
        return f"{ERAS[prev] + int(value)}{unit}"
    if unit == "年" and prev == "元" and prev2 in ERAS:
        return f"{ERAS[prev2] + 1}年"
    return f"{value}{unit}"


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
