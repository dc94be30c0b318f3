"""The special honorific and humble verbs (いらっしゃる, 参る, 伺う, 承る, 申す …) → plain verbs.

Several have more than one plain verb, chosen by the words around them: 参る is 来る when a colleague
comes to the resident (担当の者が参ります) and 行く when the speaker goes; 伺う is 聞く with what is
asked or the person asked, and 行く (a visit) otherwise (明日は伺えません); 承る is 聞く for what is said
(ご意見を承る) and 受け付ける for what a counter takes in. A potential (参れません) stays a potential.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token
from easy_japanese.rules.base import Context, Edit, is_prefix_o, next_token, prev_token, swap_verb

_PLACE_PARTICLES = {"から", "へ"}


def _is_kudasai_word(tok: Token) -> bool:
    return tok.surface in ("ください", "下さい")


def _plain_verb_for(tokens: list[Token], i: int) -> str | None:
    """The plain verb for a special honorific/humble verb, choosing by the particle before it."""
    tok, prev = tokens[i], prev_token(tokens, i)
    after_te = prev is not None and prev.surface in ("て", "で")
    moving = prev is not None and prev.surface in _PLACE_PARTICLES
    lemma = tok.lemma
    if lemma == "居る" and tok.base == "おる":
        return "いる"
    if lemma in ("いらっしゃる", "居らっしゃる"):
        if after_te and tok.cform.startswith("命令形"):
            return None  # 帰っていらっしゃい means "come back": neither 帰っていろ nor 帰ってこい is right
        return "来る" if moving else "いる"
    if lemma == "参る":
        if after_te:
            return "いく"
        return "来る" if (prev is not None and prev.surface == "から") or _someone_else_comes(tokens, i) else "行く"
    if lemma == "伺う":
        return "聞く" if _asks_or_hears(tokens, i) else "行く"
    if lemma == "承る":  # ご意見を承る: hear; こちらでは承れません: this counter does not take it
        return "聞く" if _heard_object(tokens, i) else "受け付ける"
    if lemma in ("存じる", "存ずる"):
        return "思う" if prev is not None and prev.surface == "と" else "知る"
    return _SIMPLE_VERBS.get(lemma)


def _someone_else_comes(tokens: list[Token], i: int) -> bool:
    """担当の者が参ります: a colleague comes to the resident (来ます); 私が参ります / そちらへ参ります: I go."""
    for k in range(i - 1, max(-1, i - 6), -1):
        tok = tokens[k]
        if tok.surface in ("に", "へ") and tok.pos2 == "格助詞":
            return False  # a destination: 2階へ参ります
        if tok.surface == "が" and k > 0:
            subject = tokens[k - 1]
            return subject.surface.endswith(("者", "係", "担当", "職員", "員")) and subject.surface not in ("私", "わたくし")
        if tok.pos1 in ("補助記号", "動詞"):
            return False
    return False


def _asks_or_hears(tokens: list[Token], i: int) -> bool:
    """伺う is 聞く with what is asked or heard (お名前を伺う, 〜と伺いました, 噂は伺っています, そのことについて)
    or a person asked (先生に伺ってください, 田中さんから伺いました); otherwise it is a visit (そちらに伺います,
    明日は伺えません, 良くなったら伺います)."""
    from easy_japanese.arguments import is_person, is_time

    for k in range(i - 1, max(-1, i - 6), -1):
        tok = tokens[k]
        if [t.surface for t in tokens[max(0, k - 2) : k + 1]] == ["に", "つい", "て"]:
            return True  # そのことについては伺いました
        if tok.pos1 in ("補助記号", "動詞") or tok.pos2 == "接続助詞":
            return False
        head = tokens[k - 1] if k else None
        if tok.surface in ("を", "と") and tok.pos2 == "格助詞":
            return True
        if head is not None and tok.surface in ("に", "へ", "から") and tok.pos2 == "格助詞":
            return is_person(head) and head.surface not in _PLACE_WORDS  # そちらに伺います: a place
        if head is not None and tok.surface == "は" and not is_person(head) and not is_time(head) and head.pos1 in ("名詞", "代名詞"):
            return True  # あなたの噂は伺っています: what is heard, as the topic
    return False


_PLACE_WORDS = frozenset(["そちら", "こちら", "あちら", "どちら", "そこ", "ここ", "あそこ", "どこ"])
_U_TO_E = dict(zip("うくぐすつぬぶむる", "えけげせてねべめれ", strict=True))


def _is_potential(tok: Token, after: Token | None) -> bool:
    """参れる, 伺える, 承れる: the potential of a humble verb (and 承れ + ません, which the analyser reads as an order)."""
    if after is not None and after.lemma == "ます" and tok.cform.startswith(("命令形", "仮定形")):
        return True
    last = tok.lemma[-1:] if tok.lemma else ""
    return tok.ctype.startswith("下一段") and last in _U_TO_E and tok.base.endswith(_U_TO_E[last] + "る")


_HEARD = frozenset(["意見", "話", "用件", "要望", "質問", "相談", "声", "苦情", "伝言"])


def _heard_object(tokens: list[Token], i: int) -> bool:
    """承る's を object is something said (ご意見を承る), not a request or a form it takes in."""
    for k in range(i - 1, max(-1, i - 4), -1):
        if tokens[k].surface == "を" and k > 0:
            return tokens[k - 1].surface in _HEARD
    return False


_SIMPLE_VERBS = {
    "仰る": "言う",
    "申す": "言う",
    "申し上げる": "言う",
    "差し上げる": "あげる",
    "召し上がる": "食べる",
    "為さる": "する",
    "致す": "する",
    "下さる": "くれる",
    "ござる": "ある",
    "御座る": "ある",
    "拝見": "見る",
    "拝借": "借りる",
    "頂戴": "もらう",
}


def special_verbs(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """いらっしゃる, おっしゃる, 申す, 参る, おる, ござる, 伺う, 拝見する, 差し上げる … → plain verbs."""
    edits: list[Edit] = []
    for i, tok in enumerate(tokens):
        if tok.pos1 == "名詞" and tok.lemma in ("拝見", "拝借", "頂戴"):
            nxt = next_token(tokens, i)
            if nxt is not None and nxt.lemma in ("為る", "致す"):
                edits += swap_verb(tokens, i + 1, _SIMPLE_VERBS[tok.lemma], "honorific.verb", start=tok.start)
            continue
        if tok.pos1 != "動詞" or _is_set_phrase(tokens, i) or _is_kudasai_word(tok):
            continue
        if tok.lemma == "為さる" and tok.cform.startswith("命令形"):
            continue  # 書きなさい is a plain command, not 敬語
        if tok.lemma == "差し上げる" and _action_before(tokens, i):
            edits += _do_the_action(tokens, i, _action_object_prefix(tokens, i))  # お電話を差し上げます → 電話をします
            continue
        plain = _plain_verb_for(tokens, i)
        after = next_token(tokens, i)
        if plain and _is_potential(tok, after):  # 参れません: cannot come (not 行きません, "will not go")
            can = swap_verb(tokens, i, "できる", "honorific.verb")[0] if tok.cform.startswith("連") or tok.cform.startswith("終") else None
            end, tail = (can.end, can.replacement) if can is not None else (tok.end, "でき")
            edits.append(Edit(tok.start, end, plain + "ことが" + tail, "honorific.verb"))
        elif plain == "いる" and after is not None and after.lemma in ("れる", "られる"):  # おられます → います
            edits += swap_verb(tokens, i + 1, "いる", "honorific.verb", start=tok.start)
        elif plain:
            edits += swap_verb(tokens, i, plain, "honorific.verb")
    return edits


# actions done for the resident even without お/ご: 電話を差し上げます is a call, not a telephone given
_ACTIONS = frozenset(["電話", "連絡", "説明", "案内", "返事", "返信", "回答", "報告"])


def _object_index(tokens: list[Token], i: int) -> int:
    return i - 2 if i >= 1 and tokens[i - 1].surface == "を" else i - 1


def _action_before(tokens: list[Token], i: int) -> bool:
    n = _object_index(tokens, i)
    return _action_object_prefix(tokens, i) is not None or (n >= 0 and tokens[n].surface in _ACTIONS)


def _action_object_prefix(tokens: list[Token], i: int) -> Token | None:
    """The お/ご of お電話を, ご連絡 before 差し上げる: an action done for the resident, not a gift."""
    n = _object_index(tokens, i)
    if n < 1:
        return None
    noun, prefix = tokens[n], tokens[n - 1]
    return prefix if is_prefix_o(prefix) and noun.pos1 == "名詞" and noun.pos3 == "サ変可能" else None


def _do_the_action(tokens: list[Token], i: int, prefix: Token | None) -> list[Edit]:
    """お電話を差し上げます → 電話をします (電話をあげます is not what a clerk means, and sounds rude)."""
    verb = swap_verb(tokens, i, "する", "honorific.verb")
    if prefix is None:
        return verb
    return [Edit(prefix.start, prefix.end, "", "honorific.verb", unit=prefix.start)] + [
        Edit(e.start, e.end, e.replacement, e.rule_id, unit=prefix.start) for e in verb
    ]


def _is_set_phrase(tokens: list[Token], i: int) -> bool:
    """ありがとうございます, おはようございます, おめでとうございます are kept as they are."""
    prev = prev_token(tokens, i)
    return tokens[i].lemma in ("ござる", "御座る") and prev is not None and prev.surface.endswith("う")
