"""The glossary and phrasebook we ship, their editing, and phrasebook matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.glossary import GlossaryEntry, load_glossary, read_glossary, save_glossary, validate_entry
from pipelines.languages import DEFAULT_RESIDENT_LANGUAGES
from pipelines.phrasebook import load_phrasebook, match

REQUIRED_TERMS = ("住民票", "転入届", "転出届", "在留カード", "マイナンバーカード", "国民健康保険", "児童手当",
                  "印鑑登録", "介護保険", "年金", "ごみの分別")


def test_glossary_has_the_counter_terms_in_every_default_language() -> None:
    entries = load_glossary()
    assert len(entries) >= 100
    assert set(REQUIRED_TERMS) <= {e.ja for e in entries}
    assert len({e.ja for e in entries}) == len(entries)
    for entry in entries:
        validate_entry(entry, DEFAULT_RESIDENT_LANGUAGES)
        assert " " in entry.easy or len(entry.easy) <= 8, f"{entry.ja}: easy Japanese needs spaces between phrases"


def test_preferred_translations_are_not_left_in_japanese() -> None:
    kana = re.compile(r"[\u3040-\u30ff]")
    for entry in load_glossary():
        for lang, text in entry.translations.items():
            assert not kana.search(text), f"{entry.ja} ({lang}): {text}"


def test_save_glossary_round_trips_and_rejects_bad_entries(tmp_path: Path) -> None:
    path = tmp_path / "glossary.tsv"
    entries = [GlossaryEntry("住民票", "じゅうみんひょう", "住所の 紙", {"en": 'the "juminhyo"', "vi": "giấy"})]
    save_glossary(entries, path)
    assert read_glossary(path) == entries
    with pytest.raises(ValueError, match="appears twice"):
        save_glossary(entries * 2, path)
    with pytest.raises(ValueError, match="hiragana"):
        save_glossary([GlossaryEntry("年金", "nenkin", "お金", {})], path)
    assert read_glossary(path) == entries  # a refused save leaves the file as it was
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (GlossaryEntry("", "よみ", "せつめい", {}), "empty"),
        (GlossaryEntry("年金", "ねんきん", "", {}), "easy"),
        (GlossaryEntry("年金", "ねんきん", "お金", {"xx": "pension"}), "unknown language"),
        (GlossaryEntry("年金", "ねんきん", "お金", {"en": "pen\tsion"}), "tab"),
        (GlossaryEntry("年金", "ねんきん", "お金", {"en": "pension"}), "no preferred translation for zh"),
    ],
)
def test_validate_entry_says_what_is_wrong(entry: GlossaryEntry, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_entry(entry, ("en", "zh"))


def test_a_term_may_leave_languages_empty_but_needs_one_translation_for_the_admin_api(tmp_path: Path) -> None:
    english_only = GlossaryEntry("粗大ごみ", "そだいごみ", "大きい ごみ", {"en": "oversized garbage"})
    validate_entry(english_only, need_a_translation=True)
    with pytest.raises(ValueError, match="at least one language"):
        validate_entry(GlossaryEntry("粗大ごみ", "そだいごみ", "大きい ごみ", {}), need_a_translation=True)
    path = tmp_path / "glossary.tsv"
    both = GlossaryEntry("住民票", "じゅうみんひょう", "住所の 紙", {"en": "certificate of residence", "vi": "giấy"})
    save_glossary([both, english_only], path)
    assert read_glossary(path) == [both, english_only], "an empty cell reads back as no translation"


def test_phrasebook_covers_every_default_language() -> None:
    book = load_phrasebook()
    assert len(book) >= 60
    for lang in DEFAULT_RESIDENT_LANGUAGES:
        assert book.coverage(lang) == 1.0, lang
    assert book.coverage("fr") == 0.0
    categories = {e.category for e in book}
    assert {"greeting", "waiting", "forms", "documents", "fees", "numbers", "dates"} <= categories


def test_fixed_phrases_can_be_presynthesised() -> None:
    book = load_phrasebook()
    assert sum(e.presynthesizable for e in book) >= 60
    assert not next(e for e in book if e.id == "fee-yen").presynthesizable


@pytest.mark.parametrize(
    "spoken",
    ["少々お待ちください。", "少々お待ち下さい", "少々 お待ちください！", "少々お待ちくださいね", "少しお待ちください"],
)
def test_near_variants_match_the_phrase(spoken: str) -> None:
    entry = match(spoken, "en")
    assert entry is not None and entry.translations["en"] == "Please wait a moment."


@pytest.mark.parametrize(
    "spoken",
    ["ここに名前を書かないでください。", "こちらにご住所とお名前を書いてください。", "在留カードを持ってきましたか。",
     "少々お待ちください。住民票ですね。"],
)
def test_different_meanings_do_not_match(spoken: str) -> None:
    assert match(spoken, "en") is None


def test_numbers_fill_every_language() -> None:
    entry = match("12番の窓口へお越しください。", "th")
    assert entry is not None
    assert entry.translations["th"] == "กรุณาไปที่ช่องบริการหมายเลข 12"
    assert entry.ja == "12番の窓口へお越しください。"
    dated = match("５月２０日にもう一度来てください", "pt")
    assert dated is not None and dated.translations["pt"] == "Volte no dia 20/5, por favor."


def test_a_resident_phrase_matches_back_to_japanese() -> None:
    entry = match("Please wait a moment", "ja", source_lang="en")
    assert entry is not None and entry.ja == "少々お待ちください。"


def test_a_language_without_the_phrase_does_not_match(tmp_path: Path) -> None:
    path = tmp_path / "phrasebook.tsv"
    path.write_text("phrase_id\tcategory\tja\ten\nhello\tgreeting\tこんにちは。\tHello.\n", encoding="utf-8")
    book = load_phrasebook(path)
    assert book.match("こんにちは", "en") is not None
    assert book.match("こんにちは", "vi") is None


def test_a_phrase_with_mismatched_slots_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "phrasebook.tsv"
    path.write_text("phrase_id\tcategory\tja\ten\nfee\tfees\t{yen}円です。\tIt costs money.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="slots"):
        load_phrasebook(path)
