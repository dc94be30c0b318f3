"""Set phrases of counter speech and word senses, applied before every word rule.

A clerk's fixed expressions (少々お待ちください, お掛けください, 恐れ入りますが, ご本人様) have fixed easy
forms (``data/set_phrases.tsv``); rewriting them word by word makes them rude or wrong (お掛けになって
is "sit", not "hang"; ご本人様 must not become ご本人さん). Phrases whose easy form is the phrase itself
are kept as they are: the protect step masks them for every later rule.

Senses: a verb with several meanings is read by its context. お掛け without an object means "sit"
(電話をおかけください means "call"); お上がりください without an object means "come in"; お求めください at a
counter means "buy" (郵便局でお求めください), not "ask for".
"""

from __future__ import annotations

from functools import lru_cache

from easy_japanese.analyzer import Token
from easy_japanese.conjugation import conjugate, te_form, verb_of_stem
from easy_japanese.lexicon import DATA_DIR, read_tsv_rows
from easy_japanese.rules.base import Context, Edit, is_prefix_o, prev_token

_CAUSATIVE_LEADS = ("させて", "せて")


@lru_cache(maxsize=1)
def set_phrase_table() -> tuple[tuple[str, str], ...]:
    """(phrase, easy form), longest phrase first."""
    rows = [(row[0], row[1]) for row in read_tsv_rows(DATA_DIR / "set_phrases.tsv") if len(row) >= 2]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


@lru_cache(maxsize=1)
def kept_phrases() -> tuple[str, ...]:
    """Phrases no later rule may touch: the rows whose easy form is the phrase itself."""
    return tuple(phrase for phrase, easy in set_phrase_table() if phrase == easy)


def kept_phrase_mask(text: str) -> list[bool]:
    """True over every kept set phrase (お世話になります): no later rule may change it."""
    mask = [False] * len(text)
    for phrase in kept_phrases():
        start = text.find(phrase)
        while start >= 0:
            mask[start : start + len(phrase)] = [True] * len(phrase)
            start = text.find(phrase, start + 1)
    return mask


def _token_starts(tokens: list[Token]) -> dict[int, int]:
    return {tok.start: k for k, tok in enumerate(tokens)}


def _causative_edit(text: str, tokens: list[Token], k: int, phrase: str, easy: str) -> Edit | None:
    """撮らせていただけますでしょうか → 撮ってもいいですか; 確認させて… → 確認して…"""
    lead = next(lead for lead in _CAUSATIVE_LEADS if phrase.startswith(lead))
    verb_index = k - 1
    if verb_index < 0 or tokens[k].lemma not in ("せる", "させる"):
        return None
    verb = tokens[verb_index]
    if verb.pos1 == "動詞":
        base = "する" if verb.lemma == "為る" else verb.base
        return Edit(verb.start, tokens[k].start + len(phrase), te_form(base) + easy[1:], "phrase.set")
    if verb.pos1 == "名詞" and lead == "させて":  # 確認させて = 確認 + させて
        return Edit(verb.end, verb.end + len(phrase), "して" + easy[1:], "phrase.set")
    return None


def _tail_phrase_edits(text: str, tokens: list[Token], phrase: str, easy: str) -> list[Edit]:
    starts = _token_starts(tokens)
    edits = []
    start = text.find(phrase)
    while start >= 0:
        k = starts.get(start)
        if k is not None and phrase.startswith(_CAUSATIVE_LEADS):
            edit = _causative_edit(text, tokens, k, phrase, easy)
            if edit is not None:
                edits.append(edit)
        elif k is not None and tokens[k].surface in ("て", "で") and k > 0 and tokens[k - 1].lemma not in ("せる", "させる"):
            edits.append(Edit(start, start + len(phrase), easy, "phrase.set"))
        start = text.find(phrase, start + 1)
    return edits


def set_phrases(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """少々お待ちください → 少し待ってください, ご本人様 → 本人, 〜ていただけますでしょうか → 〜てください."""
    edits: list[Edit] = []
    taken: list[tuple[int, int]] = []  # the table is longest first: 少々お待ちくださいませ is one phrase, not 〜ください + ませ
    for phrase, easy in set_phrase_table():
        if phrase.startswith("〜"):
            edits += _tail_phrase_edits(text, tokens, phrase[1:], easy[1:])
            continue
        start = text.find(phrase)
        while start >= 0:
            end = start + len(phrase)
            if not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                if easy != phrase:
                    edits.append(Edit(start, end, easy, "phrase.set"))
            start = text.find(phrase, end)
    return edits


def sentence_endings(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """晴れるかしら → 晴れるかな: かしら is the same wondering question as かな, but old-fashioned and
    read as a woman's word; SNOW T15's writers replace it in every training sentence that has it (53)."""
    return [Edit(tok.start, tok.end, "かな", "phrase.ending") for tok in tokens
            if tok.surface == "かしら" and tok.pos1 == "助詞" and tok.pos2 == "終助詞"]


# お + stem read by context: (stem, sense without an object, the word that shows it has one)
_SENSES = {"掛け": "座る", "かけ": "座る", "上がり": "入る", "あがり": "入る", "求め": "買う", "もとめ": "買う"}


def senses(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """お掛けになって / お掛けください: "sit" when nothing is hung or called (no を before it)."""
    edits = []
    for k, tok in enumerate(tokens[:-1]):
        stem = tokens[k + 1]
        if tok.surface != "お" or stem.surface not in _SENSES:
            continue
        before = prev_token(tokens, k)
        if before is not None and before.surface == "を" and stem.surface not in ("求め", "もとめ"):
            continue  # 電話をおかけください: call; 上着をお掛けください: hang
        if before is not None and before.surface in ("へ", "に") and stem.surface in ("上がり", "あがり"):
            continue  # 2階へお上がりください: go up (上がって), not come in
        after = tokens[k + 2] if k + 2 < len(tokens) else None
        if after is None or not (after.surface in ("に", "ください", "下さい") or after.lemma == "頂く"):
            continue
        edits.append(Edit(stem.start, stem.end, _stem_of(_SENSES[stem.surface]), "phrase.sense"))
    return edits


def _stem_of(verb: str) -> str:
    return conjugate(verb, "連用形-一般", "ます")[0]


def after_doing(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """ご記入の上、ご提出ください → 記入してから、…; お申し込みの上 → 申し込んでから; お持ちの上 → 持って:
    〜の上 in a notice says "after doing"; お/ご + a verb there is an honorific a resident does not know."""
    edits = []
    for k, tok in enumerate(tokens):
        if tok.surface != "上" or k < 2 or tokens[k - 1].surface != "の" or tokens[k - 1].pos2 != "格助詞":
            continue
        word, prefix = tokens[k - 2], (tokens[k - 3] if k >= 3 and is_prefix_o(tokens[k - 3]) else None)
        if word.pos1 == "名詞" and word.pos3 == "サ変可能":
            easy = word.surface + "してから"  # 記入の上 → 記入してから (the word rules then make it 書いてから)
        elif prefix is not None and (verb := verb_of_stem(word)):
            easy = te_form(verb) + ("" if verb == "持つ" else "から")  # お持ちの上 → 持って (bring it)
        else:
            continue
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        end = after.end if after is not None and after.surface == "で" else tok.end  # 調査の上で → 調べてから
        edits.append(Edit(prefix.start if prefix is not None else word.start, end, easy, "phrase.after"))
    return edits


# what 要する needs that is spent is said with かかる (a time: 20分程度かかる; money: 手数料がかかる); else 必要
_TIME_SPENT = ("分", "時間", "日", "日間", "週間", "か月", "年", "程度", "ほど")
_MONEY_SPENT = ("円", "料", "費", "費用", "料金", "お金", "期間", "日数")


def required(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """委任状を要します → 委任状が必要です; 300円の手数料を要します → 手数料がかかります; 20分程度を要する
    手続き → 20分程度かかる手続き: 要する is written Japanese a resident does not learn."""
    edits = []
    for k, tok in enumerate(tokens[2:], start=2):
        wo, after = tokens[k - 1], (tokens[k + 1] if k + 1 < len(tokens) else None)
        if tok.lemma != "要する" or tok.pos1 != "動詞" or wo.surface != "を" or wo.pos2 != "格助詞":
            continue
        head = tokens[k - 2].surface
        counted = k >= 3 and (tokens[k - 3].pos2 == "数詞" or head in ("程度", "ほど"))  # 20分かかる; 時間がかかる
        ga = "" if head.endswith(_TIME_SPENT) and counted else "が"
        spent = head.endswith(_TIME_SPENT) or head.endswith(_MONEY_SPENT)
        if tok.cform.startswith("連用形") and after is not None and after.surface == "ます" and after.cform.startswith("終止形"):
            easy, end = ("かかります" if spent else "必要です"), after.end
        elif tok.cform.startswith("連体形") and after is not None and after.pos1 == "名詞":
            easy, end = ("かかる" if spent else "必要な"), tok.end
        elif tok.cform.startswith("終止形") and (after is None or after.pos2 == "句点"):
            easy, end = ("かかる" if spent else "必要だ"), tok.end
        else:
            continue
        edits.append(Edit(wo.start, end, ga + easy, "phrase.required"))
    return edits


def as_soon_as(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """届き次第、発送します → 届いたら、すぐに発送します: a verb's 連用形 + 次第 is "as soon as" (あなた次第,
    a noun before it, is "up to you" and is left)."""
    edits = []
    for k, tok in enumerate(tokens[1:], start=1):
        verb = tokens[k - 1]
        if tok.surface != "次第" or verb.pos1 != "動詞" or not verb.cform.startswith("連用形"):
            continue
        base = "する" if verb.lemma == "為る" else ("できる" if verb.lemma == "出来る" else verb.base)
        te = te_form(base)
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        end = after.end if after is not None and after.surface == "、" else tok.end
        edits.append(Edit(verb.start, end, te[:-1] + ("だら" if te.endswith("で") else "たら") + "、すぐに", "phrase.after"))
    return edits


_ICHIDAN_HELPERS = ("れる", "られる", "せる", "させる")  # 課税されるものとします → 課税されます


def shall(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """〜ものとします, the "shall" of notices: 提出するものとします → 提出します (it is to be done), 行うものとし、→
    行い、; after た it is "will be treated as": 辞退したものとします → 辞退したことにします. Left after ない (払わない
    ものとします is a rule, 払わないことにします a decision) and after a noun (1年間のものとします)."""
    edits = []
    for k, tok in enumerate(tokens[1:-2], start=1):
        suru = tokens[k + 2]
        if tok.lemma != "物" or tokens[k + 1].surface != "と" or suru.lemma != "為る":
            continue
        after = tokens[k + 3] if k + 3 < len(tokens) else None
        ending = "ます" if after is not None and after.surface == "ます" else "、" if after is not None and after.surface == "、" else ""
        if not (ending or suru.cform.startswith("終止形")):
            continue  # ものとしました, ものとすれば: left
        verb = tokens[k - 1]
        if verb.lemma == "た":
            edits.append(Edit(tok.start, tokens[k + 1].end, "ことに", "phrase.shall"))  # 辞退したことにします
            continue
        if verb.pos1 == "動詞" and verb.cform.startswith(("終止形", "連体形")):
            stem = _stem_of("する" if verb.lemma == "為る" else verb.base)
        elif verb.lemma in _ICHIDAN_HELPERS and verb.surface.endswith("る"):
            stem = verb.surface[:-1]
        else:
            continue
        if not stem:
            continue
        end = after.end if ending == "ます" and after is not None else suru.end
        easy = stem + "ます" if ending == "ます" else stem if ending == "、" else ""
        edits.append(Edit(verb.start, end, easy or verb.surface, "phrase.shall"))  # 提出するものとする → 提出する
    return edits
