"""Verb argument patterns: who does what to whom survives a replaced predicate.

A predicate governs the case particles of its clause (在留カード**を**確認する, 病院**に**通院する). When
a rule replaces the predicate, the new one must accept the same particles, and an easy phrase that
brings its own argument (通院 → 病院に通う, 駐車 → 車をとめる) must not fill a slot the sentence already
fills. ``fit_to_arguments`` adjusts the easy side before the edit is made (病院に通院する → 病院に通う,
受付を終了する → 受付を終わらせる); ``wellformed.py`` checks every candidate with the same table
(``data/verb_frames.tsv``) and the guard refuses what still does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from easy_japanese.analyzer import Token, analyze
from easy_japanese.idioms import idiom_role_change
from easy_japanese.lexicon import DATA_DIR, read_tsv_rows

# the particles that mark a predicate's own arguments; the clause ends at another predicate or a comma
CASE_PARTICLES = frozenset(["を", "に", "が", "で", "と", "へ", "から"])
_CLAUSE_ENDS = frozenset(["動詞", "形容詞", "助動詞", "補助記号"])


@dataclass(frozen=True)
class Frame:
    verb: str
    takes_object: bool | None  # None: を only for a place (家を出る), which we do not check
    transitive: str  # the verb that takes the object instead (終わる → 終わらせる), or ""
    object_particle: str = ""  # が for verbs whose "object" takes が (問題が分かる, 日本語ができる)
    where: str = ""  # a サ変 noun whose を names where it happens (内科を受診 → 内科で診てもらう): that particle
    no_ni_thing: bool = False  # what it is about takes を, never に (調査に手伝う: 協力 → 手伝う is refused there)


@dataclass(frozen=True)
class Fitted:
    """An easy side fitted to the sentence, and a particle of the sentence it needs changed."""

    easy: str
    particle: tuple[int, str] | None = None  # (token index in the sentence, the particle it becomes)


@lru_cache(maxsize=1)
def frames() -> dict[str, Frame]:
    table = {}
    for row in read_tsv_rows(DATA_DIR / "verb_frames.tsv"):
        kind = row[1]
        if kind not in ("no", "place", "ga", "where", "wo"):
            raise ValueError(f"verb_frames.tsv: bad row {row!r} (object must be no, place, ga, where or wo)")
        instead = row[2] if len(row) > 2 else ""
        if kind == "wo":
            table[row[0]] = Frame(row[0], True, "", no_ni_thing=True)
            continue
        if kind == "where":
            table[row[0]] = Frame(row[0], True, "", "", instead)
            continue
        particle = instead if instead == "が" else ""
        table[row[0]] = Frame(row[0], None if kind == "place" else False, "" if particle else instead, particle)
    return table


_PERSON_ENDS = ("人", "たち", "達", "さん", "君", "くん", "ちゃん", "者", "様", "ら", "私", "僕", "あなた", "氏", "殿", "員", "師", "士")
_PERSON_NOUNS = frozenset(["方", "家族", "本人", "子ども", "子供", "親", "両親", "夫", "妻", "先生", "医師", "職員",
                           "担当", "自分", "みんな", "皆", "誰", "だれ", "保護者", "世帯主", "代理人", "赤ちゃん"])
_THINGS = frozenset(["これ", "それ", "あれ", "どれ", "何", "なに", "なん", "此れ", "其れ", "彼れ", "何れ"])


def is_person(tok: Token) -> bool:
    """Who can do it (私が行ける), not what is done (日本語が話せる): pronouns, names, 〜人, 〜さん."""
    if tok.pos1 == "代名詞":
        return tok.surface not in _THINGS
    if tok.surface in _PERSON_NOUNS and tok.pos1 == "名詞":
        return True  # 世帯の方が提出できる: 方 (the polite "person"), 家族, 本人 …
    return tok.pos3 == "人名" or tok.surface.endswith(_PERSON_ENDS)  # not any suffix: 保険証 is a thing


def refuses_ni_thing(word: str) -> bool:
    """A verb (or its noun, 手伝い) that takes what it is about with を, never a thing with に."""
    frame = frames().get(word)
    return frame is not None and frame.no_ni_thing


def is_intransitive(verb: str) -> bool:
    """A verb (dictionary form) that never takes a を object."""
    frame = frames().get(verb)
    return frame is not None and frame.takes_object is False


def governed_particles(tokens: list[Token], i: int) -> dict[str, list[int]]:
    """Case particles of the clause that ends in the predicate at ``i`` (first token of the predicate,
    お/ご included): particle → indexes of its tokens, nearest first."""
    found: dict[str, list[int]] = {}
    for k in range(i - 1, -1, -1):
        tok = tokens[k]
        if tok.pos1 in _CLAUSE_ENDS or (tok.pos1 == "助詞" and tok.pos2 == "接続助詞"):
            break
        if tok.pos1 == "助詞" and tok.pos2 == "格助詞" and tok.surface in CASE_PARTICLES:
            found.setdefault(tok.surface, []).append(k)
    return found


def main_verb(tokens: list[Token]) -> int | None:
    """Index of the verb that carries the phrase: the first one (帰る in 国に帰る, 診る in 診てもらう)."""
    return next((k for k, t in enumerate(tokens) if t.pos1 == "動詞"), None)


def _head(tokens: list[Token], particle: int) -> str:
    return tokens[particle - 1].surface if particle > 0 else ""


def is_time(tok: Token) -> bool:
    """When, not where: 6時, 3月, 来年, 週末 (a number, a counter word or a time noun used as an adverb)."""
    return tok.pos2 == "数詞" or tok.pos3 in ("副詞可能", "助数詞可能", "助数詞") or tok.surface in ("とき", "時", "ころ", "頃")


def _fills_the_place(tokens: list[Token], filled: list[int], own: Token, easy_tokens: list[Token], k: int) -> bool:
    """The sentence already says where: 病院に通院 (the same place), 大学に進学 (上の学校に would say it twice).
    A time (6時に帰宅: 家に stays) or a person (田中さんに) does not fill the easy phrase's place."""
    if own.surface != "に":
        return any(_head(tokens, m) == _head(easy_tokens, k) for m in filled)
    return any(m > 0 and _is_place_word(tokens[m - 1]) for m in filled)


def _modifies_its_own_place(tokens: list[Token], i: int, easy_tokens: list[Token], k: int) -> bool:
    """入学する学校 → 入る学校, not 学校に入る学校: the clause modifies the noun its easy phrase names
    (or a kind of it: 入学する小学校 → 入る小学校)."""
    after = [t for t in tokens[i + 1 : i + 3] if t.pos1 == "名詞"][:1]
    verb = tokens[i + 1] if tokens[i].pos1 == "名詞" and i + 1 < len(tokens) else tokens[i]
    return bool(after) and k > 0 and after[0].surface.endswith(easy_tokens[k - 1].surface) and verb.cform.startswith("連体形")


def _is_place_word(tok: Token) -> bool:
    """A noun that can say where (大学, 市役所), not 忘れずに (a verb form) nor a time or a person."""
    return tok.pos1 in ("名詞", "代名詞", "接尾辞") and not is_time(tok) and not is_person(tok)


def _where_frame(tokens: list[Token], i: int) -> Frame | None:
    frame = frames().get(tokens[i].surface) if tokens[i].pos1 == "名詞" else None
    return frame if frame is not None and frame.where else None


def fit_to_arguments(tokens: list[Token], i: int, easy: str) -> Fitted:
    """``easy`` as it must read where the predicate at ``i`` stands (see the module docstring)."""
    given = governed_particles(tokens, i)
    easy_tokens = analyze(easy)
    verb = main_verb(easy_tokens)
    own = [k for k, t in enumerate(easy_tokens[: verb or 0]) if t.pos2 == "格助詞" and t.surface in CASE_PARTICLES]
    where = _where_frame(tokens, i)
    if verb is not None and own and where is not None and "を" in given and easy_tokens[own[-1]].surface == where.where:
        # 内科を受診 → 内科で診てもらう: the sentence's を names the place of the easy phrase (病院で)
        return Fitted(easy[easy_tokens[own[-1]].end :], (given["を"][0], where.where))
    if verb is not None and own:
        mark = easy_tokens[own[-1]]
        filled = given.get(mark.surface, []) + (given.get("へ", []) if mark.surface == "に" else [])  # 外国へ転出
        # 車を駐車 → 車をとめる (a verb takes one を object); この学校に入学 → この学校に入る (the same place);
        # 大学に進学 → 大学に行く (the sentence says where); 6時に帰宅 keeps 家に帰る (6時 is a time, not where)
        same_place = _fills_the_place(tokens, filled, mark, easy_tokens, own[-1])
        if (filled and (mark.surface == "を" or same_place)) or _modifies_its_own_place(tokens, i, easy_tokens, own[-1]):
            easy = easy[mark.end :]
            easy_tokens = analyze(easy)
            verb = main_verb(easy_tokens)
    if verb is None or "を" not in given:
        return Fitted(easy)
    frame = frames().get(easy_tokens[verb].base)
    causative = [t for t in easy_tokens[verb + 1 : verb + 2] + tokens[i + 1 : i + 3] if t.lemma in ("せる", "させる")]
    if frame is None or frame.takes_object is not False or causative:
        return Fitted(easy)  # it takes the object, or it is causative already (終わらせる, 済ませる)
    obj = given["を"][0]
    if frame.object_particle:  # その問題を理解する → その問題が分かる; 彼を理解する stays (彼が分かる: he knows)
        # 話を理解してもらう: someone else is made to understand, and 分かってもらう keeps を (話が分かってもらう is broken)
        keep = is_person(tokens[obj - 1]) or _done_for_someone(tokens, i)
        return Fitted(easy) if keep else Fitted(easy, (obj, frame.object_particle))
    if frame.transitive and not own:
        # 受付を終了 → 受付を終わらせる: the verb that takes what is done. Not where the easy phrase keeps a place
        # of its own (入学 → 学校に入る): a を before it belongs to another verb (就学通知書を入学する学校に出す),
        # and 学校に入れる would say "put into school"; the guard then refuses the を it cannot take
        tok = easy_tokens[verb]
        return Fitted(easy[: tok.start] + frame.transitive + easy[tok.end :])
    return Fitted(easy)


_GIVING_VERBS = frozenset(["貰う", "呉れる", "頂く", "下さる"])


def _done_for_someone(tokens: list[Token], i: int) -> bool:
    """理解してもらう / 理解してくれる: the predicate at ``i`` is followed by て and a verb of giving."""
    after = tokens[i + 1 : i + 5]
    return any(t.lemma in _GIVING_VERBS and k > 0 and after[k - 1].surface in ("て", "で") for k, t in enumerate(after))


# particle changes a rule may make on purpose: 日本語が話せる → 日本語を話すことができる (can do), and
# 申請書の提出 → 申請書を出す (a サ変 noun's の becomes the verb's を)
_SANCTIONED = {("が", "を"), ("の", "を")}
_ROLES = frozenset(["が", "を", "に"])


def roles(tokens: list[Token]) -> dict[str, set[str]]:
    """Noun → the core case particles (が, を, に) it carries: who does what to whom."""
    found: dict[str, set[str]] = {}
    for k in range(1, len(tokens)):
        tok = tokens[k]
        if tok.pos2 != "格助詞" or tok.surface not in _ROLES:
            continue
        first = k  # the whole noun phrase: 田中さん, 在留カード
        while first > 0 and tokens[first - 1].pos1 in ("名詞", "代名詞", "接尾辞", "接頭辞"):
            first -= 1
        if first < k:
            found.setdefault("".join(t.surface for t in tokens[first:k]), set()).add(tok.surface)
    return found


def _ga_objects(tokens: list[Token]) -> set[str]:
    """Nouns marked with が as the object of a verb such as 分かる or できる (その問題が分かる)."""
    found = set()
    for k in range(1, len(tokens)):
        if tokens[k].surface != "が" or tokens[k].pos2 != "格助詞":
            continue
        for tok in tokens[k + 1 : k + 5]:
            if tok.pos1 == "動詞":
                frame = frames().get(tok.base)
                if frame is not None and frame.object_particle == "が" and not is_person(tokens[k - 1]):
                    found.add(tokens[k - 1].surface)
                break
    return found


def _persons(tokens: list[Token]) -> set[str]:
    """Noun phrases (as ``roles`` writes them) that name a person: 同じ世帯の方, 田中さん."""
    found = set()
    for k in range(1, len(tokens)):
        head = tokens[k - 1]  # 保険証 ends in a suffix too: only a person's suffix (さん, 者, 人) counts here
        if tokens[k].pos2 == "格助詞" and is_person(head) and (head.pos1 != "接尾辞" or head.surface.endswith(_PERSON_ENDS)):
            first = k
            while first > 0 and tokens[first - 1].pos1 in ("名詞", "代名詞", "接尾辞", "接頭辞"):
                first -= 1
            found.add("".join(t.surface for t in tokens[first:k]))
    return found


def role_changes(before: list[Token], after: list[Token]) -> list[str]:
    """A noun that is still there but now carries another role (田中さんに渡す → 田中さんが渡す)."""
    was, now = roles(before), roles(after)
    persons = _persons(before)
    ga_objects = _ga_objects(after)
    changed = []
    for noun, particles in was.items():
        kept = now.get(noun)
        if not kept or particles & kept:
            continue  # replaced or rebuilt by a rule (checked elsewhere), or the role is still there
        sanctioned = {(p, q) for p in particles for q in kept} & _SANCTIONED
        if sanctioned and not (noun in persons and ("が", "を") in sanctioned):
            continue  # but a person who can do it never becomes what is done (方が出せる → 方を出す)
        if "を" in particles and kept == {"が"} and any(noun.endswith(head) for head in ga_objects):
            continue  # その問題を理解する → その問題が分かる: the new verb takes its object with が
        if idiom_role_change(noun, particles, kept, before):
            continue  # 席を外しています → 席にいません, 委任状を要します → 委任状が必要です (idioms.py)
        changed.append(f"{noun}{'/'.join(sorted(particles))} → {noun}{'/'.join(sorted(kept))}")
    return [f"it would change who does what to whom ({', '.join(changed)})"] if changed else []
