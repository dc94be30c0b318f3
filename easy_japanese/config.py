"""Settings of the easy-Japanese rewriter.

``EasyJapaneseConfig`` is what the relay turns into the ``[easy_japanese]`` TOML section (every field
has a default and a one-line help). ``RewriteOptions`` is the per-call view the rules read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RULE_GROUPS = ("normalize", "phrase", "honorific", "negation", "voice", "vocabulary", "numbers", "split", "gloss")


@dataclass
class EasyJapaneseConfig:
    furigana_kanji_grade: int = field(
        default=2,
        metadata={"help": "kanji above this school grade (0-2) always get furigana; 0 = every kanji word"},
    )
    furigana_min_zipf: float = field(
        default=5.0,
        metadata={"help": "words rarer than this wordfreq Zipf value get furigana even with easy kanji"},
    )
    wakachigaki: bool = field(
        default=False, metadata={"help": "put spaces between phrases (分かち書き) in the displayed text"}
    )
    gloss_counter_terms: bool = field(
        default=True, metadata={"help": "keep essential counter terms and add an easy explanation in brackets"}
    )
    max_sentence_chars: int = field(
        default=30, metadata={"help": "sentences longer than this many characters are split at clause ends"}
    )
    western_year: bool = field(
        default=True, metadata={"help": "write the Western year beside era years (令和8年 → 2026年（令和8年）)"}
    )
    twelve_hour_clock: bool = field(
        default=True, metadata={"help": "write 24-hour times as 午前/午後 (14時 → 午後2時)"}
    )
    disabled_rules: list[str] = field(
        default_factory=list,
        metadata={"help": "rule ids or groups to switch off, e.g. ['split', 'vocabulary.kango']"},
    )

    def options(self) -> RewriteOptions:
        return RewriteOptions(
            furigana_kanji_grade=self.furigana_kanji_grade,
            furigana_min_zipf=self.furigana_min_zipf,
            wakachigaki=self.wakachigaki,
            gloss_counter_terms=self.gloss_counter_terms,
            max_sentence_chars=self.max_sentence_chars,
            western_year=self.western_year,
            twelve_hour_clock=self.twelve_hour_clock,
            disabled_rules=tuple(self.disabled_rules),
        )


@dataclass(frozen=True)
class RewriteOptions:
    furigana_kanji_grade: int = 2
    furigana_min_zipf: float = 5.0
    wakachigaki: bool = False
    gloss_counter_terms: bool = True
    max_sentence_chars: int = 30
    western_year: bool = True
    twelve_hour_clock: bool = True
    disabled_rules: tuple[str, ...] = ()
    only_rules: tuple[str, ...] = ()  # when set, only these rule ids/groups run (tests, tuning)
    guard: bool = True  # the meaning guard; off only to show, in tests, what it prevents

    def enabled(self, rule_id: str, group: str) -> bool:
        if self.only_rules and rule_id not in self.only_rules and group not in self.only_rules:
            return False
        if group == "gloss" and not self.gloss_counter_terms:
            return False
        if group == "numbers" and rule_id == "numbers.era_year" and not self.western_year:
            return False
        if rule_id == "numbers.clock" and not self.twelve_hour_clock:
            return False
        return rule_id not in self.disabled_rules and group not in self.disabled_rules
