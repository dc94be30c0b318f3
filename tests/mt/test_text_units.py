"""Unit logic of the MT engine: sentence splitting, placeholders, confidence, cache, config (fakes only)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from pipelines.glossary import GlossaryEntry, read_glossary, save_glossary
from pipelines.lru import LruCache
from pipelines.mt import ArgosTranslator, MtConfig
from pipelines.mt.backend import Candidate
from pipelines.mt.confidence import sentence_confidence
from pipelines.mt.protect import protect, restore
from pipelines.mt.sentences import join_sentences, split_sentences

GLOSSARY = [
    GlossaryEntry("国民健康保険", "こくみんけんこうほけん", "x", {"en": "National Health Insurance"}),
    GlossaryEntry("健康保険", "けんこうほけん", "x", {"en": "health insurance"}),
    GlossaryEntry("住民票", "じゅうみんひょう", "x", {"en": "certificate of residence"}),
]


class EchoModel:
    """Copies its input: placeholders always survive, so restoration itself is what is tested."""

    def __init__(self, source: str, target: str, mangle: bool = False) -> None:
        self.source, self.target, self.name, self.mangle = source, target, f"{source}→{target}", mangle
        self.batches: list[list[str]] = []

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        self.batches.append(list(sentences))
        out = [s.replace("ZX", "zx ") if self.mangle else s for s in sentences]
        return [[Candidate(s, -0.1 * (i + 1)) for i in range(num_hypotheses)] for s in out]


class DroppingModel(EchoModel):
    """Loses every placeholder, as a real model sometimes does."""

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        return [[Candidate("It is.", -0.1)] for _ in sentences]


class InventingModel(EchoModel):
    """Keeps the placeholder and makes up another one, as a real model sometimes does."""

    def translate_batch(self, sentences: Sequence[str], num_hypotheses: int, beam_size: int) -> list[list[Candidate]]:
        return [[Candidate(s.replace("です。", " and ZX7Z."), -0.1)] for s in sentences]


def test_japanese_sentences_split_at_full_stops_and_keep_their_quotes() -> None:
    assert split_sentences("住民票をください。「在留カード」はこれです！印鑑は？") == [
        "住民票をください。", "「在留カード」はこれです！", "印鑑は？"]


def test_english_full_stops_skip_decimals_and_abbreviations() -> None:
    assert split_sentences("Mr. Tanaka paid 3.5 dollars. Then he left.\nThanks") == [
        "Mr. Tanaka paid 3.5 dollars.", "Then he left.", "Thanks"]


def test_burmese_and_nepali_terminators_split() -> None:
    assert split_sentences("မင်္ဂလာပါ။ ကျေးဇူးပါ။") == ["မင်္ဂလာပါ။", "ကျေးဇူးပါ။"]
    assert split_sentences("नमस्ते। धन्यवाद।") == ["नमस्ते।", "धन्यवाद।"]


def test_run_on_sentences_are_cut_at_commas() -> None:
    long = "、".join(["住民票を取りに来ました"] * 40)
    pieces = split_sentences(long, max_chars=100)
    assert len(pieces) > 1 and all(len(p) <= 100 for p in pieces)
    assert "".join(pieces) == long


def test_sentences_join_without_spaces_in_japanese() -> None:
    assert join_sentences(["はい。", "そうです。"], "ja") == "はい。そうです。"
    assert join_sentences(["Yes.", "It is."], "en") == "Yes. It is."


def test_longest_term_is_protected_first_and_restored() -> None:
    text, terms = protect("国民健康保険と健康保険の違い", "ja", "en", GLOSSARY)
    assert "保険" not in text and [t.ja for t in terms] == ["国民健康保険", "健康保険"]
    restored = restore(text.replace("と", " and ").replace("の違い", " difference"), terms, "en")
    assert restored.text == "National Health Insurance and health insurance difference"
    assert restored.lost == ()


def test_mangled_placeholders_are_still_recognised() -> None:
    text, terms = protect("住民票です", "ja", "en", GLOSSARY)
    assert restore(text.replace("ZX1Z", "zx 1 z"), terms, "en").text.startswith("certificate of residence")


def test_a_dropped_placeholder_appends_the_preferred_term() -> None:
    _, terms = protect("住民票です", "ja", "en", GLOSSARY)
    restored = restore("It is.", terms, "en")
    assert restored.text == "It is. (certificate of residence)" and restored.lost == ("住民票",)


def test_a_placeholder_the_model_invents_is_never_shown() -> None:
    _, terms = protect("住民票です", "ja", "en", GLOSSARY)
    restored = restore("Bring ZX1Z and zx 7 z.", terms, "en")
    assert restored.text == "Bring certificate of residence and." and restored.invented == 1
    assert restore("It is ZX3Z .", [], "en").text == "It is."


def test_confidence_drops_when_the_model_invents_a_placeholder() -> None:
    engine, _ = _engine()
    kept = engine.translate("住民票です。", "ja", "en")
    engine.pairs["ja", "en"] = InventingModel("ja", "en")
    engine.cache.clear()
    garbled = engine.translate("住民票です。", "ja", "en")
    assert "ZX" not in garbled.text.upper() and "certificate of residence" in garbled.text
    assert garbled.details["glossary_invented"] == 1 and garbled.confidence < kept.confidence


def test_a_dropped_term_is_bracketed_the_way_the_target_language_writes_it() -> None:
    _, terms = protect("住民票です", "ja", "en", GLOSSARY)
    to_japanese = [replace(t, target="住民票") for t in terms]
    assert restore("それです。", to_japanese, "ja").text == "それです。（住民票）"
    assert restore("是的。", [replace(t, target="居住证明") for t in terms], "zh").text == "是的。（居住证明）"
    assert restore("It is.", terms, "en").text == "It is. (certificate of residence)"


def test_spaces_around_a_restored_term_are_tidied() -> None:
    _, terms = protect("住民票です", "ja", "en", GLOSSARY)
    assert restore("  The  ZX1Z  office ", terms, "en").text == "The certificate of residence office"


def test_terms_in_a_resident_language_are_matched_as_whole_words() -> None:
    text, terms = protect("My Certificate of Residence, please", "en", "ja", GLOSSARY)
    assert [t.target for t in terms] == ["住民票"] and "Residence" not in text
    with_pension = [*GLOSSARY, GlossaryEntry("年金", "ねんきん", "x", {"en": "pension"})]
    protected, terms = protect("my pension, please", "en", "ja", with_pension)
    assert [t.target for t in terms] == ["年金"]
    assert "  " not in protected and protected.replace(" ", "") == "myZX1Z,please"
    for inside_a_word in ("I am a pensioner", "pensions office", "unhealth insurance"):
        assert protect(inside_a_word, "en", "ja", with_pension) == (inside_a_word, [])


def _engine(**config: object) -> tuple[ArgosTranslator, dict[str, EchoModel]]:
    models = {"ja-en": EchoModel("ja", "en"), "en-vi": EchoModel("en", "vi", mangle=True)}
    pairs = {(m.source, m.target): m for m in models.values()}
    return ArgosTranslator(MtConfig(**config), pairs), models  # type: ignore[arg-type]


def test_one_batch_per_utterance_and_one_per_pivot_hop() -> None:
    engine, models = _engine()
    result = engine.translate("住民票をください。国民健康保険です。", "ja", "vi")
    assert models["ja-en"].batches == [["ZX2Zをください。", "ZX1Zです。"]]  # numbered longest first
    assert len(models["en-vi"].batches) == 1
    assert result.details["pivot"] == "en" and result.details["glossary_lost"] == []
    assert result.text == "giấy chứng nhận cư trúをください。 Bảo hiểm Y tế Quốc dânです。"


def _pivot_engine(glossary: Path) -> tuple[ArgosTranslator, dict[str, EchoModel]]:
    models = {f"{a}-{b}": EchoModel(a, b) for a, b in (("ja", "en"), ("en", "vi"), ("vi", "en"), ("en", "ja"))}
    pairs = {(m.source, m.target): m for m in models.values()}
    return ArgosTranslator(MtConfig(glossary_path=str(glossary)), pairs), models  # type: ignore[arg-type]


def test_a_term_translated_into_the_pivot_language_only_is_kept_on_that_step(tmp_path: Path) -> None:
    """A term the city gave in English only (the admin page asks for one language at least): into
    Vietnamese the pivot's first step keeps the city's English, so the second step translates that, not
    the model's guess; back from Vietnamese the English step's words become the Japanese term. No
    placeholder reaches the resident; nothing counts as lost."""
    path = tmp_path / "glossary.tsv"
    save_glossary([GlossaryEntry("粗大ごみ", "そだいごみ", "大きい ごみ", {"en": "oversized garbage"})], path)
    engine, models = _pivot_engine(path)
    english = engine.translate("粗大ごみです。", "ja", "en")
    assert english.text == "oversized garbageです。" and english.details["glossary_terms"] == ["粗大ごみ"]
    vietnamese = engine.translate("粗大ごみです。", "ja", "vi")
    assert models["ja-en"].batches[-1] == ["ZX1Zです。"], "the first step keeps the term"
    assert models["en-vi"].batches[-1] == ["oversized garbageです。"], "the second step reads the city's English"
    assert vietnamese.text == "oversized garbageです。" and "ZX" not in vietnamese.text.upper()
    assert vietnamese.details["glossary_terms"] == ["粗大ごみ"] and vietnamese.details["glossary_lost"] == []
    assert vietnamese.confidence == engine.translate("ごみです。", "ja", "vi").confidence
    back = engine.translate("Mang oversized garbage đến đây.", "vi", "ja")
    assert models["en-ja"].batches[-1] == ["Mang ZX1Z đến đây."], "the English step's words are the term"
    assert back.text == "Mang 粗大ごみ đến đây." and back.details["glossary_terms"] == ["粗大ごみ"]
    assert protect("rác cồng kềnh ở đâu", "vi", "ja", read_glossary(path)) == ("rác cồng kềnh ở đâu", [])


def test_a_term_lost_on_the_pivot_s_first_step_still_reaches_the_resident(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    save_glossary([GlossaryEntry("粗大ごみ", "そだいごみ", "大きい ごみ", {"en": "oversized garbage"}),
                   GlossaryEntry("住民票", "じゅうみんひょう", "x", {"en": "certificate of residence",
                                                                 "vi": "giấy chứng nhận cư trú"})], path)
    engine, models = _pivot_engine(path)
    kept = engine.translate("粗大ごみです。", "ja", "vi")
    engine.pairs["ja", "en"] = DroppingModel("ja", "en")
    engine.cache.clear()
    lost = engine.translate("住民票と粗大ごみです。", "ja", "vi")
    assert models["en-vi"].batches[-1] == ["It is. (oversized garbage)"], "appended in English for the next step"
    assert lost.text == "It is. (oversized garbage) (giấy chứng nhận cư trú)"
    assert sorted(lost.details["glossary_lost"]) == ["住民票", "粗大ごみ"]  # type: ignore[arg-type]
    assert lost.confidence < kept.confidence


def test_confidence_drops_when_a_term_is_lost() -> None:
    engine, _ = _engine()
    kept = engine.translate("住民票です。", "ja", "en")
    engine.pairs["ja", "en"] = DroppingModel("ja", "en")
    engine.cache.clear()
    lost = engine.translate("住民票です。", "ja", "en")
    assert lost.details["glossary_lost"] == ["住民票"] and lost.confidence < kept.confidence


def test_confidence_is_lower_when_hypotheses_disagree() -> None:
    agree = [Candidate("the fee is 300 yen", -0.2), Candidate("the fee is 300 yen.", -0.3)]
    disagree = [Candidate("the fee is 300 yen", -0.2), Candidate("bring your card tomorrow", -0.3)]
    assert 0 < sentence_confidence(disagree) < sentence_confidence(agree) <= 1


def test_same_language_and_empty_text_pass_through() -> None:
    engine, _ = _engine()
    assert engine.translate("そのまま", "ja", "ja").text == "そのまま"
    assert engine.translate("   ", "ja", "en").text == ""


def test_lru_cache_evicts_the_least_recently_used() -> None:
    cache: LruCache[str, str] = LruCache(2)
    cache.put("a", "1")
    cache.put("b", "2")
    assert cache.get("a") == "1"
    cache.put("c", "3")
    assert cache.get("b") is None and cache.get("a") == "1" and cache.get("c") == "3"


def test_config_fields_have_help_and_simple_types() -> None:
    for f in dataclasses.fields(MtConfig):
        assert f.metadata.get("help"), f.name
        assert f.type in ("str", "int", "float", "bool", "list[str]"), f.name
    assert MtConfig().pivot_language == "en"


@pytest.mark.parametrize("num", [1, 4])
def test_hypotheses_count_follows_config(num: int) -> None:
    engine, _ = _engine(num_hypotheses=num, beam_size=4)
    assert len(engine.translate("手続きです。", "ja", "en").details["hypotheses"]) == num  # type: ignore[arg-type]
