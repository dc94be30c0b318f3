"""``rewrite(text)``: the whole やさしい日本語 rewrite, with furigana and an explanation of every change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from easy_japanese.analyzer import Token, analyze, has_kanji
from easy_japanese.config import RewriteOptions
from easy_japanese.engine import RuleHit, run_rules
from easy_japanese.furigana import RubySpan, needs_ruby, render_html, render_paren, ruby_spans
from easy_japanese.lexicon import LexEntry, is_everyday, load_lexicon
from easy_japanese.rules import RULES
from easy_japanese.rules.base import Context
from easy_japanese.rules.gloss import explained_spans
from easy_japanese.rules.honorific import prefixed_action_at
from easy_japanese.rules.honorific_passive import honorific_passive_at
from easy_japanese.rules.protect import protected_mask
from easy_japanese.wakachi import wakachigaki

MAX_INPUT_CHARS = 20_000  # longer input is cut (the relay never sends this much in one utterance)
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*|\n+")
_HONORIFIC_LEMMAS = frozenset(
    ["いらっしゃる", "仰る", "申す", "申し上げる", "参る", "伺う", "拝見", "差し上げる", "頂く", "召し上がる", "為さる", "致す", "御座る", "ござる", "存じる", "承る"]
)


@dataclass(frozen=True)
class TokenInfo:
    surface: str
    reading: str
    pos: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"surface": self.surface, "reading": self.reading, "pos": self.pos, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Rewrite:
    source: str
    text: str
    sentences: tuple[str, ...]
    tokens: tuple[TokenInfo, ...]
    ruby: tuple[RubySpan, ...]
    html: str
    rules: tuple[RuleHit, ...]
    unknown_difficult_words: tuple[str, ...] = ()
    honorifics_left: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def rule_ids(self) -> list[str]:
        """Rules that changed something (refusals are not counted)."""
        return list(dict.fromkeys(hit.rule_id for hit in self.rules if hit.applied))

    @property
    def refusals(self) -> tuple[RuleHit, ...]:
        """Changes the guard refused: the text there is left as is (``note`` says why)."""
        return tuple(hit for hit in self.rules if not hit.applied)

    @property
    def confidence(self) -> float:
        """1.0 when everything hard was made easy; lower for each refusal, hard word and honorific left."""
        return confidence_of(self)

    def with_paren_ruby(self) -> str:
        return render_paren(self.text, self.ruby)

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "text": self.text,
            "sentences": list(self.sentences),
            "tokens": [t.to_dict() for t in self.tokens],
            "ruby": [{"start": r.start, "end": r.end, "reading": r.reading} for r in self.ruby],
            "html": self.html,
            "rules": [hit.to_dict() for hit in self.rules],
            "unknown_difficult_words": list(self.unknown_difficult_words),
            "honorifics_left": list(self.honorifics_left),
            "confidence": self.confidence,
        }


REFUSAL_COST = 0.15  # a change that had to be left out: the sentence is less easy than it should be
UNKNOWN_WORD_COST = 0.12
HONORIFIC_COST = 0.15
NOTICE_WORD_ZIPF = 4.5  # a サ変 noun rarer than this, left as a noun, is counted (廃止 4.4, 発送 4.1; 成功 5.1)
CONFIDENCE_FLOOR = 0.2


def confidence_of(result: Rewrite) -> float:
    if not result.text.strip():
        return 1.0
    refused_spans = {(hit.start, hit.end) for hit in result.refusals}
    cost = (
        REFUSAL_COST * len(refused_spans)
        + UNKNOWN_WORD_COST * len(result.unknown_difficult_words)
        + HONORIFIC_COST * len(result.honorifics_left)
    )
    return round(max(CONFIDENCE_FLOOR, 1.0 - cost), 3)


def sentence_chunks(text: str) -> list[tuple[int, str]]:
    """(offset, chunk) pieces that join back to ``text``: one sentence each, with what follows it.

    Sentence ends inside brackets or quotes (「…。」と書いてください) do not end the chunk."""
    chunks, start, depth = [], 0, 0
    for k, ch in enumerate(text):
        depth += ch in "「（(『【"
        depth -= ch in "」）)』】" and depth > 0
        if depth == 0 and ch in "。！？!?\n" and (k + 1 == len(text) or text[k + 1] not in "。！？!?」）)\n \t"):
            chunks.append((start, text[start : k + 1]))
            start = k + 1
    if start < len(text):
        chunks.append((start, text[start:]))
    return chunks


def rewrite_sentences(source: str, ctx: Context, guarded: bool) -> tuple[str, list[RuleHit]]:
    """Each sentence on its own (the guard compares a sentence with its rewrite), offsets into ``source``."""
    pieces, hits = [], []
    for offset, chunk in sentence_chunks(source):
        if not chunk.strip():
            pieces.append(chunk)
            continue
        out, chunk_hits = run_rules(chunk, RULES, ctx, guarded)
        pieces.append(out)
        hits += [hit.shifted(offset) for hit in chunk_hits]
    return "".join(pieces), hits


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def honorifics_in(tokens: list[Token]) -> list[str]:
    """Honorific or humble words still present (ありがとうございます and お願いします are not 敬語 here)."""
    found = []
    for i, tok in enumerate(tokens):
        if honorific_passive_at(tokens, i):  # 住所を変更された方: 尊敬語 the rule could not tell from a passive
            noun = tokens[i - 2].surface if i >= 2 and tokens[i - 1].lemma == "為る" and tokens[i - 2].pos1 == "名詞" else ""
            found.append(noun + tokens[i - 1].surface + tok.surface)
            continue
        if _prefixed_stem_before_no(tokens, i):
            found.append(tokens[i - 1].surface + tok.surface)  # お越しの際, お持ちの上: 尊敬語 no rule made plain
            continue
        if prefixed_action_at(tokens, i):
            found.append(tok.surface + tokens[i + 1].surface)  # ご相談は: the rule drops it; left only where it could not
            continue
        if tok.surface == "いで" and i and tokens[i - 1].surface in ("お", "御"):
            found.append("おいで")  # おいでです: いらっしゃる (is here, comes), left where it is ambiguous
            continue
        if tok.lemma not in _HONORIFIC_LEMMAS and not (tok.lemma == "居る" and tok.base == "おる"):
            continue
        if tok.lemma == "為さる" and tok.cform.startswith("命令形"):
            continue  # 書きなさい is a plain command (what teachers say), not 敬語
        prev = tokens[i - 1] if i else None
        if tok.lemma in ("御座る", "ござる") and prev is not None and prev.surface.endswith("う"):
            continue
        found.append(tok.surface)
    return found


def _prefixed_stem_before_no(tokens: list[Token], i: int) -> bool:
    """お + a verb's 連用形 + の (お越しの際, お読みの方): the resident's action said politely."""
    tok = tokens[i]
    return (0 < i < len(tokens) - 1 and tokens[i - 1].surface in ("お", "御") and tokens[i - 1].pos1 == "接頭辞"
            and tok.pos1 == "動詞" and tok.cform.startswith("連用形") and tokens[i + 1].surface == "の")


def difficult_words(text: str, tokens: list[Token], options: RewriteOptions, refused: frozenset[str] = frozenset()) -> list[str]:
    """Content words that are rare and left as they are: not a glossary term, not marked easy by our
    dictionary. A word the dictionary has an easy word for counts too when it is still there (翌月分から,
    口座振替, 転出の手続き: inside a compound or a phrase the rules must leave), so the confidence falls."""
    mask = protected_mask(text)
    for start, end, _word in explained_spans(text, tokens):
        if text.startswith(("（", "("), end):  # 入管（…）: explained where it is, as a counter term is
            mask[start:end] = [True] * (end - start)
    lexicon = load_lexicon()
    words = []
    for k, tok in enumerate(tokens):
        if not tok.is_content or tok.pos2 in ("固有名詞", "数詞") or any(mask[tok.start : tok.end]):
            continue
        if any(tok.surface in source for source in refused):
            continue  # 納付 left by a refusal (お支払い, 廃止されます): that refusal lowers the confidence already, once
        entry = lexicon.get(tok.base) or lexicon.get(tok.surface)  # 高価すぎる: the analyser's base is 高価い
        if (entry is not None and entry.easy.startswith(entry.word)) or not has_kanji(tok.surface):
            continue  # 予約 → 予約する: the dictionary marks the word easy
        alone = _stands_alone(tokens, k)
        if entry is not None and entry.word == tok.surface and _counted_as_hard(entry) and alone:
            words.append(tok.surface)  # a word we have an easier word for, however common (高価, 困難, 廃止), or none (猶予)
        elif needs_ruby(tok.surface, tok.base, options) and not is_everyday(tok.base, 3.5, tok.surface) \
                and not _common_with_suffix(tokens, k):
            words.append(tok.surface)
    return list(dict.fromkeys(words))


def _counted_as_hard(entry: LexEntry) -> bool:
    """A word our dictionary has an easier word for (高価, 困難), or none that fits every sense (猶予); a 漢語
    サ変 noun left as a noun (廃止となります) only when it is not an everyday one (成功, 理解, 確認 are; 早起き,
    a 和語 word, is not counted)."""
    if entry.kind == "s":
        kango = all("\u4e00" <= ch <= "\u9fff" for ch in entry.word)
        return entry.source == "ours" and kango and not is_everyday(entry.word, NOTICE_WORD_ZIPF)
    return entry.kind in ("n", "a", "hard")


def _common_with_suffix(tokens: list[Token], k: int) -> bool:
    """冷蔵 + 庫: the analyser splits off a suffix, and the whole word (冷蔵庫) is an everyday one."""
    after = tokens[k + 1] if k + 1 < len(tokens) else None
    return after is not None and after.pos1 == "接尾辞" and is_everyday(tokens[k].surface + after.surface, 3.5)


def _stands_alone(tokens: list[Token], k: int) -> bool:
    """A word of its own, not part of a compound or a name (子育て支援センター, 津波警報)."""
    around = [tokens[j] for j in (k - 1, k + 1) if 0 <= j < len(tokens)]
    return not any(t.pos1 in ("名詞", "接頭辞", "接尾辞", "形状詞") and t.pos2 != "数詞" for t in around)


def rewrite(text: str, *, options: RewriteOptions | None = None) -> Rewrite:
    """Rewrites ``text`` into やさしい日本語. Never raises on odd input; empty text gives an empty result."""
    options = options or RewriteOptions()
    source = (text or "")[:MAX_INPUT_CHARS]
    ctx = Context(options)
    result, hits = rewrite_sentences(source, ctx, options.guard) if source.strip() else (source, [])
    display = wakachigaki(result) if options.wakachigaki and result else result
    tokens = analyze(display) if display else []
    spans = tuple(ruby_spans(display, options)) if display else ()
    return Rewrite(
        source=source,
        text=display,
        sentences=tuple(split_sentences(display)),
        tokens=tuple(TokenInfo(t.surface, t.reading, t.pos1, t.start, t.end) for t in tokens),
        ruby=spans,
        html=render_html(display, spans),
        rules=tuple(hits),
        unknown_difficult_words=tuple(difficult_words(display, tokens, options, frozenset(h.source for h in hits if not h.applied))),
        honorifics_left=tuple(honorifics_in(tokens)),
    )
