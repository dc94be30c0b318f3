"""`madoguchi check` tells IT what keeps phones out or microphones off: no [server] public_url (the QR
code then carries whatever address the tablet was opened with, 127.0.0.1 on the server itself), and an
address over plain HTTP (browsers give pages opened over HTTP no microphone)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.cli.commands import main


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "madoguchi.toml"
    path.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n')
    return path


def check(config: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["check", "--config", str(config)]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("address:")]


def test_check_says_public_url_is_unset_and_that_plain_http_has_no_microphone(
        config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MADOGUCHI_SERVER_HOST", "0.0.0.0")  # on the LAN, without TLS
    unset, plain = check(config, capsys)
    assert "public_url is not set" in unset and "127.0.0.1" in unset
    assert "plain HTTP" in plain and "microphone" in plain and "tls_cert" in plain
    monkeypatch.setenv("MADOGUCHI_SERVER_PUBLIC_URL", "http://madoguchi.lan:18590")
    [plain_url] = check(config, capsys)
    assert "http://madoguchi.lan:18590" in plain_url and "no microphone" in plain_url
    monkeypatch.setenv("MADOGUCHI_SERVER_PUBLIC_URL", "https://madoguchi.city.example")
    assert check(config, capsys) == [], "nothing to warn about"
