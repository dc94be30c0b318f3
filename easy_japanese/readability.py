"""``check(text)``: a readability report for clerks writing notices (like YANSIS, as an API).

Flags long sentences, difficult words and set phrases (with the easy form the rewriter uses), honorifics,
double negatives, dense kanji, grammar the guard would reject (``wellformed.py``) and every change the
rewriter had to leave out (the guard's refusals), and gives a 0–100 score (100 = nothing to fix). The suggestions are
the changes ``rewrite`` would make, so the report and the rewriter never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from easy_japanese.analyzer import analyze, has_kanji
from easy_japanese.config import RewriteOptions
from easy_japanese.engine import RuleHit
from easy_japanese.rewrite import difficult_words, rewrite, split_sentences
from easy_japanese.wellformed import problems

KANJI_RATIO_LIMIT = 0.30  # more than about one character in three in kanji is hard to read
_PENALTY = {"long_sentence": 8, "difficult_word": 4, "honorific": 5, "double_negative": 8, "kanji_density": 6,
            "grammar": 15, "left_as_is": 5, "set_phrase": 4}
# rule (prefix) → the kind of issue its change shows in the clerk's text; set phrases are told like words
# (少々お待ちください → 少し待ってください), and so are vague endings (結構です) and impersonal passives (が行われます)
_ISSUE_OF_RULE = {"honorific": "honorific", "negation.double": "double_negative", "vocabulary": "difficult_word",
                  "phrase": "set_phrase", "negation.vague": "set_phrase", "voice.passive": "set_phrase"}


@dataclass(frozen=True)
class Issue:
    kind: str  # long_sentence | difficult_word | set_phrase | honorific | double_negative | kanji_density | grammar | left_as_is
    text: str
    start: int
    end: int
    message: str
    suggestion: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end,
                "message": self.message, "suggestion": self.suggestion}


@dataclass(frozen=True)
class ReadabilityReport:
    score: int
    issues: tuple[Issue, ...]
    stats: dict[str, float] = field(default_factory=dict)
    suggestion: str = ""  # the whole text as rewrite() would put it

    def to_dict(self) -> dict[str, object]:
        return {"score": self.score, "issues": [i.to_dict() for i in self.issues], "stats": dict(self.stats),
                "suggestion": self.suggestion}


def kanji_count(text: str) -> int:
    return sum(1 for ch in text if has_kanji(ch))


def _sentence_issues(text: str, options: RewriteOptions) -> list[Issue]:
    issues, pos = [], 0
    for sentence in split_sentences(text):
        start = text.find(sentence, pos)
        pos = start + len(sentence)
        if len(sentence) > options.max_sentence_chars:
            issues.append(Issue("long_sentence", sentence, start, pos,
                                f"{len(sentence)}文字の文です。{options.max_sentence_chars}文字以内に分けてください。"))
        letters = [ch for ch in sentence if not ch.isspace() and ch not in "、。！？「」（）"]
        if letters and kanji_count(sentence) / len(letters) > KANJI_RATIO_LIMIT and kanji_count(sentence) > 4:
            issues.append(Issue("kanji_density", sentence, start, pos, "漢字が多いです。ひらがなや やさしい言葉にしてください。"))
    return issues


def _rule_issues(text: str, options: RewriteOptions) -> tuple[list[Issue], str]:
    result = rewrite(text, options=options)
    issues = []
    for hit in result.refusals:  # the rewriter could not make this easier without changing what it says
        issues.append(Issue("left_as_is", hit.source, hit.start, hit.end, f"{hit.rule_id}: {hit.note}"))
    for hit in _with_particles_joined([hit for hit in result.rules if hit.applied], text):
        kind = next((k for prefix, k in _ISSUE_OF_RULE.items() if hit.rule_id.startswith(prefix)), None)
        if kind is not None:
            start, end, shown = _changed_words(text, hit)
            issues.append(Issue(kind, text[start:end], start, end, f"{hit.rule_id}: 「{shown}」→「{hit.result}」", hit.result))
    flagged = {(i.start, i.end) for i in issues}
    for word in result.honorifics_left:  # what the rewriter had to leave: the clerk can say it plainly
        start = text.find(word)
        span = (start, start + len(word)) if start >= 0 else (0, len(text))  # never dropped: it lowered the confidence
        if span not in flagged:
            issues.append(Issue("honorific", word, *span, f"「{word}」は敬語です。ふつうの言い方にしてください。"))
    return issues, result.text


_PARTICLES = frozenset(["の", "が", "を", "に", "で"])


def _with_particles_joined(hits: list[RuleHit], text: str) -> list[RuleHit]:
    """A particle a rule changes with its word (申請の提出 → 申請を出す) is told with that word (「の提出」→
    「を出す」), not as a difficult word of its own (「の」→「を」)."""
    joined: list[RuleHit] = []
    taken = -1
    for k, hit in enumerate(hits):
        nxt = hits[k + 1] if k + 1 < len(hits) else None
        if k == taken:
            continue  # told with the particle before it
        if hit.source in _PARTICLES and hit.result in _PARTICLES and nxt is not None and nxt.rule_id == hit.rule_id \
                and 0 <= nxt.start - hit.end <= 2:
            result = hit.result + text[hit.end : nxt.start] + nxt.result
            joined.append(RuleHit(hit.rule_id, text[hit.start : nxt.end], result, hit.start, nxt.end))
            taken = k + 1
            continue
        joined.append(hit)
    return joined


def _changed_words(text: str, hit: RuleHit) -> tuple[int, int, str]:
    """(start, end, words) of a change in the clerk's text. Where an earlier rule had changed that part
    already, the change is told on the words it was made on (受け取る → もらう, on 受け取れ), not as if the
    clerk's whole phrase became its last piece (受け取れないことはありません → もらう)."""
    if not hit.replaced or hit.replaced == hit.source:
        return hit.start, hit.end, hit.source
    if 2 * _common_prefix(hit.replaced, hit.source) >= len(hit.source):
        return hit.start, hit.end, hit.source  # 再発行いたし, seen as 再発行し: the clerk wrote the whole of it
    head = analyze(hit.replaced)[:1]
    for tok in analyze(hit.source):
        if head and tok.lemma == head[0].lemma and tok.pos1 == head[0].pos1:
            return hit.start + tok.start, hit.start + tok.end, hit.replaced
    return hit.start, hit.end, hit.replaced


def _common_prefix(a: str, b: str) -> int:
    return next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _grammar_issues(text: str) -> list[Issue]:
    """What the guard would refuse in a rewrite, found in the clerk's own text (ます＋でしょうか, の＋verb …)."""
    return [Issue("grammar", text[p.start : p.end], p.start, p.end, f"文法を確かめてください: {p.message}")
            for p in problems(analyze(text))]


def check(text: str, *, options: RewriteOptions | None = None) -> ReadabilityReport:
    """Readability report for ``text``; never raises, empty text scores 100."""
    options = options or RewriteOptions()
    text = (text or "")[:20_000]
    if not text.strip():
        return ReadabilityReport(100, (), {"sentences": 0}, "")
    issues, suggestion = _rule_issues(text, options)
    for word in difficult_words(text, analyze(text), options):
        start = text.find(word)  # a word the rewriter changed is flagged already, with its easy form
        if not any(i.start < start + len(word) and start < i.end for i in issues):
            issues.append(Issue("difficult_word", word, start, start + len(word), f"「{word}」は難しい言葉です。"))
    issues += _sentence_issues(text, options)
    issues += _grammar_issues(text)
    issues.sort(key=lambda i: (i.start, i.kind))
    sentences = split_sentences(text) or [text]
    stats = {
        "sentences": float(len(sentences)),
        "mean_sentence_chars": round(sum(map(len, sentences)) / len(sentences), 1),
        "kanji_per_sentence": round(kanji_count(text) / len(sentences), 2),
        "kanji_ratio": round(kanji_count(text) / max(1, len(text.replace(" ", ""))), 3),
    }
    penalty = sum(_PENALTY[i.kind] for i in issues)
    return ReadabilityReport(max(0, 100 - penalty), tuple(issues), stats, suggestion)
