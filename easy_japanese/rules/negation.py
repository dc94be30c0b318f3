"""Double negatives and vague expressions made plain.

行けないことはないです → 行けます; 〜なくてはいけません → 〜なければなりません (one form to learn);
分かりかねます → 分かりません; ここで結構です → ここでいいです; 結構です (a refusal) → いりません.
A single negative is never removed: only a pair of negatives that cancel out becomes positive.
"""

from __future__ import annotations

import re

from easy_japanese.analyzer import Token
from easy_japanese.conjugation import conjugate
from easy_japanese.idioms import negative_condition_end
from easy_japanese.modality import FINE_BEFORE_KEKKOU
from easy_japanese.rules.base import Context, Edit, prev_token

# (pattern after the negated word, meaning) — "yes" means the two negatives cancel out
_DOUBLE = re.compile(
    r"ない(?:ことはない|こともない|ことはありません|こともありません|でもない|でもありません)(?:です)?"
    r"|なく(?:はない|もない|はありません|もありません)(?:です)?"
)
_PARTIAL = re.compile(r"ない(?:わけではない|わけではありません|わけじゃない)(?:です)?")
# 〜なければならないわけではない: the obligation is what is denied ("need not"), not the verb before it;
# read as a plain partial negative it became 行かなければなることもあります (issue 13, sixth pass)
_NOT_OBLIGED = re.compile(
    r"(?:なければ|なくては|なくちゃ|なきゃ|ないと)(?:なら|いけ)ない"
    r"(?:わけではない|わけではありません|わけじゃない|ことはない|ことはありません)(?:です)?"
)
# verbs whose 〜かねます is plainly 〜ません: they already say "cannot" (分かりかねます → 分かりません)
_KANERU_PLAIN = frozenset(["分かる", "出来る"])
_OBLIGATION = {
    "なくてはいけません": "なければなりません",
    "なくてはなりません": "なければなりません",
    "なければいけません": "なければなりません",
    "ないといけません": "なければなりません",
    "なくてはいけない": "なければならない",
    "なくてはならない": "なければならない",
    "なければいけない": "なければならない",
    "ないといけない": "なければならない",
    "なきゃいけない": "なければならない",
    "なくちゃいけない": "なければならない",
}
_VAGUE = {
    "ても差し支えありません": "てもいいです",
    "でも差し支えありません": "でもいいです",
    "差し支えありません": "大丈夫です",
    "差し支えなければ": "よければ",
    "差し支えない": "大丈夫",
    "てもかまいません": "てもいいです",
    "でもかまいません": "でもいいです",
    "ても構いません": "てもいいです",
    "でも構いません": "でもいいです",
    "てもかまわない": "てもいい",
    "でもかまわない": "でもいい",
    "ても構わない": "てもいい",
    "でも構わない": "でもいい",
    # それでかまわない, サインで構いません: "that is fine" (seventh pass, from the SNOW dev rows)
    "でかまいません": "でいいです",
    "で構いません": "でいいです",
    "でかまわない": "でいい",
    "で構わない": "でいい",
}


def _positive(tokens: list[Token], start: int, polite: bool) -> tuple[int, str] | None:
    """The negated word before offset ``start`` in positive form: (its start offset, text)."""
    idx = next((k for k, t in enumerate(tokens) if t.end == start), None)
    if idx is None:
        return None
    word = tokens[idx]
    if word.pos1 == "動詞" and word.cform.startswith("未然形"):
        base = "する" if word.lemma == "為る" else word.base
        if polite:
            stem, _ = conjugate(base, "連用形-一般", "ます")
            return word.start, stem + "ます"
        return word.start, base
    if word.pos1 == "形容詞" and word.surface.endswith("く"):
        return word.start, word.surface[:-1] + "い" + ("です" if polite else "")
    return None


def double_negatives(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """〜ないことはない → 〜る; 〜ないわけではない → 〜こともある; 〜なければならないわけではない → 〜なくてもいい."""
    edits = []
    obliged_spans = []
    for m in _NOT_OBLIGED.finditer(text):
        polite = m.group(0).endswith(("ありません", "です"))
        edits.append(Edit(m.start(), m.end(), "なくてもいいです" if polite else "なくてもいい", "negation.double"))
        obliged_spans.append((m.start(), m.end()))
    for pattern, partial in ((_DOUBLE, False), (_PARTIAL, True)):
        for m in pattern.finditer(text):
            polite = m.group(0).endswith(("ありません", "です"))
            found = _positive(tokens, m.start(), polite)
            if found is None or any(a <= m.start() < b for a, b in obliged_spans):
                continue
            start, positive = found
            if partial:
                plain = positive.removesuffix("ます").removesuffix("です")
                base = _dictionary_form(tokens, start) or plain
                positive = base + ("こともあります" if polite else "こともある")
            edits.append(_with_concession(text, tokens, start, m.end(), positive))
    return edits


def _with_concession(text: str, tokens: list[Token], start: int, end: int, positive: str) -> Edit:
    """本人でなければ受け取れないことはありません denies "only the person themself": resolved, it is
    本人でなくても受け取れます. Read literally (本人でなければ受け取れます) it would say the opposite, so the
    negative condition of the clause (なければ, ないと, なくては) becomes なくても in the same edit."""
    k = next((k for k, t in enumerate(tokens) if t.end == start), 0)
    while k > 0 and not _ends_a_clause(tokens, k):
        k -= 1
    neg = negative_condition_end(tokens, k) if k > 0 else None
    if neg is None:
        return Edit(start, end, positive, "negation.double")
    return Edit(tokens[neg].start, end, "なくても" + text[tokens[k].end : start] + positive, "negation.double")


def _ends_a_clause(tokens: list[Token], k: int) -> bool:
    """A full stop, a conjunction other than て (ば, と, ので, が …), or the は of 〜ては."""
    tok = tokens[k]
    if tok.pos2 == "句点" or (tok.pos2 == "接続助詞" and tok.surface not in ("て", "で")):
        return True
    return tok.surface == "は" and tokens[k - 1].surface == "て"


def _dictionary_form(tokens: list[Token], start: int) -> str | None:
    word = next((t for t in tokens if t.start == start), None)
    if word is None:
        return None
    if word.pos1 == "形容詞":
        return word.surface[:-1] + "い"
    return "する" if word.lemma == "為る" else word.base


def obligation(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """〜なくてはいけません / 〜ないといけません → 〜なければなりません; すべき → するべき (the form a
    learner knows: す is する's old written form, kept only before べき)."""
    edits = [Edit(tok.start, tok.end, "する", "negation.obligation") for k, tok in enumerate(tokens)
             if tok.lemma == "為る" and tok.surface == "す" and k + 1 < len(tokens) and tokens[k + 1].lemma == "べし"]
    for phrase, plain in _OBLIGATION.items():
        if phrase not in text:  # most phrases are absent: skip building the pattern
            continue
        for m in re.finditer(re.escape(phrase), text):
            edits.append(Edit(m.start(), m.end(), plain, "negation.obligation"))
    return edits


def vague(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """結構です, 〜かねます, 差し支えありません → plain yes/no words."""
    edits = []
    for phrase, plain in _VAGUE.items():
        if phrase not in text:  # most phrases are absent: skip building the pattern
            continue
        for m in re.finditer(re.escape(phrase), text):
            edits.append(Edit(m.start(), m.end(), plain, "negation.vague"))
    for i, tok in enumerate(tokens):
        if tok.surface == "結構" and i + 1 < len(tokens) and tokens[i + 1].surface == "です":
            meaning = "いいです" if _fine_after(tokens, i) else "いりません"
            edits.append(Edit(tok.start, tokens[i + 1].end, meaning, "negation.vague"))
        elif tok.lemma == "兼ねる" and tok.pos1 in ("接尾辞", "動詞") and i + 1 < len(tokens) and tokens[i + 1].surface == "ます":
            verb = prev_token(tokens, i)
            if verb is not None and verb.pos1 == "動詞":
                edits.append(Edit(verb.start, tokens[i + 1].end, _cannot(verb), "negation.vague"))
    return edits


def _fine_after(tokens: list[Token], i: int) -> bool:
    """ここで結構です, それでも結構です, なければ結構です say "that is fine", not "no, thank you"."""
    prev = prev_token(tokens, i)
    if prev is not None and prev.surface == "、" and i >= 2:
        prev = tokens[i - 2]  # お持ちでなければ、結構です: after a condition
    return prev is not None and prev.surface in FINE_BEFORE_KEKKOU


def _cannot(verb: Token) -> str:
    """〜かねます says "cannot": お答えしかねます → 答えることができません, not 答えません ("will not")."""
    if verb.lemma == "為る":
        return "できません"  # 対応しかねます → 対応できません
    if verb.lemma in _KANERU_PLAIN:
        return verb.surface + "ません"
    return verb.base + "ことができません"
