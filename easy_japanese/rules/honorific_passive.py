"""〜される / 〜られる used as 尊敬語 (転入される方, 帰国される前に, 入られた方), and ご覧になられる.

The same form is also the passive (発行された証明書: the city issued it) and, after 一段 verbs and 来る,
the potential (来られる: can come). A passive read as an honorific and made active would swap who
does what (カードを盗まれた方 are the victims, not the thieves), so only what cannot be a passive is
rewritten: an intransitive verb (``INTRANSITIVE_SURU`` and the verbs that never take を in
``data/verb_frames.tsv``), which has no passive without someone it happens to (子どもに泣かれる), and
the double honorific お〜になられる. What may be either (住所を変更された方, 申請される場合: also
"when it is applied for") is left and counted as an honorific left (``honorific_passive_at``), so the confidence falls and ``check()``
flags it.
"""

from __future__ import annotations

from easy_japanese.analyzer import Token
from easy_japanese.arguments import governed_particles, is_intransitive, is_person, is_time
from easy_japanese.rules.base import Context, Edit, swap_verb

# サ変 nouns that take no を object: their される is 尊敬語 (国外から転入される方 = 転入する方)
INTRANSITIVE_SURU = frozenset(["転入", "転出", "転居", "帰国", "出国", "入国", "来日", "出産", "欠席", "出席", "遅刻", "早退", "結婚", "離婚", "失業", "退職", "就職", "入院", "退院", "通院", "来庁", "来所", "来院", "来館", "加入", "入会", "退会", "入学", "卒業", "入園", "退園", "転園", "転校", "死亡", "外出", "在籍", "在住", "居住", "滞在", "帰宅", "到着", "出発", "避難", "参加", "応募", "同居", "別居", "休職", "復職", "妊娠", "入居", "退去", "帰省", "受診"])
# 五段 verbs that take no を object besides those in verb_frames.tsv (入られた方, 引っ越された場合)
_INTRANSITIVE_GODAN = frozenset(["引っ越す", "帰る", "亡くなる", "住む", "戻る", "通う", "働く", "座る", "急ぐ"])


def _voice_verb(tokens: list[Token], i: int) -> Token | None:
    """The verb that the れる/られる at ``i`` follows (the する of 転入される), if it is one."""
    tok = tokens[i]
    if tok.pos1 != "助動詞" or tok.lemma not in ("れる", "られる") or i == 0 or tokens[i - 1].pos1 != "動詞":
        return None
    return tokens[i - 1]


def _predicate_start(tokens: list[Token], v: int) -> int:
    """The first token of the predicate: the サ変 noun of 転入さ(れる), else the verb itself."""
    return v - 1 if tokens[v].lemma == "為る" and v > 0 and tokens[v - 1].pos1 == "名詞" else v


def _has_agent(tokens: list[Token], start: int, goal_verb: bool) -> bool:
    """A passive may name who or what does it: 犬にかまれた, 担当者に急に退職されて, 雨に降られて, 泥棒に
    入られた, 市によって. Any noun with に in the clause (not a time) may be that, except the one
    place a verb of entering goes to (日本に入国された, 保険に加入された)."""
    places = 0
    for k in range(start - 1, max(-1, start - 12), -1):
        tok = tokens[k]
        if tok.surface in ("、", "。") or (tok.pos1 == "助詞" and tok.pos2 == "接続助詞") or tok.pos1 == "動詞":
            return [t.surface for t in tokens[max(0, k - 2) : k + 1]] == ["に", "よっ", "て"]
        if tok.surface == "に" and tok.pos2 == "格助詞" and k > 0 and not is_time(tokens[k - 1]):
            places += 1
            if is_person(tokens[k - 1]) or not goal_verb or places > 1:
                return True
    return False


# verbs whose に is where one goes in (日本に入国される, 保険に加入される), not who does it
_GOAL_VERBS = frozenset(["入る", "帰る", "戻る", "通う", "住む", "行く", "来る", "転入", "入国", "入院", "入学", "入園", "入会",
                         "入居", "加入", "来日", "帰国", "転居", "転園", "転校", "通院", "在籍", "在住", "居住", "滞在", "参加",
                         "応募", "出席", "就職", "到着", "避難", "帰宅", "帰省", "受診"])
# what the honorific is said about at a counter: 転入される方, 帰国される前に, 欠席される場合; ます in a polite sentence
# and の / ので (ご家族全員が引っ越されるのでなければ)
_HONORIFIC_HEADS = frozenset(["方", "場合", "前", "後", "とき", "時", "際", "日", "予定", "ます", "の", "ので"])


def _said_of_the_resident(tokens: list[Token], i: int) -> bool:
    """The れる at ``i`` is followed (after た or る) by a noun such as 方 or 場合, or by ます."""
    for tok in tokens[i + 1 : i + 3]:
        if tok.lemma in _HONORIFIC_HEADS or tok.surface in _HONORIFIC_HEADS:
            return True
        if tok.lemma != "た":
            return False
    return False


def _is_intransitive_predicate(tokens: list[Token], v: int) -> bool:
    verb = tokens[v]
    if verb.lemma == "為る":
        return v > 0 and tokens[v - 1].surface in INTRANSITIVE_SURU
    return verb.ctype.startswith("五段") and (verb.base in _INTRANSITIVE_GODAN or is_intransitive(verb.base))


def _after_honorific_naru(tokens: list[Token], v: int) -> bool:
    """ご覧になられる / お帰りになられる: なる after に after ご覧 or お + stem."""
    return tokens[v].lemma == "成る" and v >= 2 and tokens[v - 1].surface == "に" and (
        tokens[v - 2].surface in ("ご覧", "御覧") or (v >= 3 and tokens[v - 3].surface in ("お", "ご", "御")))


def plain_honorific_at(tokens: list[Token], i: int) -> bool:
    """The れる/られる at ``i`` can only be 尊敬語: made plain by the rule below."""
    verb = _voice_verb(tokens, i)
    if verb is None:
        return False
    v = i - 1
    if _after_honorific_naru(tokens, v):
        return True
    if _own_step_said_politely(tokens, i) or _garbage_put_out(tokens, i) or _own_payment_left_unpaid(tokens, i):
        return True
    if tokens[i].lemma == "られる" or not _is_intransitive_predicate(tokens, v) or not _said_of_the_resident(tokens, i):
        return False  # 来られる, 見られる may be "can come", "can see"; 雨に降られてぬれた is a passive
    start = _predicate_start(tokens, v)
    goal = tokens[start].surface in _GOAL_VERBS or verb.base in _GOAL_VERBS
    return not _has_agent(tokens, start, goal)


# サ変 verbs done to a person: 紹介された方 are the people introduced, 診断された方 those diagnosed (passives)
_DONE_TO_A_PERSON = frozenset(["紹介", "招待", "推薦", "指名", "選出", "表彰", "逮捕", "保護", "採用", "雇用", "派遣", "診断",
                               "認定", "任命", "解雇", "処分", "案内", "指導", "救助", "誘導", "登録", "合格", "選考"])


def _names_what_it_happens_to(tokens: list[Token], start: int) -> bool:
    """The clause names a thing with が or も (予定が変更された場合: the plan is changed, a passive), or the
    sentence has a thing as its topic (児童手当は、中学校を卒業するまで支給される前に: は reaches past the
    clause); a person (代理の方が申請される場合) may be who does it politely."""
    in_clause = True
    for k in range(start - 1, 0, -1):
        tok = tokens[k]
        if tok.surface in ("、", "。") or (tok.pos1 == "助詞" and tok.pos2 == "接続助詞") or tok.pos1 == "動詞":
            in_clause = False
        if tok.surface == "。":
            return False
        if tok.pos1 == "助詞" and not is_person(tokens[k - 1]) and tokens[k - 1].pos1 in ("名詞", "代名詞", "接尾辞") and (
                tok.surface == "は" or (in_clause and tok.surface in ("が", "も"))):
            return True
    return False


# what a counter says the resident does, as a noun: 申請される場合, 申請される方, 郵送される前に (not ます:
# 支給されます, 送付されます are what the city does, passives)
_NOMINAL_HEADS = frozenset(["方", "場合", "前", "後", "とき", "時", "際"])


def _suru_said_of_the_resident(tokens: list[Token], i: int) -> bool:
    """申請される場合, 郵送される前に: a サ変 verb's される with no object, no one named who does it and
    nothing named that it is done to, before 場合/方/前 … Read as 尊敬語 (a counter speaks of the resident's
    own steps), but 変更される場合 may be "when it is changed": counted, never made plain."""
    v = i - 1
    if tokens[i].lemma != "れる" or tokens[v].lemma != "為る" or v == 0 or tokens[v - 1].pos1 != "名詞":
        return False
    head = next((t.surface for t in tokens[i + 1 : i + 3] if t.lemma != "た"), "")
    if head not in _NOMINAL_HEADS or (head == "方" and tokens[v - 1].surface in _DONE_TO_A_PERSON):
        return False
    start = v - 1
    source = {"から", "より"} & set(governed_particles(tokens, start))  # 市から指定された日: the city does it
    return not source and not _has_agent(tokens, start, False) and not _names_what_it_happens_to(tokens, start)


# サ変 verbs a counter says only of the resident's own steps: their される before 方 / 場合 / 前 … is 尊敬語
# (希望される方 wish, 廃車された場合 scrapped their car), never something done to the resident; a thing named
# with が or as the topic (書類が提出された場合) or someone who does it (代理人により) still reads as a passive
_RESIDENTS_OWN_STEPS = frozenset(["希望", "申請", "提出", "廃車", "届出", "申告", "予約", "購入", "持参", "記入", "契約",
                                  "解約", "相続", "寄付", "返却", "利用", "申し込み", "請求", "受診", "受験", "受講", "紛失"])


def _own_step_said_politely(tokens: list[Token], i: int) -> bool:
    v = i - 1
    if tokens[i].lemma != "れる" or tokens[v].lemma != "為る" or v == 0 or tokens[v - 1].surface not in _RESIDENTS_OWN_STEPS:
        return False
    head = next((t.surface for t in tokens[i + 1 : i + 3] if t.lemma != "た"), "")
    start = v - 1
    source = {"から", "より"} & set(governed_particles(tokens, start))
    return (head in _NOMINAL_HEADS or _conditional(tokens, i)) and not source and not _has_agent(tokens, start, False) and not _names_what_it_happens_to(tokens, start)


def _garbage_put_out(tokens: list[Token], i: int) -> bool:
    """粗大ごみを出される方 / 場合: putting one's garbage out is what the resident does; 出す keeps a を object in
    a passive only when something is given out to someone (宿題を出された), never garbage or a fever (お子さんが
    熱を出された場合; 子どもに熱を出されて, with who did it, stays a passive): 尊敬語, made plain."""
    v = i - 1
    if tokens[i].lemma != "れる" or tokens[v].lemma != "出す" or v < 2 or tokens[v - 1].surface != "を":
        return False
    head = next((t.surface for t in tokens[i + 1 : i + 3] if t.lemma != "た"), "")
    garbage = tokens[v - 2].surface.endswith(("ごみ", "ゴミ")) or tokens[v - 2].surface == "熱"  # 熱を出される方
    return garbage and (head in _NOMINAL_HEADS or _conditional(tokens, i)) and not _has_agent(tokens, v - 1, False)


# what the resident owes the city: 保険料, 住民税, 税金, 給食費, 保育料 (never a landlord's rent: 家賃を滞納された is a passive)
_OWED_TO_THE_CITY = ("料", "税", "税金", "費")


def _own_payment_left_unpaid(tokens: list[Token], i: int) -> bool:
    """保険料を滞納されますと / 滞納されている方 / 前納されますと: only the resident leaves their own premium or tax
    unpaid (or pays it ahead), so with that payment as its を object and no one named who does it, 滞納される is
    尊敬語 (a passive would be said by whoever is owed it: 家賃を滞納された, 市が住民に税を滞納される), made plain."""
    v = i - 1
    if tokens[i].lemma != "れる" or tokens[v].lemma != "為る" or v < 3 or tokens[v - 1].surface not in ("滞納", "前納"):
        return False
    owed = tokens[v - 3].surface.endswith(_OWED_TO_THE_CITY) and tokens[v - 3].pos1 in ("名詞", "接尾辞")
    return tokens[v - 2].surface == "を" and owed and not _has_agent(tokens, v - 1, False)


def _conditional(tokens: list[Token], i: int) -> bool:
    """申請されれば, 申請されたら: the resident's own step as a condition (学生の方は、申請されれば…)."""
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    return (tokens[i].cform.startswith("仮定形") and after is not None and after.surface == "ば") or (
        after is not None and after.lemma == "た" and after.surface == "たら")


def honorific_passive_at(tokens: list[Token], i: int) -> bool:
    """The れる/られる at ``i`` reads as 尊敬語, whether or not the rule may make it plain: also a
    transitive verb with its を object and no one named who does it (住所を変更された方), and a サ変
    verb said of the resident with nothing named that it is done to (申請される場合)."""
    if plain_honorific_at(tokens, i):
        return True
    verb = _voice_verb(tokens, i)
    if verb is None:
        return False
    if tokens[i].lemma == "られる":
        return _rareru_with_object(tokens, i)
    start = _predicate_start(tokens, i - 1)
    if _done_by_the_city(tokens, i):
        return False  # 保険料を免除された期間: the resident is exempted (a passive), never exempts
    if "を" in governed_particles(tokens, start) and not _has_agent(tokens, start, False):
        return True
    return _suru_said_of_the_resident(tokens, i)


def _rareru_with_object(tokens: list[Token], i: int) -> bool:
    """会社を辞められたときは: 尊敬語, or the potential ("could quit"), or a passive; never made plain, but in the
    past, with its を object, before 方 / 場合 / とき … and no one named who does it, it is counted as an honorific
    left (in the present, 健診を受けられる方, "who can have it" tells the resident the same: neither)."""
    past = i + 1 < len(tokens) and tokens[i + 1].lemma == "た"  # 健診を受けられる方 ("who can have it") is not counted
    head = next((t.surface for t in tokens[i + 1 : i + 3] if t.lemma != "た"), "")
    start = _predicate_start(tokens, i - 1)
    return past and head in _NOMINAL_HEADS and "を" in governed_particles(tokens, start) and not _has_agent(tokens, start, False)


# サ変 verbs only the city (or the state) does to a resident: their される is a passive (保険料を免除された,
# 税金を還付される), never the resident's own step said politely, so it is neither made plain nor counted
_DONE_BY_THE_CITY = frozenset(["免除", "減免", "減額", "課税", "還付", "徴収", "支給", "給付", "交付", "許可", "承認",
                               "却下", "決定", "督促", "差し押さえ", "延滞"])


# verbs of their own that only the city does to a resident: 過料を科される, 税を課される (a fine or a tax imposed)
_IMPOSED = frozenset(["科する", "課する", "科す", "課す"])


def _done_by_the_city(tokens: list[Token], i: int) -> bool:
    if i >= 1 and tokens[i - 1].lemma in _IMPOSED:
        return True
    return i >= 2 and tokens[i - 1].lemma == "為る" and tokens[i - 2].surface in _DONE_BY_THE_CITY


def honorific_passives(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """転入される方 → 転入する方, 入られた方 → 入った方, ご覧になられました → ご覧になりました."""
    edits: list[Edit] = []
    for i in range(1, len(tokens)):
        if not plain_honorific_at(tokens, i):
            continue
        verb = tokens[i - 1]
        base = "する" if verb.lemma == "為る" else verb.base
        edits += swap_verb(tokens, i, base, "honorific.passive", start=verb.start)
    return edits
