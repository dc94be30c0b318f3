"""The type of a sentence, read from its main (last) predicate: statement, question, permission
(〜てもいいですか, 〜させていただけますか), request (〜てください, 〜ていただけますか, お願いします), instruction
(命令形, 〜すること。) or prohibition (〜ないでください, 〜てはいけない, お忘れなく). Part of the meaning guard."""

from __future__ import annotations

from easy_japanese.analyzer import Token

GIVING = {"頂く", "貰う", "呉れる", "下さる"}
CAUSATIVE = {"せる", "させる"}
_QUESTION_WORDS = {"どこ", "何処", "いつ", "何時", "何", "なに", "なん", "誰", "だれ", "どう", "なぜ", "何故", "いくら", "どれ", "どの", "どちら", "どっち", "いくつ", "どんな"}


def predicate_chain(words: list[Token]) -> tuple[int, list[Token]]:
    """(index of the head, the helpers after it): 書いて|いただけ|ます|か → head 書い."""
    k = len(words) - 1
    while k > 0:
        tok, prev = words[k], words[k - 1]
        helper = tok.pos1 in ("助動詞", "終助詞") or (tok.pos1 == "助詞" and tok.pos2 in ("終助詞", "接続助詞"))
        helper = helper or (tok.pos2 == "非自立可能" and prev.surface in ("て", "で", "く", "に"))
        helper = helper or (tok.pos1 == "接尾辞" and tok.pos2 == "動詞的")
        if not helper:
            break
        k -= 1
    return k, words[k + 1 :]



def _ends_in_question_particle(chain: list[Token]) -> bool:
    """か, の, かしら, and かな (read as か + な): 晴れるかな and 晴れるかしら ask the same thing."""
    ends = [t.surface for t in chain[-2:] if t.pos1 == "助詞"]
    return bool(ends) and (ends[-1] in ("か", "かな", "かしら", "の") or ends[-2:] == ["か", "な"])


def sentence_kind(words: list[Token], question_mark: bool) -> str:
    if not words:
        return "statement"
    head, chain = predicate_chain(words)
    question = question_mark or _ends_in_question_particle(chain)
    if _prohibits(words, chain):
        return "prohibition"
    if question and _asks_what(words, head):
        return "question"  # どこで会っていただけますか asks where: it is a question, not a plain request
    if question and _asks_permission(words, head, chain):
        return "permission"
    if question and _asks_a_favour(words, head, chain):
        return "request"
    if question:
        return "question"
    if any(t.lemma == "下さる" and t.cform.startswith("命令形") for t in chain) or words[head].surface in ("ください", "下さい"):
        return "request"
    if words[head].lemma == "願う" or (head > 0 and words[head].lemma in ("為る", "致す", "申し上げる") and words[head - 1].lemma in ("願う", "願い")):
        return "request"
    if any(t.cform.startswith("命令形") for t in [words[head], *chain]):
        return "instruction"
    if words[head].lemma == "事" and head > 0 and words[head - 1].pos1 in ("動詞", "助動詞") and not chain:
        return "instruction"  # notices: 書類を提出すること。
    return "statement"


def _asks_what(words: list[Token], head: int) -> bool:
    """A question word that the sentence asks about; not one inside an embedded question, closed by its
    own か before the main predicate: the どう of かどうか ("whether": 必要かどうか、ご確認いただけますか is a
    request to check), どうすればいいか、教えていただけますか (a request to tell)."""
    for k, tok in enumerate(words):
        embedded = any(w.surface == "か" and w.pos1 == "助詞" for w in words[k + 1 : head])
        if (tok.lemma in _QUESTION_WORDS or tok.surface in _QUESTION_WORDS) and not embedded:
            return True
    return False


def _asks_permission(words: list[Token], head: int, chain: list[Token]) -> bool:
    """〜させていただけますか, 〜てもいいですか, 〜てもよろしいでしょうか: may I …?"""
    around = words[max(0, min(head - 1, len(words) - 7)) :]
    if any(t.lemma in CAUSATIVE for t in around) and any(t.lemma in GIVING for t in around):
        return True
    for k in range(len(around) - 2):
        if around[k].surface in ("て", "で") and around[k + 1].surface == "も":
            return around[k + 2].lemma in ("良い", "いい", "宜しい", "構う", "かまう")
    return False


def _asks_a_favour(words: list[Token], head: int, chain: list[Token]) -> bool:
    """〜ていただけますか, ご記入いただけますか, 〜てもらえませんか, 〜てくれますか: please do …"""
    around = words[max(0, head - 2) : head + 1] + chain
    for k, tok in enumerate(around):
        if tok.lemma in GIVING and k > 0 and not _receives_plainly(tok):
            before = around[k - 1]
            if before.surface in ("て", "で") or (k > 1 and around[k - 2].surface in ("お", "ご", "御")):
                return True
    return False


def _receives_plainly(tok: Token) -> bool:
    """書いてもらいますか / 書いていただきますか ask what will happen (who will write it?), not for a
    favour: only the potential form (もらえますか, いただけますか) or くれる / くださる asks someone to do it."""
    return tok.lemma in ("貰う", "頂く") and not tok.base.endswith(("える", "ける"))


def _prohibits(words: list[Token], chain: list[Token]) -> bool:
    """〜ないでください, 〜てはいけません, 〜ないこと。, 〜禁止: the resident is told not to do something."""
    for k in range(len(chain) - 1):
        if chain[k].lemma == "ない" and chain[k + 1].surface == "で" and any(t.lemma in GIVING for t in chain[k:]):
            return True  # 〜ないでください, 〜ないでいただけませんか: please do not
    for k, tok in enumerate(words[:-1]):
        if tok.surface in ("て", "で") and words[k + 1].surface == "は" and k + 2 < len(words) and k > 0:
            negated = words[k - 1].lemma in ("ない", "無い")  # 〜なくてはならない is an obligation
            if (words[k + 2].lemma in ("いける", "行ける", "成る", "駄目") or words[k + 2].surface.startswith("いけ")) and not negated:
                return True
    last = words[-1]
    if len(words) > 2 and last.lemma == "無い" and last.surface == "なく" and words[-3].surface in ("お", "ご", "御"):
        return True  # お忘れなく, ご心配なく: "please do not" with the verb left unsaid
    if last.lemma == "事" and len(words) > 1 and words[-2].lemma == "ない" and not chain:
        return True
    return last.lemma == "禁止"
