"""Glossary placeholders through real CTranslate2, on packages whose model copies its input.

Random weights never give a placeholder back, so every term was "rescued" by appending it in brackets
and the placeholder path never ran. These packages (``tests/fixtures/build_argos_copy.py``) are real
``.argosmodel`` files whose transformer copies each source piece: through argostranslate's tokenizer,
CTranslate2's beam search with n-best, our sentence splitter and decoding, a placeholder comes back
exactly when our code keeps it intact — so every term must be restored in place, none appended.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipelines.glossary import DEFAULT_GLOSSARY, GlossaryEntry, read_glossary, save_glossary
from pipelines.mt import ArgosTranslator, MtConfig, load_translator
from pipelines.mt.models import ArgosModels

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from build_argos_copy import cached_copy_package  # noqa: E402

pytestmark = pytest.mark.engine
GLOSSARY = read_glossary(DEFAULT_GLOSSARY)


@pytest.fixture(scope="module")
def copy_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("copy-models")
    for source, target in (("ja", "en"), ("en", "vi")):
        ArgosModels().install(folder, cached_copy_package(source, target))
    return folder


@pytest.fixture(scope="module")
def copying(copy_models: Path) -> ArgosTranslator:
    return load_translator(MtConfig(cache_size=0), copy_models)


def test_the_copy_model_copies_through_the_real_engine(copying: ArgosTranslator) -> None:
    result = copying.translate("今日は相談に来ました。", "ja", "en")
    assert result.text == "今日は相談に来ました。" and result.details["glossary_terms"] == []


def test_every_glossary_term_survives_as_a_placeholder(copying: ArgosTranslator) -> None:
    appended = []
    for entry in GLOSSARY:
        english = entry.translations["en"]
        result = copying.translate(f"{entry.ja}の手続きはこちらです。", "ja", "en")
        assert result.text == f"{english}の手続きはこちらです。", (entry.ja, result.text)
        if result.details["glossary_lost"]:
            appended.append(entry.ja)
    assert len(GLOSSARY) > 100 and appended == []


def test_several_terms_in_one_utterance_keep_their_places(copying: ArgosTranslator) -> None:
    result = copying.translate("住民票と転入届をください。マイナンバーカードもお持ちですか。", "ja", "en")
    assert result.text == ("certificate of residenceとnotification of moving inをください。"
                           " My Number Cardもお持ちですか。")  # sentences joined the English way
    assert result.details["glossary_lost"] == [] and result.details["sentences"] == 2


def test_placeholders_survive_a_pivot_through_english(copying: ArgosTranslator) -> None:
    result = copying.translate("住民票の手続きです。", "ja", "vi")
    assert result.details["route"] == ["ja→en", "en→vi"]
    vietnamese = next(e for e in GLOSSARY if e.ja == "住民票").translations["vi"]
    assert result.text == f"{vietnamese}の手続きです。" and result.details["glossary_lost"] == []


def test_a_term_given_in_english_only_reaches_vietnamese_through_the_pivot(copy_models: Path, tmp_path: Path) -> None:
    """A city adds 粗大ごみ with its English only: the first step keeps the city's English, the second
    step translates that (here: copies it), and nothing is counted as lost."""
    glossary = tmp_path / "glossary.tsv"
    save_glossary([GlossaryEntry("粗大ごみ", "そだいごみ", "大きい ごみ", {"en": "oversized garbage"})], glossary)
    translator = load_translator(MtConfig(cache_size=0, glossary_path=str(glossary)), copy_models)
    result = translator.translate("粗大ごみの日です。", "ja", "vi")
    assert result.details["route"] == ["ja→en", "en→vi"]
    assert result.text == "oversized garbageの日です。" and result.details["glossary_lost"] == []
    assert result.details["glossary_terms"] == ["粗大ごみ"]
