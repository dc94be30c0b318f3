"""Nominalised verbs and impersonal passives turned into plain active verbs where the meaning is safe.

水分補給をしてください → 水を飲んでください; 説明会が行われます → 説明会があります;
〜と考えられます → 〜と思います. Only fixed, checked patterns: a general passive → active rewrite would
need to know who acts, which a rule cannot.
"""

from __future__ import annotations

import re

from easy_japanese.analyzer import Token
from easy_japanese.rules.base import Context, Edit, swap_verb

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
        for m in re.finditer(re.escape(phrase), text):
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
