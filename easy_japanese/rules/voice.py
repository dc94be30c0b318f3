"""Nominalised verbs and impersonal passives turned into plain active verbs where the meaning is safe.

水分補給をしてください → 水を飲んでください; 説明会が行われます → 説明会があります;
〜と考えられます → 〜と思います. Only fixed, checked patterns: a general passive → active rewrite would
need to know who acts, which a rule cannot.
"""

from __future__ import annotations

import re

from easy_japanese.analyzer import Token
from easy_japanese.rules.base import Context, Edit, swap_verb
from easy_japanese.rules.protect import is_protected, protected_mask
from easy_japanese.wellformed import ga_before, is_person

# nominalised phrase → the verb phrase it stands for (written by us for counter and health notices)
NOMINAL_PHRASES = {
    "水分補給": "水を飲む",
    "手洗い": "手を洗う",
    "換気": "窓を開けて空気を入れかえる",
    "戸締まり": "鍵をかける",
    "住所変更": "住所を変える",
    "氏名変更": "名前を変える",
    "日程調整": "日にちを決める",
    "早期受診": "早く病院に行く",
    "身元確認": "だれか確かめる",
    "体温測定": "体温を測る",
    "口座登録": "銀行の口座を登録する",
    "期限内提出": "しめきりまでに出す",
}
_PASSIVES = [
    (re.compile(r"が(行われ|開催され|実施され|開かれ)ま(す|した)"), lambda m: "がありま" + m.group(2)),
    (re.compile(r"と(考えられ|思われ)ま(す|した)"), lambda m: "と思いま" + m.group(2)),
    (re.compile(r"が(必要とされ|求められ)ま(す|した)"), lambda m: "が必要で" + ("す" if m.group(2) == "す" else "した")),
]


def nominal_phrases(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """水分補給(を)する → 水を飲む, conjugated like the する it replaces."""
    edits: list[Edit] = []
    for phrase, verb in NOMINAL_PHRASES.items():
        if phrase not in text:  # most phrases are absent: skip building the pattern
            continue
        for m in re.finditer(re.escape(phrase), text):
            if text[: m.start()].endswith(("お", "ご")):
                continue  # お手洗い is a place (a toilet), not washing hands
            suru = _following_suru(tokens, m.end())
            if suru is not None:
                edits += swap_verb(tokens, suru, verb, "voice.nominal", start=m.start())
            elif text.startswith(("が", "は"), m.end()):
                edits.append(Edit(m.start(), m.end(), verb + "こと", "voice.nominal"))
    return edits


def _following_suru(tokens: list[Token], offset: int) -> int | None:
    """Index of a する token right after ``offset`` (optionally after を); None if there is none."""
    for k, tok in enumerate(tokens):
        if tok.start < offset:
            continue
        if tok.start == offset and tok.surface == "を" and k + 1 < len(tokens):
            tok, k = tokens[k + 1], k + 1
        if tok.lemma == "為る" and not (k + 1 < len(tokens) and tokens[k + 1].lemma in ("れる", "られる", "せる", "させる")):
            return k
        return None
    return None


def passives(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """〜が行われます → 〜があります; 〜と考えられます → 〜と思います."""
    edits = []
    for pattern, result in _PASSIVES:
        for m in pattern.finditer(text):
            edits.append(Edit(m.start(), m.end(), result(m), "voice.passive"))
    return edits


_GIVING = frozenset(["頂く", "貰う"])
_U_ROW = dict(zip("えけげせてねべめれ", "うくぐすつぬぶむる", strict=True))


def _potential_of(tok: Token) -> str | None:
    """The plain verb (話す) when ``tok`` is the potential form of a 五段 verb (話せる, 行けない)."""
    if tok.pos1 != "動詞" or not tok.ctype.startswith("下一段") or tok.lemma == tok.base or tok.lemma in _GIVING:
        return None  # いただける/もらえる ask a favour: they are not "can do"
    base = tok.base
    if len(base) < 3 or base[-1] != "る" or base[-2] not in _U_ROW or tok.surface.startswith("いけ"):
        return None  # いける/いけない (must not) stays
    plain, lemma = base[:-2] + _U_ROW[base[-2]], tok.lemma
    if len(lemma) < 2 or lemma[-2] in _U_ROW or not lemma.endswith(plain[-1]):
        return None  # くれる (lemma 呉れる) is a 一段 verb of its own, not a potential
    return plain


def potentials(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """話せます → 話すことができます, 行けなかった → 行くことができなかった (可能動詞 → 〜ことができる)."""
    mask = protected_mask(text)
    edits = []
    for i, tok in enumerate(tokens):
        plain = _potential_of(tok)
        if plain is None or is_protected(mask, tok.start, tok.end):
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.cform.startswith(("連用形", "命令形")) and (nxt is None or nxt.pos1 == "補助記号" or nxt.surface in ("よ", "な")):
            continue  # 楽しめよ is an order (楽しむ), not "can enjoy": a potential form never ends a sentence so
        ga = ga_before(tokens, i) or 0
        if ga > 0 and not is_person(tokens[ga - 1]):  # 日本語が話せる → 日本語を話すことができる
            if tokens[ga - 1].pos1 not in ("名詞", "代名詞"):
                continue
            edits.append(Edit(tokens[ga].start, tokens[ga].end, "を", "voice.potential"))
        swapped = swap_verb(tokens, i, "できる", "voice.potential")[0]
        edits.append(Edit(tok.start, swapped.end, plain + "ことが" + swapped.replacement, "voice.potential"))
    return edits
