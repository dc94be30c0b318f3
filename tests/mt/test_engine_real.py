"""The MT engine through real argostranslate + CTranslate2 on random-weight packages (network disabled).

Random weights produce gibberish, so these tests check what a user still notices: the right route,
glossary terms present, phrasebook answers, confidences that mean something, cached repeats.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

from pipelines.base import EngineUnavailable, Translator
from pipelines.glossary import GlossaryEntry, load_glossary, save_glossary
from pipelines.languages import DEFAULT_RESIDENT_LANGUAGES
from pipelines.mt import ArgosTranslator, MtConfig, language_coverage, load_translator

pytestmark = pytest.mark.engine


def test_installed_packages_make_a_ready_engine(translator: ArgosTranslator) -> None:
    assert isinstance(translator, Translator)
    status = translator.status()
    assert status.name == "mt" and status.ready
    assert set(status.models) == {"ja→en", "en→ja", "en→vi", "vi→en"}
    assert set(status.languages) == {"ja", "en", "vi"}


def test_direct_translation_reports_route_confidence_and_timing(translator: ArgosTranslator) -> None:
    result = translator.translate("窓口で手続きをします。", "ja", "en")
    assert result.kind == "translation" and result.text
    assert result.details["pivot"] is None and result.details["route"] == ["ja→en"]
    assert 0.0 <= result.confidence <= 1.0
    assert result.timings["mt_ms"] > 0


def test_japanese_to_vietnamese_pivots_through_english(translator: ArgosTranslator) -> None:
    assert translator.supports("ja", "vi") and translator.supports("vi", "ja")
    result = translator.translate("来週また来ます。", "ja", "vi")
    assert result.details["pivot"] == "en"
    assert result.details["route"] == ["ja→en", "en→vi"]
    assert result.target_lang == "vi" and result.text


def test_a_pair_with_no_route_is_refused_with_the_reason(translator: ArgosTranslator) -> None:
    assert not translator.supports("ja", "ko")
    with pytest.raises(EngineUnavailable, match="ja→ko"):
        translator.translate("来週また来ます。", "ja", "ko")


def test_n_best_hypotheses_rank_by_confidence(make_translator: Callable[..., ArgosTranslator]) -> None:
    engine = make_translator(num_hypotheses=4, beam_size=4)
    result = engine.translate("保育園の申し込みについて聞きたいです。", "ja", "en")
    hypotheses = cast(list[dict[str, float]], result.details["hypotheses"])
    confidences = [h["confidence"] for h in hypotheses]
    assert len(confidences) == 4
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    assert 0.0 <= result.confidence <= confidences[0]


@pytest.mark.parametrize("target", ["en", "vi"])
def test_every_glossary_term_survives_translation(translator: ArgosTranslator, target: str) -> None:
    missing = []
    for entry in load_glossary():
        result = translator.translate(f"{entry.ja}について教えてください。", "ja", target)
        if entry.translations[target] not in result.text or entry.ja not in cast(list[str], result.details["glossary_terms"]):
            missing.append(entry.ja)
    assert missing == []


def test_longest_glossary_term_wins(translator: ArgosTranslator) -> None:
    result = translator.translate("国民健康保険に入ってください。", "ja", "en")
    assert result.details["glossary_terms"] == ["国民健康保険"]
    assert "National Health Insurance" in result.text


def test_back_translation_to_japanese_restores_the_municipal_term(translator: ArgosTranslator) -> None:
    forward = translator.translate("住民票の写しが必要です。", "ja", "vi")
    assert "giấy chứng nhận cư trú" in forward.text
    back = translator.translate(forward.text, "vi", "ja")
    assert back.details["pivot"] == "en"
    assert "住民票" in back.text and "住民票" in cast(list[str], back.details["glossary_terms"])


def test_phrasebook_bypasses_mt_with_full_confidence(translator: ArgosTranslator) -> None:
    result = translator.translate("少々お待ち下さい", "ja", "vi")
    assert result.kind == "phrasebook" and result.confidence == 1.0
    assert result.text == "Xin vui lòng chờ một chút."
    assert "route" not in result.details


def test_phrasebook_fills_numbers_and_back_translates_exactly(translator: ArgosTranslator) -> None:
    forward = translator.translate("手数料は３５０円です。", "ja", "en")
    assert (forward.kind, forward.text) == ("phrasebook", "The fee is 350 yen.")
    back = translator.translate(forward.text, "en", "ja")
    assert (back.kind, back.text) == ("phrasebook", "手数料は350円です。")


def test_phrasebook_works_without_any_model(empty_models_dir: Path) -> None:
    engine = load_translator(MtConfig(), empty_models_dir)
    assert not engine.status().ready and "install" in engine.status().detail
    assert engine.translate("こんにちは。", "ja", "ne").text == "नमस्ते।"
    with pytest.raises(EngineUnavailable):
        engine.translate("住民票がほしいです。", "ja", "en")


def test_a_repeated_sentence_comes_from_the_cache(make_translator: Callable[..., ArgosTranslator]) -> None:
    engine = make_translator()
    first = engine.translate("転入届を出しに来ました。", "ja", "en")
    second = engine.translate("転入届を出しに来ました。", "ja", "en")
    assert (first.details["cache"], second.details["cache"]) == ("miss", "hit")
    assert second.text == first.text and second.confidence == first.confidence
    assert engine.translate("転入届を出しに来ました。", "ja", "vi").details["cache"] == "miss"


def test_cache_size_zero_disables_the_cache(make_translator: Callable[..., ArgosTranslator]) -> None:
    engine = make_translator(cache_size=0)
    engine.translate("転出届を出します。", "ja", "en")
    assert engine.translate("転出届を出します。", "ja", "en").details["cache"] == "miss"


def test_sentences_of_one_utterance_are_translated_together(translator: ArgosTranslator) -> None:
    result = translator.translate("住民票をください。在留カードはこれです。印鑑もあります。", "ja", "en")
    assert result.details["sentences"] == 3
    for term in ("certificate of residence", "residence card", "personal seal (inkan)"):
        assert term in result.text


def test_concurrent_calls_give_the_same_results(make_translator: Callable[..., ArgosTranslator]) -> None:
    texts = [f"{n}番の書類について聞きたいです。" for n in range(8)]
    expected = {t: make_translator(cache_size=0).translate(t, "ja", "en").text for t in texts}
    engine = make_translator(cache_size=0)
    results: dict[str, str] = {}

    def work(text: str) -> None:
        results[text] = engine.translate(text, "ja", "en").text

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == expected


def test_argos_sentence_splitters_are_never_used(
    translator: ArgosTranslator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argostranslate.sbd as sbd

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("argostranslate's sentence splitter (which downloads models) was called")

    for name in ("MiniSBDSentencizer", "StanzaSentencizer", "SpacySentencizerSmall"):
        monkeypatch.setattr(getattr(sbd, name), "__init__", refuse)
    assert translator.translate("新しい住所です。よろしくお願いします。", "ja", "en").text


def test_an_edited_glossary_is_used_at_once(
    make_translator: Callable[..., ArgosTranslator], tmp_path: Path
) -> None:
    path = tmp_path / "glossary.tsv"
    save_glossary([GlossaryEntry("住民票", "じゅうみんひょう", "住所の 紙", {"en": "residence record"})], path)
    engine = make_translator(glossary_path=str(path))
    assert "residence record" in engine.translate("住民票です。", "ja", "en").text
    save_glossary([GlossaryEntry("住民票", "じゅうみんひょう", "住所の 紙", {"en": "juminhyo"})], path)
    again = engine.translate("住民票です。", "ja", "en")
    assert "juminhyo" in again.text and again.details["cache"] == "miss"


def test_language_coverage_reports_routes_and_phrasebook(translator: ArgosTranslator) -> None:
    coverage = language_coverage(translator, ["en", "vi", "ko"])
    assert coverage["en"] == {"mt_from_ja": True, "mt_to_ja": True, "phrasebook": 1.0}
    assert coverage["vi"]["mt_from_ja"] and coverage["vi"]["mt_to_ja"]
    assert not coverage["ko"]["mt_from_ja"] and coverage["ko"]["phrasebook"] == 1.0
    assert set(language_coverage(translator, DEFAULT_RESIDENT_LANGUAGES)) == set(DEFAULT_RESIDENT_LANGUAGES)
