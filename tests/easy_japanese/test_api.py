"""Public API: check(), the translator the relay uses, the config dataclass and the CLI."""

from __future__ import annotations

import dataclasses
import json
import threading

import pytest

from easy_japanese import EasyJapaneseConfig, check, rewrite
from easy_japanese.cli import main
from pipelines.base import EASY_JAPANESE, EngineUnavailable, Translator
from relay.engines.easy_japanese import EasyJapaneseTranslator


def test_check_flags_the_problems_a_clerk_should_fix() -> None:
    report = check("ご不明な点がございましたら、至急担当者までお問い合わせいただきますようお願い申し上げます。")
    kinds = {issue.kind for issue in report.issues}
    assert {"long_sentence", "honorific", "difficult_word"} <= kinds
    assert report.score < 80
    assert any(i.suggestion == "すぐに" for i in report.issues)
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_plain_easy_text_scores_high() -> None:
    assert check("ここに名前を書いてください。").score >= 90
    assert check("").score == 100


def test_double_negative_is_flagged() -> None:
    assert any(i.kind == "double_negative" for i in check("申請できないことはありません。").issues)


def test_rewrite_result_is_json_serialisable() -> None:
    data = rewrite("住民票をお持ちですか。").to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["rules"] and data["ruby"]


def test_translator_contract() -> None:
    translator = EasyJapaneseTranslator()
    assert isinstance(translator, Translator)
    assert translator.status().ready and translator.status().name == "easy_japanese"
    assert translator.supports("ja", EASY_JAPANESE)
    assert not translator.supports("ja", "en") and not translator.supports("en", EASY_JAPANESE)
    with pytest.raises(EngineUnavailable):
        translator.translate("こんにちは", "ja", "en")
    result = translator.translate("こちらでお待ちください。", "ja", EASY_JAPANESE)
    assert (result.kind, result.source_lang, result.target_lang) == ("easy_japanese", "ja", "ja")
    assert result.text == "こちらで待ってください。"
    assert "honorific.o_kudasai" in result.details["rules"]
    assert "easy_ms" in result.timings


def test_confidence_drops_when_hard_words_remain() -> None:
    translator = EasyJapaneseTranslator()
    easy = translator.translate("ここに名前を書いてください。", "ja", EASY_JAPANESE)
    hard = translator.translate("瑕疵担保責任の免責条項について斟酌してください。", "ja", EASY_JAPANESE)
    assert easy.confidence > hard.confidence
    assert hard.details["unknown_difficult_words"]


def test_translator_ruby_points_into_its_text() -> None:
    result = EasyJapaneseTranslator().translate("住民票を申請してください。", "ja", EASY_JAPANESE)
    assert result.ruby and all(0 <= r.start < r.end <= len(result.text) for r in result.ruby)
    assert result.text[result.ruby[0].start : result.ruby[0].end] == "住民票"


def test_translator_is_safe_from_many_threads() -> None:
    translator = EasyJapaneseTranslator()
    texts = ["お待ちください。", "申請書をご提出ください。", "17時までです。", "健診があります。"] * 5
    expected = [translator.translate(t, "ja", EASY_JAPANESE).text for t in texts]
    results: list[list[str]] = []

    def work() -> None:
        results.append([translator.translate(t, "ja", EASY_JAPANESE).text for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_config_fields_have_defaults_help_and_simple_types() -> None:
    for f in dataclasses.fields(EasyJapaneseConfig):
        assert f.metadata.get("help"), f.name
        assert f.type in ("int", "float", "bool", "str", "list[str]"), (f.name, f.type)
    config = EasyJapaneseConfig(disabled_rules=["honorific"])
    out = EasyJapaneseTranslator(config).translate("お待ちください。", "ja", EASY_JAPANESE)
    assert out.text == "お待ちください。"


def test_cli_rewrite_explain_and_ruby(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--explain", "--ruby", "html", "申請書をご提出ください。"]) == 0
    out = capsys.readouterr().out
    assert "<ruby>" in out and "honorific.o_kudasai" in out and "出して" in out


def test_cli_check_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("お待ちください。"))
    assert main(["--check"]) == 0
    assert "score:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0


def test_the_relay_loads_the_rewriter_warm() -> None:
    """Engine start runs the warm-up (tables, tagger, every rule) once per process, and it changes no result."""
    from easy_japanese.warmup import warm_up
    from relay.engines.easy_japanese import load_easy_japanese

    before = rewrite("こちらにご記入ください。").text
    translator = load_easy_japanese({}, None)
    assert translator.translate("こちらにご記入ください。", "ja", EASY_JAPANESE).text == before
    assert warm_up() == 0.0  # already paid at engine start
