"""Difficult words → easier words, from our written dictionary (``data/easy_words.tsv``).

Three rules share the dictionary: abbreviations are expanded (健診 → 健康診断), verbs and サ変 nouns
become everyday verbs conjugated like the original (提出してください → 出してください), and other words,
adverbs and adjectives are swapped only where the grammar around them stays right (a word inside a
compound such as 確認書類, or before する/される, is left for the other rules or kept).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from easy_japanese.analyzer import Token, analyze
from easy_japanese.arguments import Fitted, fit_to_arguments, governed_particles, is_intransitive, is_time
from easy_japanese.lexicon import LexEntry, load_lexicon, string_index
from easy_japanese.rules.base import Context, Edit, is_prefix_o, next_token, prev_token, swap_verb
from easy_japanese.rules.protect import is_protected, protected_mask
from easy_japanese.wellformed import ga_before, is_person

_SURU = {"為る", "出来る"}
_VOICE_AUX = {"れる", "られる", "せる", "させる"}
_SUFFIX_HEADS = ("分", "末", "中", "頃", "号", "初", "以降", "以内", "以前")
_COPULA = {"です", "だ", "な", "の", "でし", "だっ", "で", "じゃ"}
_PARTS_OF_A_MONTH = frozenset(["上旬", "中旬", "下旬"])  # 6月中旬 → 6月中ごろ: a date, not a compound noun
_KINDS_OF_DAY = frozenset(["休日", "平日", "夜間", "祝日", "土日", "早朝", "深夜"])


@lru_cache(maxsize=2048)
def _ends_in_predicate(easy: str) -> bool:
    """True when the easy side ends in a verb or adjective (まだ払っていない), not in a noun."""
    tokens = analyze(easy)
    if not tokens or easy.endswith("な"):
        return bool(tokens)
    last = tokens[-1]  # しめきり is a verb stem used as a noun: not a predicate
    return last.pos1 in ("動詞", "形容詞", "助動詞") and last.cform.startswith(("終止形", "連体形"))


@lru_cache(maxsize=2048)
def _is_phrase(easy: str) -> bool:
    """A noun phrase of several words (全部のお金), not one word (全部)."""
    return any(tok.surface == "の" for tok in analyze(easy)[:-1])


def _is_time_phrase(head: Token, easy: str) -> bool:
    """けさ起きた → 今日の朝起きた: a time phrase still works as an adverb."""
    return head.pos3 == "副詞可能" or is_time(analyze(easy)[-1])


def _joins(prev: Token) -> bool:
    """A noun before a word makes a compound, except time and reason words (昨日 夕食, ため 辞職)."""
    return (prev.pos1 == "名詞" and prev.pos3 != "副詞可能") or prev.pos1 == "形状詞"  # 有効期限


def _in_compound(tokens: list[Token], first: int, last: int) -> bool:
    prev, nxt = prev_token(tokens, first), next_token(tokens, last)
    if prev is not None and (_joins(prev) or (prev.pos1 == "接頭辞" and not is_prefix_o(prev))):
        return True
    return nxt is not None and (nxt.pos1 in ("接尾辞", "接頭辞") or (nxt.pos1 == "名詞" and nxt.pos2 != "数詞"))


def _time_word_before_noun(tokens: list[Token], first: int, last: int, entry: LexEntry) -> bool:
    """昨夜 手紙を書いた: a time word before a noun is not a compound; its easy side (きのうの夜) is a phrase."""
    prev = prev_token(tokens, first)
    if first != last or tokens[first].pos3 != "副詞可能" or (prev is not None and prev.pos1 in ("名詞", "接頭辞")):
        return False
    if tokens[first].surface in _KINDS_OF_DAY:
        return False  # 休日窓口, 平日夜間: the name of a service (休みの日窓口 would not be Japanese)
    nxt, after = next_token(tokens, last), next_token(tokens, last + 1)
    if after is not None and after.pos1 in ("名詞", "接尾辞", "接頭辞"):
        return False  # 休日夜間急患センター: a name made of nouns, not a time word before a noun
    return nxt is not None and nxt.pos1 == "名詞" and len(analyze(entry.easy)) > 1


def _string_matches(text: str, tokens: list[Token]) -> list[tuple[int, int, LexEntry]]:
    """(first token, last token, entry) for dictionary words that start and end on token edges."""
    ends = {tok.end: k for k, tok in enumerate(tokens)}
    index = string_index()
    found = []
    for i, tok in enumerate(tokens):
        for entry in index.get(text[tok.start], ()):
            end = tok.start + len(entry.word)
            if text.startswith(entry.word, tok.start) and end in ends:
                found.append((i, ends[end], entry))
                break
    return found


def abbreviations(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """健診 → 健康診断, 国保 → 国民健康保険: residents look up and recognise the full word."""
    mask = protected_mask(text)
    edits = []
    for first, last, entry in _string_matches(text, tokens):
        start, end = tokens[first].start, tokens[last].end
        if entry.kind != "abbr" or is_protected(mask, start, end) or text.startswith(entry.easy, start):
            continue
        if _in_compound(tokens, first, last):  # 妊婦健診 is the name of a programme: left as it is written
            continue
        edits.append(Edit(start, end, entry.easy, "vocabulary.abbreviation"))
    return edits


def _needs_ni(head: Token, nxt: Token | None, entry: LexEntry) -> bool:
    """A time word used as an adverb (来月 結婚する) replaced by a noun phrase (次の月) needs に."""
    if head.pos3 != "副詞可能" or nxt is None or nxt.pos1 in ("助詞", "助動詞", "補助記号", "接尾辞"):
        return False
    easy = analyze(entry.easy)
    return any(t.surface == "の" for t in easy) and easy[-1].pos1 == "名詞" and easy[-1].pos3 != "副詞可能"


def _word_edit(text: str, tokens: list[Token], first: int, last: int, entry: LexEntry) -> Edit | None:
    head, nxt = tokens[first], next_token(tokens, last)
    if head.pos1 == "接尾辞" or (entry.kind == "n" and head.pos1 in ("動詞", "形容詞")):
        return None
    if entry.easy == entry.word and not _drops_honorific_prefix(tokens, first):
        return None  # an entry that marks a word easy changes nothing but an honorific お/ご (ご希望 → 希望)
    if nxt is not None and nxt.lemma in _SURU:
        return None
    prev = prev_token(tokens, first)
    if head.pos3 == "副詞可能" and prev is not None and (prev.pos2 == "数詞" or prev.pos3 == "助数詞"):
        return None  # 4月1日現在 ("as of April 1"): 4月1日今 would not be Japanese
    if nxt is not None and nxt.start == tokens[last].end and nxt.surface.startswith(_SUFFIX_HEADS) and nxt.pos1 != "接尾辞":
        return None  # 翌月分から: 分 belongs to the word (the analyser reads 分から as 分かる); 来月末, 今年中
    if nxt is not None and nxt.pos1 == "動詞" and nxt.start == tokens[last].end and _is_phrase(entry.easy) and not _is_time_phrase(head, entry.easy):
        return None  # 全額払う: a noun used as an adverb cannot become a noun phrase (全部のお金払う)
    after = next_token(tokens, last + 1)
    if nxt is not None and nxt.surface == "を" and after is not None and after.lemma in _SURU:
        return None  # 食事をする is an action: ご飯をする would not be Japanese
    if entry.kind == "adv" and (nxt is None or nxt.surface in _COPULA or (nxt.pos1 == "補助記号" and nxt.surface not in "、，,")):
        return None  # ただいま。 is a greeting ("I'm home"); ただいま、混み合っております is "now"
    if entry.kind == "adv" and nxt is not None and nxt.surface in "、，," and not _predicate_follows(tokens, last + 1):
        return None  # ただいま、お母さん。: a greeting, with no predicate for the adverb to go with
    joins_nouns = head.pos1 == "接続詞"  # 在留カード及び写真, 保険証又は…: a conjunction is no part of a compound
    joins_nouns = joins_nouns or (head.surface in _PARTS_OF_A_MONTH and first > 1 and tokens[first - 1].surface == "月")
    if entry.kind != "adv" and not joins_nouns and _in_compound(tokens, first, last) and not _time_word_before_noun(tokens, first, last, entry):
        return None
    start, end = head.start, tokens[last].end
    if prev is not None and is_prefix_o(prev):
        start = prev.start
    if entry.kind == "adv" and entry.easy.endswith("、") and nxt is not None and nxt.surface in "、，,":
        return Edit(start, end, entry.easy[:-1], "vocabulary.word")  # ただいま、 → 今、 (not 今、、)
    if _needs_ni(head, nxt, entry):
        return Edit(start, end, entry.easy + "に", "vocabulary.word")  # 来月結婚する → 次の月に結婚する
    if entry.kind == "n" and _ends_in_predicate(entry.easy) and nxt is not None:
        if (stem := _stem_before_sugiru(entry.easy, nxt)) is not None:  # 困難すぎる → 難しすぎる (not 難しいすぎる)
            return Edit(start, nxt.end, stem + nxt.surface, "vocabulary.word")  # the hit shows the whole word
        if nxt.surface == "に" or (nxt.pos1 == "助詞" and nxt.surface not in ("の", "な", "か")):
            # a predicate cannot take a case particle (妊娠が → おなかに赤ちゃんがいるが); a noun form can (困難を → 難しいことを)
            becomes = nxt.surface == "に" and next_token(tokens, last + 1) is not None and tokens[last + 2].lemma in _SURU | {"成る"}
            return Edit(start, end, entry.noun_easy, "vocabulary.word") if entry.noun_easy and not becomes else None  # 困難になる
        if nxt.surface in ("の", "な", "だ"):
            end = nxt.end  # 不明な点 → 分からない点, 所定の紙 → 決められた紙
        past = _past_of_predicate(entry.easy, nxt, next_token(tokens, last + 1))
        if past is not None:  # 不明だった → 分からなかった, 高価でした → 高かったです (not 分からないだった)
            return Edit(start, past[0], past[1], "vocabulary.word")
    return Edit(start, end, entry.easy, "vocabulary.word")


def _predicate_follows(tokens: list[Token], k: int) -> bool:
    """A verb, adjective or copula after tokens[k] in the same sentence."""
    for tok in tokens[k + 1 :]:
        if tok.surface in ("。", "！", "？", "!", "?"):
            return False
        if tok.pos1 in ("動詞", "形容詞", "助動詞"):
            return True
    return False


# nouns whose お is part of the everyday word (お知らせ is the notice; 知らせ alone reads as news)
_O_NOUNS = frozenset(["お知らせ", "お金", "お茶", "お湯", "お礼", "お釣り", "お菓子", "お土産", "お祭り", "お手洗い"])


def _drops_honorific_prefix(tokens: list[Token], first: int) -> bool:
    prev = prev_token(tokens, first)
    return prev is not None and is_prefix_o(prev) and prev.surface + tokens[first].surface not in _O_NOUNS


def _stem_before_sugiru(easy: str, nxt: Token) -> str | None:
    """The stem of an easy side ending in an い-adjective, before すぎる or そう (難し, よ of いい)."""
    if not ((nxt.lemma == "過ぎる" and nxt.pos2 == "非自立可能") or nxt.lemma == "そう-様態"):
        return None
    last = analyze(easy)[-1]
    if last.pos1 != "形容詞" or not easy.endswith("い"):
        return None
    return easy[:-2] + "よ" if easy.endswith("いい") and last.lemma in ("良い", "いい") else easy[:-1]


def _misspelt_adjective(tok: Token, nxt: Token | None) -> Edit | None:
    """高価すぎる: the analyser reads 高価 as 高い written another way (lemma 高い, stem 高価); our entry
    (高価 → 高い) gives its usual spelling: 高すぎる, 高そうな. The edit takes the すぎる / そう after the
    stem with it, so the explanation and ``check()`` say 高価すぎる → 高すぎる, not 高価 → 高."""
    entry = load_lexicon().get(tok.surface)
    if entry is None or entry.kind != "n" or entry.easy != tok.lemma or not tok.cform.startswith("語幹"):
        return None
    if nxt is not None and nxt.start == tok.end and (nxt.lemma in ("過ぎる", "そう-様態") or nxt.pos1 == "接尾辞"):
        return Edit(tok.start, nxt.end, entry.easy[:-1] + nxt.surface, "vocabulary.word")
    return Edit(tok.start, tok.end, entry.easy[:-1], "vocabulary.word")


def _past_of_predicate(easy: str, copula: Token, after: Token | None) -> tuple[int, str] | None:
    """(end, text) for an easy side ending in an adjective or ない, put in the past of the copula after
    the word: だった → 〜かった, でした → 〜かったです. None for anything else (the rule then leaves the
    copula to the guard, which refuses 高いだった)."""
    if after is None or after.lemma != "た" or copula.surface not in ("だっ", "でし"):
        return None
    last = analyze(easy)[-1]
    if not (last.pos1 == "形容詞" or (last.pos1 == "助動詞" and last.lemma in ("無い", "ない", "たい"))) or not easy.endswith("い"):
        return None
    stem = easy[:-2] + "よかっ" if easy.endswith("いい") and last.lemma in ("良い", "いい") else easy[:-1] + "かっ"
    return after.end, stem + ("た" if copula.surface == "だっ" else "たです")


def words(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """Nouns, adverbs and adjectives: 氏名 → 名前, 至急 → すぐに, 望ましい → よい."""
    mask = protected_mask(text)
    edits = []
    for first, last, entry in _string_matches(text, tokens):
        if entry.kind in ("n", "adv") and not is_protected(mask, tokens[first].start, tokens[last].end):
            edit = _word_edit(text, tokens, first, last, entry)
            if edit is not None:
                edits.append(edit)
    lexicon = load_lexicon()
    for k, tok in enumerate(tokens):
        adjective = lexicon.get(tok.base)
        if adjective is not None and adjective.kind == "a" and tok.pos1 == "形容詞" and not is_protected(mask, tok.start, tok.end):
            stem = adjective.easy[:-1]
            edits.append(Edit(tok.start, tok.end, stem + tok.surface[len(adjective.word) - 1 :], "vocabulary.word"))
        elif tok.pos1 == "形容詞" and tok.surface != tok.lemma[:-1] and not is_protected(mask, tok.start, tok.end):
            edits += [edit for edit in [_misspelt_adjective(tok, next_token(tokens, k))] if edit is not None]
    return edits


def _suru_noun_edits(tokens: list[Token], i: int, entry: LexEntry, start: int | None = None) -> list[Edit]:
    tok, nxt = tokens[i], next_token(tokens, i)
    prev = prev_token(tokens, i)
    if start is None:
        start = prev.start if prev is not None and is_prefix_o(prev) else tok.start
    if nxt is not None and nxt.lemma == "出来る" and nxt.surface.startswith("でき") and _ends_in_predicate(entry.easy):
        return _can_do_edits(tokens, i, entry, start)  # 出席できない → 出ることができない
    if nxt is not None and nxt.surface in ("に", "の") and prev is not None and _sahen_after_no(tokens, i, start):
        return _noun_clause_edits(tokens, i, entry, start)
    if nxt is not None and nxt.lemma == "為る":
        after = next_token(tokens, i + 1)
        if after is not None and after.lemma in _VOICE_AUX:
            return []
        fitted = fit_to_arguments(tokens, i, _without_own_helper(tokens, i + 1, entry.easy))
        return _with_particle(tokens, swap_verb(tokens, i + 1, fitted.easy, "vocabulary.verb", start=start), fitted)
    # 審査の結果 is left: 調べることの結果 is not Japanese (a こと phrase does not modify a noun with の)
    before_no = nxt is not None and nxt.surface == "の" and entry.noun_easy.endswith("こと")
    if entry.noun_easy and (nxt is None or nxt.lemma not in _SURU) and not before_no and not _in_compound(tokens, i, i):
        return [Edit(start, tok.end, entry.noun_easy, "vocabulary.verb")]
    return []


def _without_own_helper(tokens: list[Token], i: int, easy: str) -> str:
    """保管しておく → しまっておく, not しまっておいておく: an easy side that ends in the helper verb
    (ておく, ている) the sentence has after する already gives that helper to the sentence."""
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    if after is None or tokens[i + 1].surface not in ("て", "で") or after.pos2 != "非自立可能":
        return easy
    parts = analyze(easy)
    if len(parts) >= 3 and parts[-1].lemma == after.lemma and parts[-2].surface in ("て", "で") and parts[-3].pos1 == "動詞":
        return "".join(t.surface for t in parts[:-3]) + parts[-3].base
    return easy


def _with_particle(tokens: list[Token], edits: list[Edit], fitted: Fitted) -> list[Edit]:
    """The verb's edits and the particle its arguments need (その問題を → その問題が), kept or refused together."""
    if fitted.particle is None or not edits:
        return edits
    k, particle = fitted.particle
    unit = edits[0].start
    together = [dataclasses.replace(edit, unit=unit) for edit in edits]
    return [Edit(tokens[k].start, tokens[k].end, particle, edits[0].rule_id, unit=unit), *together]


def _can_do_edits(tokens: list[Token], i: int, entry: LexEntry, start: int) -> list[Edit]:
    """在留カードが確認できます → 在留カードを確かめることができます: the thing done takes を."""
    edits = [Edit(start, tokens[i].end, fit_to_arguments(tokens, i, entry.easy).easy + "ことが", "vocabulary.verb", unit=start)]
    ga = ga_before(tokens, i)
    if ga is not None and ga > 0 and not is_person(tokens[ga - 1]):
        if tokens[ga - 1].pos1 not in ("名詞", "代名詞") or is_intransitive(_easy_verb(entry)):
            return []
        edits.append(Edit(tokens[ga].start, tokens[ga].end, "を", "vocabulary.verb", unit=start))
    return edits


def _easy_verb(entry: LexEntry) -> str:
    tokens = analyze(entry.easy)
    verbs = [t for t in tokens if t.pos1 == "動詞"]
    return verbs[-1].base if verbs else ""


def _sahen_after_no(tokens: list[Token], i: int, start: int) -> bool:
    """申請書の(ご)提出に(は): a サ変 noun after の, before に or の際."""
    k = next((k for k, t in enumerate(tokens) if t.start == start), i)
    before = tokens[k - 1] if k > 0 else None
    return before is not None and before.surface == "の" and before.pos2 == "格助詞" and k >= 2 and tokens[k - 2].pos1 in ("名詞", "接尾辞", "代名詞")


def _noun_clause_edits(tokens: list[Token], i: int, entry: LexEntry, start: int) -> list[Edit]:
    """申請書のご提出には → 申請書を出すには (in order to); 書類の提出の際は → 書類を出すときは."""
    nxt = tokens[i + 1]
    verb = _easy_verb(entry)
    if not verb or is_intransitive(verb) or not _ends_in_predicate(entry.easy):
        return []
    no = [t for t in tokens if t.end <= start and t.surface == "の"][-1]
    if nxt.surface == "の":  # の際 / の時 / のとき
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if after is None or after.lemma not in ("際", "時"):
            return []
        end, easy = after.end, entry.easy + "とき"
    else:
        end, easy = tokens[i].end, entry.easy
    return [Edit(no.start, no.end, "を", "vocabulary.verb", unit=start), Edit(start, end, easy, "vocabulary.verb", unit=start)]


def _main_verb(tokens: list[Token], i: int) -> bool:
    """仕事を終えた (a verb of its own), not 読み終えた or 書いておく (a helper after another verb)."""
    prev = prev_token(tokens, i)
    return prev is not None and prev.pos1 in ("助詞", "副詞", "代名詞") and prev.surface not in ("て", "で")


def verbs(text: str, tokens: list[Token], ctx: Context) -> list[Edit]:
    """Verbs and サ変 nouns: 記入してください → 書いてください, 赴きます → 行きます."""
    mask = protected_mask(text)
    lexicon = load_lexicon()
    edits: list[Edit] = []
    for i, tok in enumerate(tokens):
        if is_protected(mask, tok.start, tok.end):
            continue
        if tok.pos1 == "動詞" and (easy_stem := _causative_entry(tokens, i)) is not None:
            edits.append(Edit(tok.start, tok.end, easy_stem, "vocabulary.verb"))
        elif tok.pos1 == "動詞" and (tok.pos2 != "非自立可能" or _main_verb(tokens, i)):
            entry = lexicon.get(tok.base)
            stem_with_ni = tok.cform.startswith("連用形") and next_token(tokens, i) is not None and tokens[i + 1].surface == "に"
            if stem_with_ni and entry is not None and ("て" in entry.easy or "で" in entry.easy):
                continue  # 試みに (as a trial) → やってみに is not Japanese: a helper verb after て takes no に
            if entry is not None and entry.kind == "v" and entry.easy != entry.word and not _put_in_a_place(tokens, i, entry):
                fitted = fit_to_arguments(tokens, i, entry.easy)
                edits += _with_particle(tokens, swap_verb(tokens, i, fitted.easy, "vocabulary.verb"), fitted)
        elif tok.pos1 == "名詞":
            entry = lexicon.get(tok.surface)
            prev = prev_token(tokens, i)
            if prev is not None and prev.pos1 == "接頭辞" and not is_prefix_o(prev):
                entry = lexicon.get(prev.surface + tok.surface)  # 再+発行: only the whole word counts
                if entry is not None and entry.kind == "s":
                    edits += _suru_noun_edits(tokens, i, entry, start=prev.start)
                continue
            standalone = prev is None or not _joins(prev)
            if entry is not None and entry.kind == "s" and entry.easy != tok.surface + "する" and standalone:
                edits += _suru_noun_edits(tokens, i, _asked_sense(tokens, i, entry))
    return edits


def _put_in_a_place(tokens: list[Token], i: int, entry: LexEntry) -> bool:
    """箱に納める is putting away, not paying (納める → 払う): a place with に (not a time: 末日までに, 4月に)
    and nothing paid with を."""
    if entry.word != "納める":
        return False
    given = governed_particles(tokens, i)
    places = [m for m in given.get("に", []) if m > 0 and tokens[m - 1].surface != "まで" and not is_time(tokens[m - 1])]
    return bool(places) and "を" not in given


def _asked_sense(tokens: list[Token], i: int, entry: LexEntry) -> LexEntry:
    """避難所へご確認ください, 担当者に確認してください: 確認 with someone or some office (に/へ) is asking them
    (聞く); 確かめる takes what is checked, and 避難所へ確かめて is not Japanese."""
    if entry.word != "確認":
        return entry
    k = i - 1 if i > 0 and is_prefix_o(tokens[i - 1]) else i
    for particle in ("に", "へ"):
        for m in governed_particles(tokens, k).get(particle, []):
            office = tokens[m - 1].surface == "先" and m > 1 and tokens[m - 2].pos1 == "名詞" and tokens[m - 2].pos2 != "数詞"
            # 提出先に, 勤務先に: an office, though the analyser reads 先 as a time noun (3日先に is a time)
            if m > 0 and tokens[m - 1].pos1 in ("名詞", "接尾辞", "代名詞") and (office or not is_time(tokens[m - 1])):
                return dataclasses.replace(entry, easy="聞く", noun_easy="")
    return entry


def _causative_entry(tokens: list[Token], i: int) -> str | None:
    """The analyser reads 済ませる as 済む + せる, so its entry (済ませる → 終わらせる) is found from the stem
    and the せる after it; the stem is replaced by the easy verb's stem (済ま → 終わら), せる stays."""
    after = next_token(tokens, i)
    if after is None or after.lemma != "せる" or not tokens[i].cform.startswith("未然形"):
        return None
    entry = load_lexicon().get(tokens[i].surface + "せる")
    if entry is None or entry.kind != "v" or not entry.easy.endswith("せる") or entry.easy == entry.word:
        return None
    return entry.easy[:-2]
