"""Translation through the LibreTranslate HTTP API (a loopback stub of the documented API whose answers are
known, see libretranslate_stub.py): the relay's phrasebook, glossary protection and confidence work as with
Argos. The real server: test_libretranslate_server.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.base import EngineError, EngineUnavailable
from pipelines.mt.config import MtConfig
from pipelines.remote.config import RemoteConfig
from pipelines.remote.libretranslate import LibreTranslateTranslator, load_libretranslate
from tests.remote.libretranslate_stub import LibreTranslateStub
from tests.remote.servers import free_port


@pytest.fixture
def stub() -> Iterator[LibreTranslateStub]:
    server = LibreTranslateStub()
    yield server
    server.close()


def translator(servers: list[str], **remote: object) -> LibreTranslateTranslator:
    settings: dict[str, object] = {"retry_backoff_s": 0.01, **remote}
    return load_libretranslate(MtConfig(), RemoteConfig(mt_servers=servers, **settings), Path("models"))  # type: ignore[arg-type]


def test_a_sentence_is_translated_on_the_server(stub: LibreTranslateStub) -> None:
    mt = translator([stub.url])
    assert mt.supports("ja", "vi") and mt.supports("en", "ja") and not mt.supports("ja", "th")
    result = mt.translate("今日は雨が降っています。", "ja", "en")
    assert result.text == "It is raining today."
    assert result.kind == "translation" and result.confidence > 0.9
    assert stub.requests[-1]["source"] == "ja" and stub.requests[-1]["target"] == "en"
    status = mt.status()
    assert status.ready and "LibreTranslate" in status.detail and "vi" in status.languages


def test_glossary_terms_reach_the_resident_in_the_preferred_translation(stub: LibreTranslateStub) -> None:
    result = translator([stub.url]).translate("住民票を取りに来ました。", "ja", "en")
    sent = stub.requests[-1]["q"]
    assert all("住民票" not in s for s in sent), "the term is protected before it leaves the relay"
    assert "certificate of residence" in result.text
    assert result.details["glossary_terms"] == ["住民票"]


def test_a_phrasebook_phrase_never_goes_to_the_server(stub: LibreTranslateStub) -> None:
    result = translator([stub.url]).translate("次の方、どうぞ。", "ja", "en")
    assert (result.kind, result.text) == ("phrasebook", "Next, please.")
    assert stub.requests == []


def test_diverging_alternatives_lower_the_confidence(stub: LibreTranslateStub) -> None:
    mt = translator([stub.url])
    sure = mt.translate("今日は雨が降っています。", "ja", "en").confidence
    stub.unsure = True
    unsure = mt.translate("今日は雨が降っています。", "ja", "vi").confidence
    assert unsure < 0.6 < sure
    assert stub.requests[-1]["alternatives"] == 3


def test_a_failing_server_is_left_for_the_next(stub: LibreTranslateStub) -> None:
    broken = LibreTranslateStub()
    try:
        mt = translator([broken.url, stub.url])
        broken.failing = True
        result = mt.translate("今日は雨が降っています。", "ja", "en")
        assert result.text.startswith("It is raining")
        assert f"{broken.url} down (POST /translate: HTTP 500" in mt.status().detail
    finally:
        broken.close()


def test_no_server_left_is_an_engine_failure(stub: LibreTranslateStub) -> None:
    mt = translator([stub.url], retries=1)
    stub.failing = True
    with pytest.raises(EngineError, match="mt servers failed"):
        mt.translate("窓口はどこですか。", "ja", "en")
    assert not mt.status().ready


def test_the_api_key_is_sent(stub: LibreTranslateStub) -> None:
    stub.api_key = "city-secret"
    assert translator([stub.url], mt_api_key="city-secret").translate("窓口はどこですか。", "ja", "en").text
    with pytest.raises(EngineError, match="HTTP 403"):
        translator([stub.url], retries=0).translate("窓口はどこですか。", "ja", "en")


def test_unreachable_at_start_up_is_reported() -> None:
    mt = translator([f"http://127.0.0.1:{free_port()}"])
    status = mt.status()
    assert not status.ready and "no language pair known" in status.detail
    with pytest.raises(EngineUnavailable):
        mt.translate("窓口はどこですか。", "ja", "en")


def test_madoguchi_check_names_each_remote_server(stub: LibreTranslateStub, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from relay.cli.commands import main

    dead = f"tcp://127.0.0.1:{free_port()}"
    config = tmp_path / "madoguchi.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n'
                      f'[remote]\nmt_servers = ["{stub.url}"]\nasr_servers = ["{dead}"]\n'
                      'connect_timeout_s = 1.0\n', encoding="utf-8")
    assert main(["check", "--json", "--config", str(config)]) == 0
    engines = json.loads(capsys.readouterr().out)["engines"]
    assert engines["mt"]["ready"] and f"{stub.url} up" in engines["mt"]["detail"]
    assert not engines["asr"]["ready"] and f"{dead} down (cannot connect" in engines["asr"]["detail"]
