"""Sentence splitting and the ``[tts]`` config contract (pure logic, no engine)."""

from __future__ import annotations

from dataclasses import MISSING, fields

from pipelines.tts import TtsConfig
from pipelines.tts.sentences import split_sentences


def test_japanese_sentences_end_at_full_width_marks_with_their_closing_brackets() -> None:
    assert split_sentences("住民票ですね。「はい」と言いました！本当ですか？続き") == [
        "住民票ですね。", "「はい」と言いました！", "本当ですか？", "続き",
    ]


def test_latin_sentences_keep_decimals_versions_and_titles_whole() -> None:
    assert split_sentences("Hello Mr. Smith. It costs 3.5 yen! Really? Version v1.2 is out.") == [
        "Hello Mr. Smith.", "It costs 3.5 yen!", "Really?", "Version v1.2 is out.",
    ]


def test_lines_split_and_punctuation_only_pieces_are_dropped() -> None:
    assert split_sentences("はい\n\n……。\nいいえ") == ["はい", "いいえ"]


def test_long_sentences_are_cut_at_commas_for_a_quicker_start() -> None:
    text = "転入届には、本人確認書類と、印鑑と、前の住所の転出証明書が必要です。"
    parts = split_sentences(text, max_chars=15)
    assert "".join(parts) == text
    assert len(parts) > 1 and all(p.endswith(("、", "。")) for p in parts)
    assert split_sentences(text, max_chars=0) == [text]


def test_every_config_field_has_help_a_default_and_a_toml_type() -> None:
    allowed = {"str", "int", "float", "bool", "list[str]"}
    for f in fields(TtsConfig):
        assert f.metadata.get("help"), f.name
        assert f.default is not MISSING or f.default_factory is not MISSING, f.name
        assert str(f.type) in allowed, (f.name, f.type)
