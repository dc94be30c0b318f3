"""Fuzzing a live relay process: random and mutated frames — JSON of every client type with fields of
any type, binary, huge, deeply nested, lone surrogates, wrong order, floods of valid messages. The relay
never closes with 1011 or logs a traceback, other sessions are untouched, and its memory stays flat.

Each example opens one to three connections at once. Fast by default (2,000–6,000 frames, floods
included, in about 120 connections); ``MADOGUCHI_FUZZ_FRAMES=100000`` runs the long variant (see docs/security.md for its time and
memory). The memory check is not a timing assertion: the relay's RSS after the fuzz against its RSS
after a warm-up of 20 examples, under a bound far above what a healthy run grows (about 1 MB by default,
10 MB in the long run) and far below what a leak per connection adds (100 MB in the long run when
permessage-deflate fragmented the heap).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from relay.wire.protocol import CLIENT_TYPES
from tests.conftest import _free_port
from tests.netguard import guarded_env

ROOT = Path(__file__).resolve().parents[2]
FRAMES = int(os.environ.get("MADOGUCHI_FUZZ_FRAMES", "4000"))
PARALLEL = 3  # connections at once in one example (their 50 ms waits for silence overlap, too)
FRAMES_PER_EXAMPLE = 55  # at least, on average (1–3 connections of about 30–37 frames, floods included)
# a guard against a hang, not a speed test: the long variant takes about 6 minutes on two busy cores
TIMEOUT_S = max(300, FRAMES * 6 // 1000)
RSS_GROWTH_LIMIT_MB = 60
FIELDS = ["protocol", "role", "token", "session_id", "resume_after", "speaker", "sample_rate", "encoding",
          "text", "lang", "replaces", "client_id", "resident_lang", "mode", "tts", "reason", "urgent",
          "to", "operator_id", "state", "languages"]


@dataclass
class LiveRelay:
    url: str
    http: str
    proc: subprocess.Popen[bytes]
    log: Path
    clerk: str
    resident: str
    session_id: str
    bystander: str
    stats: dict[str, int]


def _http(method: str, url: str, token: str | None = None, body: Any = None) -> Any:
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _session(live_http: str, clerk: str) -> dict[str, Any]:
    return _http("POST", f"{live_http}/api/sessions", clerk, {"counter": "fuzz", "resident_lang": "en"})


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveRelay]:
    import asyncio

    from tests.relay.test_multinode import _add_token

    folder = tmp_path_factory.mktemp("fuzz")
    store, log = folder / "fuzz.sqlite3", folder / "relay.log"
    clerk = asyncio.run(_add_token(store, "clerk"))
    port = _free_port()
    limits = {"auth_failures_per_minute": 0, "error_limit": 20, "turns_per_minute": 600, "hello_timeout_s": 2}
    proc = subprocess.Popen(  # the log goes to a file: a full pipe would stall the relay
        [sys.executable, "-m", "tests.relay.peers", "node", "--port", str(port), "--store", str(store),
         "--node-id", "F", "--redis", "none", "--prefix", "f", "--relay-json", json.dumps(limits)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=log.open("wb"), env=guarded_env(PYTHONPATH=str(ROOT)))
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"READY"
    http = f"http://127.0.0.1:{port}"
    target, bystander = _session(http, clerk), _session(http, clerk)
    yield LiveRelay(f"ws://127.0.0.1:{port}/ws", http, proc, log, clerk, target["resident_token"],
                    target["session_id"], bystander["session_id"], {"frames": 0, "examples": 0, "connections": 0})
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)
typed_message = st.builds(
    lambda kind, fields: json.dumps({"type": kind, **fields}),
    st.sampled_from([*sorted(CLIENT_TYPES), "welcome", "transcript", "", "TEXT"]),
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5),
)
valid_message = st.one_of(
    st.builds(lambda t, c: json.dumps({"type": "text", "speaker": "clerk", "text": t, "client_id": c}),
              st.text(min_size=1, max_size=200), st.none() | st.text(min_size=1, max_size=10)),
    st.builds(lambda rate: json.dumps({"type": "audio.start", "sample_rate": rate}),
              st.sampled_from([8000, 16000, 48000, 44100, 0, -1])),
    st.just(json.dumps({"type": "audio.stop"})),
    st.builds(lambda tts: json.dumps({"type": "settings", "tts": tts}), st.booleans()),
    st.just(json.dumps({"type": "escalate", "reason": "fuzz"})),
    st.just(json.dumps({"type": "escalation.cancel"})),
)
hostile = st.sampled_from([
    "[" * 30000 + "]" * 30000, '{"type":"text","speaker":"clerk","text":"\\ud800"}', "x" * 70000,
    '{"type":"hello","protocol":1,"role":"counter","token":"x","resume_after":9223372036854775808}',
    "null", "[]", '"text"', "{", "\x00", json.dumps({"type": "text", "speaker": "operator", "text": "x"}),
])
frame = st.one_of(typed_message, valid_message, hostile, st.binary(max_size=4096), st.text(max_size=100),
                  st.binary(min_size=65537, max_size=65540))


def _hello(live: LiveRelay, kind: str) -> str | None:
    if kind == "counter":
        return json.dumps({"type": "hello", "protocol": 1, "role": "counter", "token": live.clerk,
                           "session_id": live.session_id})
    if kind == "resident":
        return json.dumps({"type": "hello", "protocol": 1, "role": "resident", "token": live.resident,
                           "resume_after": 0})
    return None  # no hello: the first fuzzed frame is the first frame


@dataclass
class Outcome:
    sent: int = 0  # frames sent before the relay closed the socket (or all of them)
    close_code: int | None = None  # the relay's close code, if it closed the socket
    refused_status: int | None = None  # the HTTP status, if the handshake was refused


def _send_all(ws: ClientConnection, frames: list[str | bytes], outcome: Outcome) -> None:
    """Send the frames, then read until the relay is quiet for 50 ms or closes the socket."""
    try:
        for data in frames:
            ws.send(data)
            outcome.sent += 1
        while True:
            ws.recv(timeout=0.05)
    except TimeoutError:
        return
    except ConnectionClosed as closed:
        outcome.close_code = closed.rcvd.code if closed.rcvd is not None else None


def _one_connection(live: LiveRelay, kind: str, frames: list[str | bytes], flood: int) -> Outcome:
    hello = _hello(live, kind)
    flood_frames: list[str | bytes] = [json.dumps({"type": "settings", "tts": n % 2 == 0}) for n in range(flood)]
    outcome = Outcome()
    try:
        # max_queue=None: the client buffers whatever the relay sends, so closing never waits on a full
        # buffer (websockets' sync client can then hang in close() for good)
        with connect(live.url, max_size=None, max_queue=None, open_timeout=10, close_timeout=2) as ws:
            _send_all(ws, [*([hello] if hello else []), *frames, *flood_frames], outcome)
    except InvalidStatus as refused:
        outcome.refused_status = refused.response.status_code
    return outcome


connection = st.tuples(st.sampled_from(["counter", "resident", "none"]), st.lists(frame, max_size=20),
                       st.sampled_from([0, 0, 0, 0, 200]))


@pytest.mark.timeout(TIMEOUT_S)
@settings(max_examples=max(20, FRAMES // FRAMES_PER_EXAMPLE), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(connections=st.lists(connection, min_size=1, max_size=PARALLEL))
def test_fuzzed_frames_never_break_the_relay(live: LiveRelay,
                                             connections: list[tuple[str, list[str | bytes], int]]) -> None:
    live.stats["examples"] += 1
    if live.stats["examples"] == 20:
        live.stats["rss_warm"] = psutil.Process(live.proc.pid).memory_info().rss
    with ThreadPoolExecutor(len(connections)) as pool:  # at once: the relay's concurrency is fuzzed too
        outcomes = list(pool.map(lambda c: _one_connection(live, *c), connections))
    live.stats["frames"] += sum(o.sent for o in outcomes)
    live.stats["connections"] += len(outcomes)
    for outcome in outcomes:
        assert outcome.refused_status is None or outcome.refused_status < 500, "a handshake refusal is never a 5xx"
        assert outcome.close_code != 1011, "a fuzzed frame hit a bug"
    assert live.proc.poll() is None, "the relay process died"


def test_after_the_fuzz_the_relay_is_whole(live: LiveRelay) -> None:
    if live.stats["examples"] == 0:
        pytest.skip("runs after test_fuzzed_frames_never_break_the_relay")
    health = _http("GET", f"{live.http}/healthz")
    assert health["status"] == "ok" and health["store"] == "ok"
    with connect(live.url, open_timeout=10) as ws:  # another session: untouched, works
        ws.send(json.dumps({"type": "hello", "protocol": 1, "role": "counter", "token": live.clerk,
                            "session_id": live.bystander, "resume_after": 0}))
        assert json.loads(ws.recv(timeout=10))["type"] == "welcome"
        ws.send(json.dumps({"type": "text", "speaker": "clerk", "text": "まだ大丈夫です"}))
        seen = []
        while not any(m.get("type") == "transcript" for m in seen):
            raw = ws.recv(timeout=10)
            if isinstance(raw, str):
                seen.append(json.loads(raw))
        transcripts = [m for m in seen if m.get("type") == "transcript"]
        assert [m["text"] for m in transcripts] == ["まだ大丈夫です"], "nothing leaked into this session"
        assert next(m["seq"] for m in seen if "seq" in m) == 1, "no stray event was stored in this session"
    rss = psutil.Process(live.proc.pid).memory_info().rss
    growth_mb = (rss - live.stats.get("rss_warm", rss)) / 2**20
    print(f"fuzz: {live.stats['frames']} frames in {live.stats['connections']} connections; "
          f"relay RSS {rss / 2**20:.0f} MB, growth after warm-up {growth_mb:.1f} MB")
    assert growth_mb < RSS_GROWTH_LIMIT_MB, "memory grows with the fuzz: something is kept per connection"
    live.proc.send_signal(signal.SIGTERM)
    live.proc.wait(timeout=20)
    log = live.log.read_text("utf-8", "replace")
    assert "Traceback" not in log and "connection failed" not in log, log[-3000:]
