"""The server pool's health as IT reads it in /healthz and `madoguchi check` (no servers needed)."""

from __future__ import annotations

import pytest

from pipelines.base import EngineError
from pipelines.remote.config import RemoteConfig
from pipelines.remote.servers import RemoteFailure, ServerPool


def _failing(address: str) -> str:
    raise RemoteFailure("connection refused")


def test_a_server_whose_down_mark_expired_is_not_called_up_until_a_request_succeeds() -> None:
    pool = ServerPool("asr", ["tcp://10.0.0.20:10300"], RemoteConfig(retries=0, down_for_s=0.0),
                      sleep=lambda _: None)
    assert pool.health() == (True, "tcp://10.0.0.20:10300 not yet asked")
    with pytest.raises(EngineError):
        pool.call(_failing)
    ready, detail = pool.health()
    assert ready, "the pool still sends it requests: it may be back"
    assert "up" not in detail.split() and "last request failed: connection refused" in detail, detail
    assert pool.call(lambda address: "ok") == "ok"
    assert pool.health() == (True, "tcp://10.0.0.20:10300 up")


def test_a_server_within_its_down_mark_is_down() -> None:
    pool = ServerPool("tts", ["tcp://a:1", "tcp://b:1"], RemoteConfig(retries=0, down_for_s=600.0),
                      sleep=lambda _: None)
    with pytest.raises(EngineError):
        pool.call(_failing)
    ready, detail = pool.health()
    assert ready and detail == "tcp://a:1 down (connection refused); tcp://b:1 not yet asked"
