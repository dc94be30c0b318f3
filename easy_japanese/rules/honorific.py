"""Honorific (尊敬語) and humble (謙譲語) forms → plain です/ます forms.

The guideline asks for です/ます without 敬語: residents learn ます forms first and rarely the special
verbs. The politeness level is kept (ます stays ます); only the 敬語 is removed. Matching is on
fugashi tokens (lemma, part of speech, conjugation form), never on raw strings, so 申し込む is not
mistaken for 申す and お願いします is left alone.
"""

from __future__ import annotations

import re

from easy_japanese.analyzer import Token
from easy_japanese.arguments import is_person
from easy_japanese.conjugation import te_form, verb_of_stem
from easy_japanese.lexicon import load_lexicon
from easy_japanese.rules.base import Context, Edit, is_prefix_o, next_token, prev_token, swap_verb
from easy_japanese.rules.protect import protected_mask

# お/ご + verb stems that are ordinary words, not 敬語 (お願いします is plain easy Japanese)
_KEEP_O_VERBS = {"願う", "礼", "詫びる"}


def _is_kudasai(token: Token | None) -> bool:
    return (token is not None and token.lemma == "下さる" and token.surface.startswith("くださ")) or (
        token is not None and token.surface in ("下さい", "ください")
    )


def _stem_after_o(tokens: list[Token], i: int) -> tuple[str, bool] | None:
    """For お/ご at ``i``: (dictionary form of the verb, is サ変 noun) or None."""
    word = next_token(tokens, i)
    if word is None or word.base in _KEEP_O_VERBS or word.surface == "いで":
        return None  # おいでです is いらっしゃる (come, be), not 出る
    if word.pos1 == "名詞" and (word.pos3 == "サ変可能" or _is_suru_noun(word.surface)) and word.surface != "覧":
        return word.surface + "する", True
    verb = verb_of_stem(word) if word.pos1 == "動詞" or word.goshu == "和" else None
    return (verb, False) if verb else None


def _is_suru_noun(word: str) -> bool:
    entry = load_lexicon().get(word)
    return entry is not None and entry.kind == "s"


def _te_form(base: str, request: bool = False) -> str:
    """て-form; in a request お持ちください means "please bring", so 持つ becomes 持ってきて."""
    if request and base == "持つ":
        return "持ってきて"
    return te_form(base)


def o_kudasai(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """お待ちください → 待ってください, ご記入ください → 記入してください, ご覧ください → 見てください."""
    edits = []
    for i, tok in enumerate(tokens[:-2]):
        if tok.surface in ("ご覧", "御覧") and _is_kudasai(tokens[i + 1]):
            edits.append(Edit(tok.start, tok.end, "見て", "honorific.o_kudasai"))
            continue
        if not is_prefix_o(tok) or not _is_kudasai(tokens[i + 2]):
            continue
        found = _stem_after_o(tokens, i)
        te = _te_form(found[0], True) if found else ""
        if te:
            edits.append(Edit(tok.start, tokens[i + 1].end, te, "honorific.o_kudasai"))
    return edits


def _ninaru_base(tokens: list[Token], i: int) -> tuple[str, int] | None:
    """(plain verb, index of なる) when tokens[i] starts ご覧になる or お/ご〜になる."""
    tok = tokens[i]
    if tok.surface in ("ご覧", "御覧"):
        base, ni_index = "見る", i + 1
    elif is_prefix_o(tok) and (found := _stem_after_o(tokens, i)):
        base, ni_index = found[0], i + 2
    else:
        return None
    if ni_index + 1 >= len(tokens) or tokens[ni_index].surface != "に" or tokens[ni_index + 1].lemma != "成る":
        return None
    if base in ("話す", "話する") and tokens[ni_index + 1].surface.startswith("なら"):  # お話にならない: an idiom (absurd)
        return None
    if base in ("世話", "世話する"):  # お世話になりました: a set phrase of thanks
        return None
    return base, ni_index + 1


def _o_desu(tokens: list[Token], i: int) -> Edit | None:
    """お持ちです → 持っています, お待ちでした → 待っていました (honorific お〜です)."""
    found = _stem_after_o(tokens, i) if is_prefix_o(tokens[i]) else None
    if found is None or found[1] or i + 2 >= len(tokens) or tokens[i + 2].lemma != "です":
        return None
    desu = tokens[i + 2]
    after = tokens[i + 3] if i + 3 < len(tokens) else None
    tail, end = "います", desu.end
    if desu.surface == "でし" and after is not None and after.lemma == "た":  # お待ちでした / お持ちでしたら
        tail, end = ("いたら" if after.cform.startswith("仮定形") else "いました"), after.end
    elif desu.surface == "なら" or (desu.surface == "で" and after is not None and after.surface == "あれ"):
        return None  # お持ちなら / お持ちであれば: a condition we do not regenerate
    te = _te_form(found[0])
    return Edit(tokens[i].start, end, te + tail, "honorific.o_ninaru") if te else None


def o_ninaru(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """お待ちになる → 待つ, ご利用になります → 利用します, ご覧になって → 見て, お持ちです → 持っています."""
    edits = []
    for i, tok in enumerate(tokens):
        o_desu = _o_desu(tokens, i)
        if o_desu is not None:
            edits.append(o_desu)
            continue
        found = _ninaru_base(tokens, i)
        if found is None:
            continue
        base, naru = found
        if tokens[naru].surface.startswith("なら") and naru + 1 < len(tokens) and tokens[naru + 1].lemma == "れる":
            continue  # ご覧になられる: honorific.passive makes it ご覧になる first (not 見れる, "can see")
        if tokens[naru].surface.startswith("なれ"):  # ご利用になれます → 利用できます; お受け取りになれます
            easy = base[:-2] + "できる" if base.endswith("する") else base + "ことができる"
            swapped = swap_verb(tokens, naru, easy, "honorific.o_ninaru")[0]
            edits.append(Edit(tok.start, swapped.end, swapped.replacement, "honorific.o_ninaru"))
            continue
        if base == "持つ" and any(t.lemma == "た" for t in tokens[naru + 1 : naru + 3]):
            swapped = swap_verb(tokens, naru, "くる", "honorific.o_ninaru")[0]  # お持ちになりましたか: did you bring it?
            edits.append(Edit(tok.start, swapped.end, "持って" + swapped.replacement, "honorific.o_ninaru"))
            continue  # (持ちましたか would ask whether it was held)
        swapped = swap_verb(tokens, naru, base, "honorific.o_ninaru")[0]
        edits.append(Edit(tok.start, swapped.end, swapped.replacement, "honorific.o_ninaru"))
    return edits


def o_suru(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """お送りします → 送ります, ご案内いたします → 案内します (お願いします stays)."""
    edits = []
    for i, tok in enumerate(tokens[:-2]):
        suru = tokens[i + 2]
        if not is_prefix_o(tok) or suru.lemma not in ("為る", "致す", "申し上げる"):
            continue
        found = _stem_after_o(tokens, i)
        if not found:
            continue
        base, is_noun = found
        if is_noun:
            edits.append(Edit(tok.start, tok.end, "", "honorific.o_suru"))
            if suru.lemma in ("致す", "申し上げる"):  # ご連絡申し上げます → 連絡します (not 連絡言います)
                edits += swap_verb(tokens, i + 2, "する", "honorific.o_suru")
        else:
            swapped = swap_verb(tokens, i + 2, base, "honorific.o_suru")[0]
            edits.append(Edit(tok.start, swapped.end, swapped.replacement, "honorific.o_suru"))
    return edits


def _kana_itadaku(tok: Token) -> str:
    """頂けますか reads as いただけますか: the request is found whichever way it is written."""
    return tok.surface.replace("頂", "いただ", 1) if tok.lemma == "頂く" else tok.surface


def _itadaku_request(tokens: list[Token], i: int) -> int | None:
    """End offset of いただけますか/いただけませんか/いただけないでしょうか starting at tokens[i]."""
    endings = {
        "いただけ": ("ませんでしょうか", "ますでしょうか", "ませんか", "ますか", "ないでしょうか", "ないですか"),
        "いただき": ("ますようお願いします", "ますようにお願いします", "ますよう、お願いします"),
    }.get(_kana_itadaku(tokens[i]), ())
    tail = "".join(t.surface for t in tokens[i + 1 : i + 7])
    for ending in endings:
        if tail.startswith(ending):
            return tokens[i].end + len(ending)
    return None


def itadaku(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """〜ていただけますか → 〜てください; お待ちいただく → 待ってもらう; 〜させていただく → 〜する."""
    edits: list[Edit] = []
    for i, tok in enumerate(tokens):
        if tok.lemma != "頂く":
            continue
        prev = prev_token(tokens, i)
        start, lead, stem_verb = tok.start, "", ""
        if prev is not None and prev.surface in ("て", "で") and i >= 3 and tokens[i - 2].lemma in ("せる", "させる"):
            edits += _sasete_itadaku(tokens, i)
            continue
        honorific_can = _honorific_potential(tokens, i)
        if honorific_can is not None:
            edits.append(honorific_can)
            continue
        if prev is not None and i >= 2 and is_prefix_o(tokens[i - 2]) and (found := _stem_after_o(tokens, i - 2)):
            start, lead, stem_verb = tokens[i - 2].start, _te_form(found[0], True), found[0]
        elif prev is not None and prev.lemma in ("せる", "させる") and i >= 3 and is_prefix_o(tokens[i - 3]):
            start, lead = tokens[i - 3].start, tokens[i - 2].surface + prev.surface + "て"  # お聞かせ → 聞かせて
        elif prev is None or prev.surface not in ("て", "で"):
            edits += swap_verb(tokens, i, _plain_receive(tok), "honorific.itadaku")
            continue
        request_end = _itadaku_request(tokens, i)
        if _resident_can(tokens, i) and (stem_verb or not lead):
            edits.append(_resident_does_it(tokens, i, start, stem_verb))
        elif request_end is not None:
            edits.append(Edit(start, request_end, lead + "ください", "honorific.itadaku"))
        elif start != tok.start and _party_with_ni(tokens, start) and not lead.startswith(_MOTION):
            continue  # 提出先にご確認いただいて: 確認してもらって would make the office the one who checks
        else:
            swapped = swap_verb(tokens, i, _plain_receive(tok), "honorific.itadaku")[0]
            edits.append(Edit(start, swapped.end, lead + swapped.replacement, "honorific.itadaku"))
    return edits


_MOTION = ("来て", "行って", "戻って", "入って", "寄って", "集まって")  # 窓口にお越しいただく: に is where, not who


def _resident_can(tokens: list[Token], i: int) -> bool:
    """お持ち込みいただくこともできます, 分けて納めていただくことができます: what the resident may do.
    持ち込んでもらうこともできます would say that someone else can be asked to do it."""
    after = [t.surface for t in tokens[i + 1 : i + 3]]
    return (_kana_itadaku(tokens[i]) == "いただく" and after[:1] in (["こと"], ["事"]) and after[1:] in (["も"], ["が"])
            and i + 3 < len(tokens) and tokens[i + 3].lemma == "出来る")


def _resident_does_it(tokens: list[Token], i: int, start: int, stem_verb: str) -> Edit:
    """お持ち込みいただく → 持ち込む, ご利用いただく → 利用する, 納めていただく → 納める (the verb itself)."""
    if stem_verb:
        return Edit(start, tokens[i].end, stem_verb, "honorific.itadaku")
    verb = tokens[i - 2]
    base = "する" if verb.lemma == "為る" else verb.base
    return Edit(verb.start, tokens[i].end, base, "honorific.itadaku")


def _party_with_ni(tokens: list[Token], start: int) -> bool:
    """An office or a place with に just before お/ご〜いただく (提出先にご確認いただいて): who is asked, or who
    does it; もらう reads it as the doer. A person with に (世帯主の方にお支払いいただきます) is the doer."""
    k = next((k for k, t in enumerate(tokens) if t.start == start), 0)
    return (k >= 2 and tokens[k - 1].surface in ("に", "へ") and tokens[k - 2].pos1 in ("名詞", "接尾辞", "代名詞")
            and not is_person(tokens[k - 2]) and not _is_when(tokens[k - 2]))


def _is_when(tok: Token) -> bool:
    """予約の際に, 受付の前に, 3時に: when, not who (予約の際にお知らせいただければ → 知らせてもらえれば). Not 先
    (提出先に is who is asked), though the analyser reads it as a time noun."""
    return tok.surface in ("際", "前", "後", "あと", "うち", "間", "時", "とき") or tok.pos2 == "数詞" or tok.pos3 == "助数詞"


def _plain_receive(tok: Token) -> str:
    """いただける is the potential (書いていただけると助かります: if you could): もらえる, not もらう."""
    return "もらえる" if tok.base.endswith("ける") else "もらう"


def _honorific_potential(tokens: list[Token], i: int) -> Edit | None:
    """ご利用いただけます → 使うことができます, ご覧いただけます → 見ることができます (you can …, not a favour)."""
    tok = tokens[i]
    if not _kana_itadaku(tok).startswith("いただけ") or _itadaku_request(tokens, i) is not None:
        return None
    nxt = next_token(tokens, i)
    if tok.cform.startswith("仮定形") or (nxt is not None and nxt.surface == "と" and nxt.pos2 == "接続助詞"):
        return None  # ご協力いただけると助かります: if you would help (手伝ってもらえると), not "if one can help"
    if i >= 1 and tokens[i - 1].surface in ("ご覧", "御覧"):
        base, start = "見る", tokens[i - 1].start
    elif i >= 2 and is_prefix_o(tokens[i - 2]) and (found := _stem_after_o(tokens, i - 2)):
        base, start = found[0], tokens[i - 2].start
    else:
        return None
    swapped = swap_verb(tokens, i, "できる", "honorific.itadaku")[0]
    return Edit(start, swapped.end, base + "ことが" + swapped.replacement, "honorific.itadaku")


def _sasete_itadaku(tokens: list[Token], i: int) -> list[Edit]:
    """確認させていただきます → 確認します; 読ませていただきます → 読みます."""
    verb_i = i - 3
    if verb_i < 0 or tokens[verb_i].pos1 != "動詞":
        return []
    verb = tokens[verb_i]
    base = "する" if verb.lemma == "為る" else verb.base
    start = tokens[verb_i - 1].start if verb_i > 0 and is_prefix_o(tokens[verb_i - 1]) else verb.start
    request_end = _itadaku_request(tokens, i)
    if request_end is not None and _kana_itadaku(tokens[i]) == "いただけ":  # 使わせていただけますか asks permission
        return [Edit(start, request_end, _te_form(base) + "もいいですか", "honorific.itadaku")]
    swapped = swap_verb(tokens, i, base, "honorific.itadaku")[0]
    return [Edit(start, swapped.end, swapped.replacement, "honorific.itadaku")]


_PHRASES = [
    (re.compile(r"でございま(す|した|せん)"), {"す": "です", "した": "でした", "せん": "ではありません"}),
]
_FIXED = {
    "くださいませ": "ください",
    "お願い申し上げます": "お願いします",
    "お願いいたします": "お願いします",
    "お願い致します": "お願いします",
    "かしこまりました": "わかりました",
    "申し訳ございません": "すみません",
    "申し訳ありません": "すみません",
    "恐れ入りますが": "すみませんが",
    "恐れ入ります": "すみません",
    "よろしいでしょうか": "いいですか",
    "よろしいですか": "いいですか",
    "いかがでしょうか": "どうですか",
    "お手数ですが": "すみませんが",
    "お手数をおかけしますが": "すみませんが",
}


def set_phrases(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """でございます → です, かしこまりました → わかりました, よろしいでしょうか → いいですか …"""
    edits = []
    for pattern, table in _PHRASES:
        for m in pattern.finditer(text):
            edits.append(Edit(m.start(), m.end(), table[m.group(1)], "honorific.phrase"))
    for phrase, plain in _FIXED.items():
        if phrase not in text:  # most phrases are absent: skip building the pattern
            continue
        for m in re.finditer(re.escape(phrase) + "(?!ん)", text):  # くださいませんか is a question: kept
            edits.append(Edit(m.start(), m.end(), plain, "honorific.phrase"))
    return edits


def sama(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """田中様 → 田中さん, 皆様 → みなさん: さん is the word residents know (the name is untouched)."""
    edits = []
    mask = protected_mask(text)
    for i, tok in enumerate(tokens):
        if tok.surface in ("様", "さま") and tok.pos1 == "接尾辞" and not mask[tok.start]:
            prev = prev_token(tokens, i)
            if prev is not None and prev.surface in ("皆", "みな"):
                edits.append(Edit(prev.start, tok.end, "みなさん", "honorific.sama"))
            elif prev is not None and prev.pos1 in ("名詞", "接頭辞"):
                edits.append(Edit(tok.start, tok.end, "さん", "honorific.sama"))
    return edits


# お／ご before a noun (tenth pass): one policy for all such nouns. A prefix that makes an action the resident's
# (尊敬語: ご相談は, ご請求は, ご指定の口座, お手続きには) or the city's (謙譲語: ご案内を送ります) is dropped: ご before
# a 漢語 action noun (the analyser's サ変可能), お before a counter procedure (_O_PROCEDURES). お before an everyday
# noun (お名前, お電話, お話, お金, お知らせ, お子さん: 美化語) and ご before a thing, a person or a place (ご住所,
# ご家族, ご本人, ご自宅) or a feeling (ご心配, ご迷惑) are the polite Japanese the guideline keeps: left and not
# counted. Kept too: fixed words (ご遠慮, ご覧) and thanks (ご利用ありがとうございます is a set phrase).
_O_PROCEDURES = frozenset(["手続き", "手続", "問い合わせ", "問合せ", "申し込み", "申込み", "申込", "支払い", "支払", "振り込み",
                           "振込", "引っ越し", "届け出", "受け取り", "申し出"])
_KEEP_PREFIXED_NOUNS = frozenset(["遠慮", "覧"])


def prefixed_action_at(tokens: list[Token], i: int) -> bool:
    """お／ご at ``i`` before an action noun that no other rule made plain (ご相談は, お手続きには)."""
    if not is_prefix_o(tokens[i]) or i + 1 >= len(tokens):
        return False
    noun = tokens[i + 1]
    if tokens[i].surface == "お":
        action = noun.surface in _O_PROCEDURES
    else:
        action = noun.pos1 == "名詞" and noun.pos3 == "サ変可能" and noun.goshu == "漢" and noun.surface not in _KEEP_PREFIXED_NOUNS
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    # before a verb (ご確認いただいて, ご連絡ください) it is part of a form the other rules make plain or count
    return action and after is not None and (_noun_phrase_goes_on(after) or after.lemma in ("だ", "です"))


def _noun_phrase_goes_on(after: Token) -> bool:
    """ご相談は, ご指定の, ご連絡先: a noun phrase. Not ご滞在ですか (お〜です, "are you staying"): 滞在ですか would
    not say it; that one is left and counted."""
    return after.pos1 in ("助詞", "名詞", "接尾辞", "補助記号")


def prefixed_actions(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """ご相談は → 相談は, ご指定の口座 → 指定の口座, お手続きには → 手続きには (お名前, ご住所 stay)."""
    mask = protected_mask(text)
    return [Edit(tok.start, tokens[i + 1].end, tokens[i + 1].surface, "honorific.prefix") for i, tok in enumerate(tokens)
            if prefixed_action_at(tokens, i) and _noun_phrase_goes_on(tokens[i + 2]) and not mask[tok.start]]
