"""TLS when a certificate is given: `madoguchi serve` speaks HTTPS and WSS only, with HSTS; tested with
a self-signed certificate made here (cryptography), trusted by the test client alone."""

from __future__ import annotations

import datetime
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.sync.client import connect

from tests.conftest import _free_port


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_relay(tmp_path: Path) -> tuple[int, ssl.SSLContext, subprocess.Popen[str]]:
    cert, key = _self_signed(tmp_path)
    config = tmp_path / "madoguchi.toml"
    config.write_text(f'[store]\npath = "{tmp_path / "db.sqlite3"}"\n[models]\ndir = "{tmp_path / "models"}"\n'
                      f'[server]\ntls_cert = "{cert}"\ntls_key = "{key}"\n')
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "relay.cli", "serve", "--config", str(config),
                               "--port", str(port)], stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    trust = ssl.create_default_context(cafile=str(cert))
    yield port, trust, server
    server.send_signal(signal.SIGTERM)
    server.communicate(timeout=30)


def _get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=2, context=context) as resp:
        return resp.status, dict(resp.headers), resp.read()


def test_tls_serves_https_and_wss_only(tls_relay: tuple[int, ssl.SSLContext, subprocess.Popen[str]]) -> None:
    port, trust, server = tls_relay
    # generous: start-up took over 30 s with the 2 cores busy (200 tries 0.1 s apart, about 20 s while the
    # port refuses at once, were a guess)
    deadline = time.monotonic() + 120
    while True:
        try:
            status, headers, body = _get(f"https://localhost:{port}/healthz", trust)
            break
        except OSError:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "the relay never answered over HTTPS"
            time.sleep(0.1)
    assert status == 200 and "status" in json.loads(body)
    assert headers.get("Strict-Transport-Security", "").startswith("max-age=")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        _get(f"http://localhost:{port}/healthz")  # no plain-text fallback on the TLS port
    with pytest.raises((ssl.SSLError, urllib.error.URLError)):
        _get(f"https://localhost:{port}/healthz", ssl.create_default_context())  # the cert is checked
    with connect(f"wss://localhost:{port}/ws", ssl=trust, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1, "role": "counter", "token": "nope", "session_id": "x"}))
        error = json.loads(ws.recv(timeout=10))
        assert (error["type"], error["code"]) == ("error", "unauthorized")
