"""Words official writing (公用文) puts in kana or spells the standard way (``vocabulary.kana``).

見せて下さい → 見せてください, 無い → ない, 私達 → 私たち, 出来る → できる, 何故 → なぜ, 分らない → 分からない:
chosen by the analyser's lemma, so 分かれる and 一寸先 are left.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token, has_kanji
from easy_japanese.rules.base import Context, Edit, prev_token
from easy_japanese.rules.protect import is_protected, protected_mask


def kana_words(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """見せて下さい → 見せてください, 無い → ない, 私達 → 私たち, 出来る → できる, 有る → ある, 上手く → うまく:
    helper words, suffixes and the verbs official writing keeps in kana."""
    mask = protected_mask(text)
    edits = []
    for i, tok in enumerate(tokens):
        if is_protected(mask, tok.start, tok.end):
            continue
        if _is_kanji_helper_verb(tokens, i):  # 書いて置いて → 書いておいて, やって見ます → やってみます
            edits.append(Edit(tok.start, tok.end, tok.reading, "vocabulary.kana"))
        elif tok.lemma == "下さる" and tok.surface.startswith("下さ"):
            edits.append(Edit(tok.start, tok.start + 2, "くださ", "vocabulary.kana"))
        elif tok.surface.startswith("無") and (
            (tok.lemma == "無い" and tok.pos1 in ("形容詞", "助動詞")) or tok.lemma in ("無くなる", "無くす")
        ):
            edits.append(Edit(tok.start, tok.start + 1, "な", "vocabulary.kana"))
        elif tok.surface == "達" and tok.pos1 == "接尾辞":
            edits.append(Edit(tok.start, tok.end, "たち", "vocabulary.kana"))
        elif (kanji := _KANA_VERB_STEMS.get((tok.pos1, tok.lemma))) and tok.surface.startswith(kanji[0]):
            edits.append(Edit(tok.start, tok.start + len(kanji[0]), kanji[1], "vocabulary.kana"))
        elif (tok.lemma, tok.pos1) in _KANA_WORDS and tok.surface == tok.lemma and tok.reading:
            edits.append(Edit(tok.start, tok.end, tok.reading, "vocabulary.kana"))
        elif (standard := _standard_stem(tok)) is not None:
            edits.append(Edit(tok.start, tok.start + len(standard[0]), standard[1], "vocabulary.kana"))
    return edits


# words whose kanji are read outside the 常用漢字表 (当て字, 熟字訓, kanji not in the table): written in kana,
# as official writing does; (lemma, part of speech), the reading comes from the analyser
_KANA_WORDS = frozenset([("何故", "副詞"), ("沢山", "副詞"), ("殆ど", "名詞"), ("殆ど", "副詞"), ("筈", "名詞"),
                         ("矢張り", "副詞"), ("流石", "副詞"), ("勿論", "副詞"), ("兎に角", "副詞")])
# a spelling that the 常用漢字表 does not give, for the word the analyser names (its lemma is the standard
# spelling): 分らない → 分からない (送り仮名), 停まる → 止まる, 恐い → 怖い, 充分 → 十分, 思いだす → 思い出す
_STANDARD_SPELLING = {("分かる", "分る"), ("止まる", "停まる"), ("怖い", "恐い"), ("十分", "充分"), ("思い出す", "思いだす")}


def _standard_stem(tok: Token) -> tuple[str, str] | None:
    """(written stem, standard stem) of a word in ``_STANDARD_SPELLING``: the stem without the inflected
    last kana for a verb or an adjective (分ら → 分から), the whole word otherwise (充分 → 十分)."""
    if (tok.lemma, tok.base) not in _STANDARD_SPELLING:
        return None
    inflects = tok.pos1 in ("動詞", "形容詞")
    written, standard = (tok.base[:-1], tok.lemma[:-1]) if inflects else (tok.base, tok.lemma)
    return (written, standard) if tok.surface.startswith(written) else None


# helper verbs after て (〜ておく, 〜てみる, 〜ている, 〜てもらう …) are written in kana; 〜て行く / 〜て来る are
# left, since 歩いて行く and 持って来る may be a real going or coming
_HELPER_VERBS = frozenset(["置く", "見る", "居る", "頂く", "貰う", "呉れる", "上げる"])


def _is_kanji_helper_verb(tokens: list[Token], i: int) -> bool:
    tok, before = tokens[i], prev_token(tokens, i)
    return (tok.pos1 == "動詞" and tok.pos2 == "非自立可能" and tok.lemma in _HELPER_VERBS and has_kanji(tok.surface)
            and bool(tok.reading) and before is not None and before.lemma == "て" and before.pos2 == "接続助詞")


# verbs official writing (公用文) puts in kana, and 上手い, whose kanji reads じょうず: (part of speech,
# lemma) → (kanji stem, kana stem). Only the verb or adjective: 出来 as a noun (出来がいい) is left.
_KANA_VERB_STEMS = {("動詞", "出来る"): ("出来", "でき"), ("動詞", "有る"): ("有", "あ"), ("形容詞", "旨い"): ("上手", "うま")}
