"""Does a sentence parse cleanly? Checks on the re-analysed text of every candidate rewrite.

Each check finds one kind of break that word replacement causes, read from the analysis:
unknown-word runs, a predicate without its ending (書き。), ます before でしょう (書いてもらいますでしょうか),
の before a verb (書類の出すことには), お/ご before a verb in dictionary form, two case particles in a
row, が left before 〜ことができる on a thing (在留カードが確かめることができる), を before a verb that
never takes an object (受付を終わる; the verbs are in ``data/verb_frames.tsv``), two を objects for one verb
(車を車をとめる), the same argument twice (病院に病院に通う, or two places: 大学に上の学校に行く) and
a noun phrase that repeats its verb (かかるお金がかかる): see ``arguments.py``. The guard rejects a rewrite that has more of any kind than
its input had; ``check()`` reports them in a clerk's own text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from easy_japanese.analyzer import Token
from easy_japanese.arguments import CASE_PARTICLES, is_intransitive, is_person, is_time, refuses_ni_thing

MESSAGES = {
    "unknown_word": "a word the dictionary does not know",
    "no_ending": "a predicate without its ending",
    "masu_deshou": "ます followed by でしょう",
    "no_before_verb": "の directly before a verb",
    "koto_before_verb": "こと directly before a verb",
    "dictionary_form_before_te": "a dictionary form before て or た",
    "predicate_before_case": "a verb or adjective used as a noun before a case particle",
    "predicate_before_copula": "a verb or adjective before だ/である, where a noun is needed",
    "prefix_before_verb": "お/ご before a verb in dictionary form",
    "double_particle": "two case particles in a row",
    "ga_with_koto_ga_dekiru": "が on the object of 〜ことができる",
    "object_of_intransitive": "を on a verb that takes no object",
    "double_object": "two objects with を for one verb",
    "repeated_argument": "the same argument twice for one verb",
    "state_with_te_iru": "いる or ある followed by 〜ている",
    "echoed_predicate": "a noun phrase that repeats the verb it goes with (かかるお金がかかる)",
    "thing_with_ni": "a thing marked with に for a verb that takes it with を (調査に手伝う)",
    "noun_before_na": "a noun before な, which only a na-adjective takes (しばらくの間な措置)",
    "doubled_auxiliary": "the same helper verb twice after て (しまっておいておく)",
    "prefix_before_receiving": "お/ご + a verb stem or a noun directly before もらう/くれる (お聞かせもらいました)",
    "dictionary_form_before_sugiru": "a verb or adjective in dictionary form before すぎる or そう (難しいすぎる)",
}
_CASE = frozenset(["が", "を"])
_ALSO_CASE = frozenset(["が", "を", "に", "へ", "と"])
@dataclass(frozen=True)
class Problem:
    kind: str
    start: int
    end: int

    @property
    def message(self) -> str:
        return MESSAGES[self.kind]


def ga_before(tokens: list[Token], i: int) -> int | None:
    """Index of the が that belongs to the verb at ``i`` (英語が少し話せる), if any, within its clause."""
    for j in range(i - 1, max(-1, i - 5), -1):
        tok = tokens[j]
        if tok.surface == "が" and tok.pos1 == "助詞":
            return j if tok.pos2 == "格助詞" else None
        if tok.pos1 in ("動詞", "助動詞", "補助記号", "形容詞") or tok.surface in ("は", "を", "も", "に", "で", "と"):
            return None
    return None



def _is_end(tok: Token | None) -> bool:
    return tok is None or (tok.pos1 == "補助記号" and tok.surface in ("。", "！", "？", "!", "?", "」", "）", ")"))


def _unknown(tokens: list[Token], k: int) -> bool:
    tok = tokens[k]
    return tok.unknown and tok.pos2 != "数詞" and not tok.surface.isascii() and tok.pos1 != "補助記号"


def _no_ending(tokens: list[Token], k: int) -> bool:
    tok, nxt = tokens[k], tokens[k + 1] if k + 1 < len(tokens) else None
    if tok.pos1 not in ("動詞", "形容詞", "助動詞") or not _is_end(nxt):
        return False
    if tok.cform.startswith("未然形"):
        return True
    return tok.pos1 == "動詞" and tok.cform.startswith("連用形") and tok.lemma not in ("下さる",)


def _pair(tokens: list[Token], k: int) -> str | None:
    tok, nxt = tokens[k], tokens[k + 1] if k + 1 < len(tokens) else None
    if nxt is None:
        return None
    if tok.lemma == "ます" and tok.cform.startswith("終止形") and nxt.lemma == "です" and nxt.surface.startswith("でしょ"):
        before = tokens[k - 1] if k else None  # いただけますでしょうか is an accepted (if heavy) polite form
        return None if before is not None and before.lemma in ("頂く", "御座る", "ござる") else "masu_deshou"
    ending = (nxt.surface in ("て", "で") and nxt.pos2 == "接続助詞") or nxt.lemma == "た"
    not_doing = tok.lemma == "ない" and nxt.surface == "で"  # 忘れないでください: ないで is a form of its own
    if tok.pos1 in ("動詞", "形容詞", "助動詞") and tok.cform.startswith(("終止形", "連体形")) and ending and not not_doing:
        return "dictionary_form_before_te"  # かけるて, 終わらせるた
    after = tokens[k + 2] if k + 2 < len(tokens) else None
    purpose = nxt.surface == "に" and after is not None and after.surface == "は"  # 出すには: in order to hand in
    if tok.pos1 in ("動詞", "形容詞") and tok.cform.startswith(("終止形", "連体形")) and nxt.pos2 == "格助詞" and nxt.surface in ("が", "を", "に", "で") and not purpose:
        return "predicate_before_case"  # 危ないがある, 赤ちゃんがいるが分かったら: a predicate used as a noun
    predicate = tok.pos1 in ("動詞", "形容詞") or (tok.pos1 == "助動詞" and tok.lemma in ("無い", "ない", "たい"))
    copula = (nxt.lemma == "だ" and not nxt.surface.startswith(("な", "だろ", "でしょ"))) or nxt.surface == "でし"
    if predicate and tok.cform.startswith(("終止形", "連体形")) and copula:
        return "predicate_before_copula"  # 正しいである, できないだった, 高いでした: the copula needs a noun
    noun_na = tok.pos1 == "名詞" and tok.pos3 != "形状詞可能" and nxt.surface == "な" and nxt.lemma == "だ"
    if noun_na and (after is None or after.surface != "の"):  # 学生なので, 休みなのに: な before の is fine
        return "noun_before_na"
    stem_needed = (nxt.lemma == "過ぎる" and nxt.pos2 == "非自立可能") or nxt.lemma == "そう-様態"
    if tok.pos1 in ("動詞", "形容詞", "助動詞") and tok.cform.startswith(("終止形", "連体形")) and stem_needed:
        return "dictionary_form_before_sugiru"  # 難しいすぎる, 行くすぎる: すぎる and そう take the stem
    if _prefix_before_receiving(tokens, k):
        return "prefix_before_receiving"
    if _doubled_auxiliary(tokens, k):
        return "doubled_auxiliary"
    if tok.lemma in ("居る", "有る") and nxt.surface in ("て", "で") and after is not None and after.lemma in ("居る", "有る"):
        return "state_with_te_iru"  # 滞在しています → いています: a state has no 〜ている
    if tok.lemma == "事" and nxt.pos1 == "動詞" and nxt.lemma not in ("為る", "出来る"):
        return "koto_before_verb"
    if tok.surface == "の" and tok.pos2 == "格助詞" and nxt.pos1 == "動詞" and nxt.cform.startswith(("終止形", "連体形")):
        return "no_before_verb"
    if tok.pos1 == "接頭辞" and tok.surface in ("お", "ご", "御") and nxt.pos1 == "動詞" and nxt.cform.startswith(("終止形", "連体形")):
        return "prefix_before_verb"
    if tok.surface in _CASE and tok.pos2 == "格助詞" and nxt.surface in _ALSO_CASE and nxt.pos2 == "格助詞":
        return "double_particle"
    return None


def _prefix_before_receiving(tokens: list[Token], k: int) -> bool:
    """お聞かせもらいました, ご記入もらえますか: お〜いただく made plain without its て (聞かせてもらう)."""
    if tokens[k].pos1 != "接頭辞" or tokens[k].surface not in ("お", "ご", "御") or k + 2 >= len(tokens):
        return False
    m = k + 2 if k + 3 < len(tokens) and tokens[k + 2].lemma in ("せる", "させる") else k + 1
    stem = tokens[k + 1].pos1 == "動詞" or tokens[k + 1].pos3 == "サ変可能"  # not お金もらった (spoken)
    return stem and tokens[m + 1].lemma in ("貰う", "呉れる")


def _doubled_auxiliary(tokens: list[Token], k: int) -> bool:
    """〜ておいておく, 〜ていている: an easy side that brings its own ておく before the sentence's (保管 →
    しまっておく in 保管しておく)."""
    tok = tokens[k]
    if tok.pos1 != "動詞" or tok.pos2 != "非自立可能" or tok.lemma not in ("置く", "居る", "仕舞う") or k == 0:
        return False
    if tokens[k - 1].surface not in ("て", "で") or k + 2 >= len(tokens):
        return False
    return tokens[k + 1].surface in ("て", "で") and tokens[k + 2].lemma == tok.lemma


def _ga_koto_ga_dekiru(tokens: list[Token], k: int) -> bool:
    """Nが V こと が できる, where N is a thing (it should be を)."""
    if tokens[k].surface != "が" or tokens[k].pos2 != "格助詞" or k == 0 or k + 4 >= len(tokens):
        return False
    verb, koto, ga, dekiru = tokens[k + 1 : k + 5]
    if verb.pos1 != "動詞" or koto.lemma != "事" or ga.surface != "が" or dekiru.lemma != "出来る":
        return False
    return not is_person(tokens[k - 1]) and not is_intransitive(verb.base)


def _object_of_intransitive(tokens: list[Token], k: int) -> bool:
    """を and the first verb after it, within its clause: 内科を病院に行く."""
    if tokens[k].surface != "を" or tokens[k].pos2 != "格助詞":
        return False
    for m in range(k + 1, min(len(tokens), k + 6)):
        tok = tokens[m]
        if tok.pos1 == "動詞":
            if tok.lemma == "出来る" and tokens[m - 1].pos3 == "サ変可能":
                return False  # 理解できる is 理解する's potential: it takes を (あなたを理解できない)
            causative = m + 1 < len(tokens) and tokens[m + 1].lemma in ("せる", "させる")  # 受付を終わらせる
            return not causative and (is_intransitive(tok.lemma) or is_intransitive(tok.base))
        if tok.pos1 in ("補助記号", "助動詞") or tok.surface == "を":
            return False
    return False


def _same_clause_argument(tokens: list[Token], k: int) -> str | None:
    """A second argument with the same particle for one predicate: 車を車をとめる (a verb takes one を
    object), 病院に病院に通う (the same place twice), 大学に上の学校に行く (two places for one move).
    A time and a place (3時に窓口に) or a person and a place (田中さんに窓口で) are fine."""
    tok = tokens[k]
    if tok.pos2 != "格助詞" or tok.surface not in CASE_PARTICLES or k == 0:
        return None
    for m in range(k + 1, min(len(tokens), k + 10)):
        nxt = tokens[m]
        if nxt.pos1 in ("動詞", "形容詞", "助動詞", "補助記号") or nxt.pos2 in ("接続助詞", "係助詞", "副助詞"):
            return None
        same = nxt.surface == tok.surface or {nxt.surface, tok.surface} == {"に", "へ"}  # 外国へほかの市に引っ越す
        if nxt.pos2 == "格助詞" and same and m > k + 1:
            if tok.surface == "を":
                return "double_object"
            if tokens[m - 1].surface == tokens[k - 1].surface or (nxt.surface in ("に", "へ") and _two_places(tokens[k - 1], tokens[m - 1])):
                return "repeated_argument"
    return None


def _echoed_predicate(tokens: list[Token], k: int) -> bool:
    """V + noun + particle + … the same V: かかるお金がかかる, 払うお金を払う (an easy side that says the verb twice)."""
    tok = tokens[k]
    if tok.pos1 != "動詞" or not tok.cform.startswith(("終止形", "連体形")) or tok.lemma == "為る":
        return False  # する is a light verb: 混雑することが予想される, 入学する学校に提出して repeat nothing
    m = k + 1
    while m < len(tokens) and tokens[m].pos1 in ("名詞", "接頭辞", "接尾辞"):
        m += 1  # the noun phrase: お金, 手続きの費用
    if m == k + 1 or m >= len(tokens) or tokens[m].pos1 != "助詞" or tokens[m].pos2 not in ("格助詞", "係助詞"):
        return False
    for nxt in tokens[m + 1 : m + 5]:
        if nxt.pos1 == "動詞":
            return nxt.lemma == tok.lemma
        if nxt.pos1 in ("補助記号", "助動詞") or nxt.pos2 == "接続助詞":
            return False
    return False


def _thing_with_ni(tokens: list[Token], k: int) -> bool:
    """調査に手伝う, 避難訓練に手伝いをお願いします: a thing with に/へ before 手伝う, which takes を."""
    tok = tokens[k]
    if tok.surface not in ("に", "へ") or tok.pos2 != "格助詞" or k == 0:
        return False
    head = tokens[k - 1]
    if is_person(head) or is_time(head) or head.pos1 not in ("名詞", "接尾辞"):
        return False
    for nxt in tokens[k + 1 : k + 4]:
        if refuses_ni_thing(nxt.lemma) or refuses_ni_thing(nxt.surface):
            return True
        if nxt.pos1 in ("動詞", "補助記号") or (nxt.pos1 == "名詞" and nxt.surface != "ご"):
            return False
    return False


def _two_places(first: Token, second: Token) -> bool:
    return not any(is_time(t) or is_person(t) or t.pos1 not in ("名詞", "代名詞") for t in (first, second))


def problems(tokens: list[Token]) -> list[Problem]:
    """Every break found in ``tokens`` (an analysed text), except inside a counter term's explanation:
    that is our fixed text, and the analyser may misread it (…しくみ）: 仕組み read as a verb)."""
    found = []
    explained = _in_explanations(tokens)
    for k, tok in enumerate(tokens):
        if k in explained:
            continue
        kinds = []
        if _unknown(tokens, k) and not (k and _unknown(tokens, k - 1)):
            kinds.append("unknown_word")
        if _no_ending(tokens, k):
            kinds.append("no_ending")
        pair = _pair(tokens, k)
        if pair:
            kinds.append(pair)
        if _ga_koto_ga_dekiru(tokens, k):
            kinds.append("ga_with_koto_ga_dekiru")
        if _object_of_intransitive(tokens, k):
            kinds.append("object_of_intransitive")
        if _echoed_predicate(tokens, k):
            kinds.append("echoed_predicate")
        if _thing_with_ni(tokens, k):
            kinds.append("thing_with_ni")
        argument = _same_clause_argument(tokens, k)
        if argument:
            kinds.append(argument)
        found += [Problem(kind, tok.start, tok.end) for kind in kinds]
    return found


def _in_explanations(tokens: list[Token]) -> set[int]:
    """Indices of the tokens inside brackets that hold a counter term's explanation (gloss.counter_term)."""
    from easy_japanese.rules.protect import explanations  # the rules package imports this module

    inside: set[int] = set()
    opened: int | None = None
    for k, tok in enumerate(tokens):
        if tok.surface in ("（", "("):
            opened = k
        elif tok.surface in ("）", ")") and opened is not None:
            if "".join(t.surface for t in tokens[opened + 1 : k]) in explanations():
                inside.update(range(opened, k + 1))
            opened = None
    return inside


def new_problems(before: list[Token], after: list[Token]) -> list[str]:
    """Messages for the kinds of break that ``after`` has more of than ``before``."""
    had = Counter(p.kind for p in problems(before))
    has = Counter(p.kind for p in problems(after))
    return [f"the result would not parse cleanly ({MESSAGES[kind]})" for kind in has if has[kind] > had[kind]]
