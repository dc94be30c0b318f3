"""When to call a human interpreter: low confidence, a request in words, a button, or no MT model.

One ``EscalationPolicy`` per session (it keeps the window of recent utterances). Each method returns a
``Decision`` — the reason, the queue priority and the figures behind it, for the escalation record — or
``None`` when nothing should happen. The relay enqueues the session and stores the decision.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any

STAGES = ("asr", "mt", "easy_japanese")


@dataclass
class PolicyConfig:
    low_confidence_enabled: bool = field(default=True, metadata={"help": "escalate when confidence stays low"})
    window: int = field(default=3, metadata={"help": "number of recent utterances the confidence rule looks at"})
    k_low: int = field(default=2, metadata={"help": "escalate when this many of the window are below a threshold"})
    asr_threshold: float = field(default=0.55, metadata={"help": "speech-recognition confidence below which an utterance is unsure"})
    mt_threshold: float = field(default=0.45, metadata={"help": "translation confidence below which an utterance is unsure"})
    easy_japanese_threshold: float = field(default=0.5, metadata={"help": "やさしい日本語 rewrite confidence below which it is unsure"})
    words_enabled: bool = field(default=True, metadata={"help": "escalate when someone asks for an interpreter in words"})
    extra_phrases: list[str] = field(default_factory=list, metadata={"help": "more phrases that ask for an interpreter (any language)"})
    normal_priority: int = field(default=0, metadata={"help": "queue priority of ordinary escalations"})
    urgent_priority: int = field(default=10, metadata={"help": "queue priority when the clerk marks the call urgent"})
    missing_mt_priority: int = field(default=5, metadata={"help": "queue priority when no MT model covers the language"})


@dataclass(frozen=True)
class Decision:
    reason: str  # low_confidence, asked_in_words, button, missing_mt
    priority: int
    figures: dict[str, Any]


class EscalationPolicy:
    def __init__(self, config: PolicyConfig | None = None) -> None:
        self.config = config or PolicyConfig()
        self._recent: deque[dict[str, float]] = deque(maxlen=max(1, self.config.window))
        self._extra = [normalise(p) for p in self.config.extra_phrases if p.strip()]

    def thresholds(self) -> dict[str, float]:
        cfg = self.config
        return {"asr": cfg.asr_threshold, "mt": cfg.mt_threshold, "easy_japanese": cfg.easy_japanese_threshold}

    def observe_utterance(self, stage_confidences: dict[str, float]) -> Decision | None:
        """Add one utterance's per-stage confidences; decide when k of the last N were unsure.
        Stages without a threshold are recorded but not judged. The window restarts after a decision."""
        self._recent.append(dict(stage_confidences))
        if not self.config.low_confidence_enabled:
            return None
        unsure = [self._unsure_stages(c) for c in self._recent]
        low = sum(bool(stages) for stages in unsure)
        if len(self._recent) < self.config.k_low or low < self.config.k_low:
            return None
        figures = {"window": [dict(c) for c in self._recent], "unsure_stages": unsure, "low": low,
                   "k": self.config.k_low, "n": self.config.window, "thresholds": self.thresholds()}
        self.reset()
        return Decision("low_confidence", self.config.normal_priority, figures)

    def _unsure_stages(self, confidences: dict[str, float]) -> list[str]:
        limits = self.thresholds()
        return [stage for stage, value in confidences.items() if stage in limits and value < limits[stage]]

    def reset(self) -> None:
        """Forget the window (after an escalation, or when the operator returns the session)."""
        self._recent.clear()

    def observe_text(self, text: str, lang: str) -> Decision | None:
        """Someone asked for an interpreter in words (checked in ``lang``, Japanese and English)."""
        if not self.config.words_enabled:
            return None
        matched = asks_for_interpreter(text, lang, self._extra)
        if matched is None:
            return None
        figures = {"lang": lang, "matched": matched, "text": text[:200]}
        return Decision("asked_in_words", self.config.normal_priority, figures)

    def on_missing_mt(self, lang: str) -> Decision:
        return Decision("missing_mt", self.config.missing_mt_priority, {"lang": lang})

    def on_button(self, who: str, urgent: bool = False) -> Decision:
        priority = self.config.urgent_priority if urgent else self.config.normal_priority
        return Decision("button", priority, {"who": who, "urgent": urgent})


# How people ask for a human interpreter, per resident language (written for Madoguchi).
# A text asks for an interpreter when it contains a whole ``phrase``, or a ``subject`` (the word for
# interpreter) together with a ``request`` word (please / need / call ...), and no ``negation``
# ("I don't need an interpreter"). ``spaced`` languages are matched on whole words. Matching is done on
# ``normalise``d text, so accents, width and case do not matter.
@dataclass(frozen=True)
class PhraseSet:
    subjects: tuple[str, ...]
    requests: tuple[str, ...]
    negations: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    spaced: bool = False


PHRASES: dict[str, PhraseSet] = {
    "ja": PhraseSet(
        subjects=("通訳", "つうやく", "ツウヤク"),
        requests=("お願い", "おねがい", "ください", "下さい", "呼んで", "よんで", "呼び", "頼み", "頼む", "たのみ",
                  "たのむ", "欲しい", "ほしい", "必要", "ひつよう", "いますか", "いませんか", "つないで", "代わって",
                  "かわって"),
        negations=("いらない", "要らない", "いりません", "要りません", "不要", "大丈夫", "だいじょうぶ", "結構",
                   "けっこう", "必要ない", "必要ありません"),
    ),
    "en": PhraseSet(
        subjects=("interpreter", "interpretor", "translator", "human", "real person", "someone who speaks"),
        requests=("please", "need", "want", "can i", "could i", "may i", "get me", "call", "i d like", "id like",
                  "would like", "give me", "talk to", "speak to", "is there", "have"),
        negations=("don t need", "do not need", "dont need", "no need", "not necessary", "no interpreter",
                   "without"),
        spaced=True,
    ),
    "zh": PhraseSet(
        subjects=("翻译员", "翻譯員", "口译", "口譯", "译员", "人工翻译", "人工翻譯", "翻译人员", "通译", "传译",
                  "翻译老师"),
        requests=("请", "需要", "要", "叫", "找", "有没有", "帮我", "可以"),
        negations=("不需要", "不用", "不要"),
        phrases=("我需要翻译", "需要翻译", "要翻译", "找翻译", "叫翻译", "我需要翻譯"),
    ),
    "ko": PhraseSet(
        subjects=("통역", "번역가"),
        requests=("부탁", "주세요", "필요", "불러", "원해", "있나요", "있어요", "해 주", "해주"),
        negations=("필요 없", "필요없", "괜찮", "안 필요"),
    ),
    "vi": PhraseSet(
        subjects=("thông dịch", "phiên dịch", "người dịch"),
        requests=("cần", "xin", "cho tôi", "gọi", "muốn", "giúp", "làm ơn", "có"),
        negations=("không cần",),
        spaced=True,
    ),
    "tl": PhraseSet(
        subjects=("tagasalin", "tagapagsalin", "interpreter", "translator"),
        requests=("kailangan", "paki", "pakitawag", "pakikuha", "gusto", "pwede", "puwede", "tawagan", "tulong",
                  "po"),
        negations=("hindi kailangan", "ayaw"),
        spaced=True,
    ),
    "pt": PhraseSet(
        subjects=("intérprete", "tradutor", "tradutora"),
        requests=("preciso", "quero", "por favor", "pode chamar", "chame", "chamar", "gostaria", "tem",
                  "queria", "ajuda"),
        negations=("não preciso", "não precisa"),
        spaced=True,
    ),
    "es": PhraseSet(
        subjects=("intérprete", "traductor", "traductora"),
        requests=("necesito", "quiero", "por favor", "llame", "llamar", "puede", "podría", "quisiera", "hay",
                  "busco"),
        negations=("no necesito", "no hace falta"),
        spaced=True,
    ),
    "ne": PhraseSet(
        subjects=("दोभाषे", "दोभाषिया", "अनुवादक"),
        requests=("चाहियो", "चाहिन्छ", "बोलाउनुहोस्", "बोलाइदिनुहोस्", "कृपया", "दिनुहोस्", "पाउँ"),
        negations=("चाहिँदैन", "चाहिदैन", "पर्दैन"),
    ),
    "id": PhraseSet(
        subjects=("penerjemah", "penterjemah", "juru bahasa", "interpreter"),
        requests=("perlu", "butuh", "tolong", "minta", "mau", "panggil", "panggilkan", "bisa", "ada", "ingin"),
        negations=("tidak perlu", "tidak butuh", "nggak perlu", "gak perlu"),
        spaced=True,
    ),
    "th": PhraseSet(
        subjects=("ล่าม",),
        requests=("ขอ", "ต้องการ", "ช่วย", "เรียก", "หน่อย", "มีไหม", "อยากได้"),
        negations=("ไม่ต้องการ", "ไม่ต้อง", "ไม่เอา"),
    ),
    "my": PhraseSet(
        subjects=("စကားပြန်",),
        requests=("လိုချင်", "လိုပါတယ်", "လို", "ခေါ်ပေး", "ပေးပါ", "ကျေးဇူးပြု", "ရှိလား"),
        negations=("မလို",),
    ),
}


def normalise(text: str) -> str:
    """Width-, case- and accent-insensitive form: 'Intérprete' ~ 'interprete', 'Thông dịch' ~ 'thong dich'.
    Accents are dropped only after Latin letters; marks of other scripts are part of their letters."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1] < "\u0250":
            continue
        kept.append(char)
    plain = unicodedata.normalize("NFC", "".join(kept)).replace("đ", "d")
    return re.sub(r"[\s\W_]+", " ", plain).strip()


@functools.lru_cache(maxsize=4096)
def _normalised_term(term: str) -> str:
    """The phrase tables' terms, normalised once: every utterance is checked against dozens of them."""
    return normalise(term)


def _contains(haystack: str, needle: str, spaced: bool) -> bool:
    if spaced:  # whole words only, so "call" does not match "recall"
        return f" {needle} " in f" {haystack} "
    return needle in haystack


def _matches(text: str, phrases: PhraseSet) -> str | None:
    def has(term: str) -> bool:
        return _contains(text, _normalised_term(term), phrases.spaced)

    if any(has(term) for term in phrases.negations):
        return None
    for phrase in phrases.phrases:
        if has(phrase):
            return phrase
    subjects = [term for term in phrases.subjects if has(term)]
    if not subjects:
        return None
    request = next((term for term in phrases.requests if has(term)), None)
    if request is not None:
        return f"{subjects[0]} + {request}"
    residue = text
    for term in subjects:
        residue = residue.replace(_normalised_term(term), "")
    return subjects[0] if len(residue.replace(" ", "")) <= 3 else None  # just "Interpreter!" / 「通訳！」


def asks_for_interpreter(text: str, lang: str, extra: list[str] | None = None) -> str | None:
    """The phrase that matched, or None. Residents often switch to English or Japanese to ask."""
    norm = normalise(text)
    if not norm:
        return None
    for candidate in dict.fromkeys((lang, "ja", "en")):
        phrases = PHRASES.get(candidate)
        found = _matches(norm, phrases) if phrases else None
        if found:
            return found
    return next((p for p in extra or [] if p and p in norm), None)
