from __future__ import annotations

from pathlib import Path

import pytest

from relay.settings import SettingsError, load_settings, settings_reference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_toml_then_environment(tmp_path: Path) -> None:
    config = tmp_path / "madoguchi.toml"
    config.write_text('[server]\nport = 9000\n[relay]\nlanguages = ["vi", "ne"]\nback_translation = false\n')
    settings = load_settings(config, env={"MADOGUCHI_SERVER_PORT": "9100", "MADOGUCHI_RELAY_MAX_AUDIO_RATE": "3"})
    assert settings.server.port == 9100
    assert settings.relay.languages == ["vi", "ne"]
    assert settings.relay.back_translation is False
    assert settings.relay.max_audio_rate == 3.0


def test_environment_lists_and_booleans() -> None:
    settings = load_settings(env={"MADOGUCHI_RELAY_LANGUAGES": "en, zh", "MADOGUCHI_RELAY_TTS_DEFAULT": "off"})
    assert settings.relay.languages == ["en", "zh"] and settings.relay.tts_default is False


def test_partial_cadence_under_load_and_with_remote_asr_is_configurable(tmp_path: Path) -> None:
    config = tmp_path / "madoguchi.toml"
    config.write_text("[asr]\nskip_partials_when_busy = false\n[remote]\nasr_partial_interval_s = 2.5\n")
    settings = load_settings(config, env={})
    assert settings.section("asr").skip_partials_when_busy is False  # type: ignore[union-attr]
    assert settings.section("remote").asr_partial_interval_s == 2.5  # type: ignore[union-attr]
    defaults = load_settings(env={"MADOGUCHI_REMOTE_ASR_PARTIAL_INTERVAL_S": "0"})
    assert defaults.section("asr").skip_partials_when_busy is True  # type: ignore[union-attr]
    assert defaults.section("remote").asr_partial_interval_s == 0.0  # type: ignore[union-attr]


@pytest.mark.parametrize(("toml", "env", "needle"), [
    ("[relay]\nmax_sesions = 3\n", {}, "max_sesions"),
    ("[relai]\n", {}, "relai"),
    ("[server]\nport = \"eighty\"\n", {}, "server.port"),
    ("[relay]\nlanguages = \"en\"\n", {}, "relay.languages"),
    ("[relay\n", {}, "not valid TOML"),
    ("", {"MADOGUCHI_SERVER_PORT": "x"}, "server.port"),
    ("", {"MADOGUCHI_NOPE_KEY": "1"}, "MADOGUCHI_NOPE_KEY"),
    ("", {"MADOGUCHI_RELAY_BACK_TRANSLATION": "maybe"}, "true or false"),
    ("[relay]\ndefault_mode = \"poetry\"\n", {}, "default_mode"),
    ("[relay]\nspeech_backlog = 0\n", {}, "relay.speech_backlog must be between 1 and 20"),
    ("", {"MADOGUCHI_RELAY_SPEECH_BACKLOG": "50"}, "relay.speech_backlog must be between 1 and 20"),
    ("[relay]\nevent_loop = \"tokio\"\n", {}, "relay.event_loop must be auto, asyncio or uvloop"),
    ("", {"MADOGUCHI_RELAY_SWITCH_INTERVAL_MS": "-1"}, "relay.switch_interval_ms must be between 0"),
    ("[relay]\nlanguages = [\"en\", \"vn\"]\n", {}, "unknown resident language code.*'vn'.*vi"),
    ("", {"MADOGUCHI_RELAY_LANGUAGES": "en, ja"}, "unknown resident language code.*'ja'"),
    ("[relay]\nlanguages = []\n", {}, "at least one resident language"),
    ("[store]\nwal_limit_mb = 0\n", {}, "store.wal_limit_mb positive"),
    ("", {"MADOGUCHI_STORE_CHECKPOINT_INTERVAL_S": "-1"}, "store.checkpoint_interval_s must be 0"),
])
def test_bad_configuration_is_a_clear_error(tmp_path: Path, toml: str, env: dict[str, str], needle: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(toml)
    with pytest.raises(SettingsError, match=needle):
        load_settings(config, env=env)


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.toml", env={})


def test_configuration_reference_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8").strip() == settings_reference().strip(), (
        "docs/configuration.md is stale: regenerate with `madoguchi config --docs > docs/configuration.md`"
    )
