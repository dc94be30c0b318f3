"""``rewrite(text)``: the whole やさしい日本語 rewrite, with furigana and an explanation of every change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from easy_japanese.analyzer import Token, analyze, has_kanji
from easy_japanese.config import RewriteOptions
from easy_japanese.engine import RuleHit, run_rules
from easy_japanese.furigana import needs_ruby, render_html, render_paren, ruby_spans
from easy_japanese.lexicon import is_everyday, load_lexicon
from easy_japanese.rules import RULES
from easy_japanese.rules.base import Context
from easy_japanese.rules.protect import protected_mask
from easy_japanese.wakachi import wakachigaki
from pipelines.base import RubySpan

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
        return list(dict.fromkeys(hit.rule_id for hit in self.rules))

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
        }


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def honorifics_in(tokens: list[Token]) -> list[str]:
    """Honorific or humble words still present (ありがとうございます and お願いします are not 敬語 here)."""
    found = []
    for i, tok in enumerate(tokens):
        if tok.lemma not in _HONORIFIC_LEMMAS and not (tok.lemma == "居る" and tok.base == "おる"):
            continue
        prev = tokens[i - 1] if i else None
        if tok.lemma in ("御座る", "ござる") and prev is not None and prev.surface.endswith("う"):
            continue
        found.append(tok.surface)
    return found


def difficult_words(text: str, tokens: list[Token], options: RewriteOptions) -> list[str]:
    """Content words that are rare and that neither our dictionary nor the glossary covers."""
    mask = protected_mask(text)
    lexicon = load_lexicon()
    words = []
    for tok in tokens:
        if not tok.is_content or tok.pos2 in ("固有名詞", "数詞") or any(mask[tok.start : tok.end]):
            continue
        if tok.base in lexicon or not has_kanji(tok.surface):
            continue
        if needs_ruby(tok.surface, tok.base, options) and not is_everyday(tok.base, 3.5, tok.surface):
            words.append(tok.surface)
    return list(dict.fromkeys(words))


def rewrite(text: str, *, options: RewriteOptions | None = None) -> Rewrite:
    """Rewrites ``text`` into やさしい日本語. Never raises on odd input; empty text gives an empty result."""
    options = options or RewriteOptions()
    source = (text or "")[:MAX_INPUT_CHARS]
    ctx = Context(options)
    result, hits = run_rules(source, RULES, ctx) if source.strip() else (source, [])
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
        unknown_difficult_words=tuple(difficult_words(display, tokens, options)),
        honorifics_left=tuple(honorifics_in(tokens)),
    )
