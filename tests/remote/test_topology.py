"""The deployment of docs/deployment.md, started as local processes on loopback with the socket guard on:
two relay nodes (`madoguchi serve`), one Redis, one wyoming-faster-whisper (the real Whisper base), one
wyoming-piper (the real Piper joe voice), one LibreTranslate (random-weight Argos models in the real
format). A counter and a resident on node A, an interpreter on node B: the resident's speech is
recognised on the Wyoming server and translated on LibreTranslate for the clerk, the interpreter on the
other node takes the session from the shared queue, sees what was said and answers; once the session is
back with the AI the resident hears the clerk, spoken by the Wyoming TTS server. At the end both nodes
must stop cleanly on SIGTERM (status 0) within the relay unit's TimeoutStopSec, as systemd stops them;
one that does not fails the test with what it was doing (its stacks and the end of its log)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from relay.storage.auth import Authenticator
from relay.storage.store import Store
from tests import processes
from tests.netguard import guarded_env
from tests.relay.conftest import WsClient
from tests.remote.libretranslate_server import LibreTranslateServer
from tests.remote.servers import TTS_VOICES, WyomingServer, free_port
from tests.remote.test_relay_remote import speak
from tests.remote.test_systemd_units import stop_timeout_s
from tests.remote.test_wyoming_asr import heard_the_sentence, words

pytestmark = [pytest.mark.engine, pytest.mark.redis]
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Node:
    name: str
    port: int
    config: Path
    store: Path
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def node_config(node: Node, workdir: Path, redis_url: str, prefix: str, asr: str, tts: str, mt: str) -> str:
    """The node's madoguchi.toml: docs/deployment.md's, with loopback addresses and test folders."""
    voices = ", ".join(f'"{v}"' for v in TTS_VOICES)
    return f"""
[server]
host = "127.0.0.1"
port = {node.port}
node_id = "{node.name}"

[store]
path = "{node.store}"

[models]
dir = "{workdir / 'models'}"

[queue]
backend = "redis"
redis_url = "{redis_url}"
redis_prefix = "{prefix}"
offer_timeout_s = 60.0

[relay]
heartbeat_s = 600.0  # the test's clients read only when they wait for something: no pings to miss

[asr]
partial_interval_s = 3.0  # fewer partial decodes on the test machine's two shared cores

[remote]
asr_servers = ["{asr}"]
tts_servers = ["{tts}"]
tts_voices = [{voices}]
mt_servers = ["{mt}"]
request_timeout_s = 60.0
"""


async def add_token(store_path: Path, role: str) -> str:
    store = await Store(store_path).open()
    try:
        return (await Authenticator(store).add_token(role, f"{role} for the topology test"))[1]
    finally:
        await store.close()


async def wait_healthy(http: aiohttp.ClientSession, node: Node) -> dict[str, Any]:
    for _ in range(600):
        assert node.proc is not None and node.proc.poll() is None, f"{node.name} exited: see {node.log}"
        try:
            async with http.get(f"{node.url}/healthz") as resp:
                return dict(await resp.json())
        except aiohttp.ClientError:
            await asyncio.sleep(0.2)
    raise AssertionError(f"{node.name} did not answer /healthz")


@pytest.fixture
def nodes(tmp_path: Path, redis_url: str, live_asr_servers: list[WyomingServer], piper_server: WyomingServer,
          live_libretranslate: list[LibreTranslateServer]) -> Iterator[list[Node]]:
    prefix = f"topology:{uuid.uuid4().hex[:8]}"
    started = [Node(name, free_port(), tmp_path / f"{name}.toml", tmp_path / f"{name}.sqlite3",
                    tmp_path / f"{name}.log") for name in ("relay-a", "relay-b")]
    for node in started:
        node.config.write_text(node_config(node, tmp_path, redis_url, prefix, live_asr_servers[0].uri,
                                           piper_server.uri, live_libretranslate[0].url), encoding="utf-8")
        with node.log.open("ab") as log:
            node.proc = subprocess.Popen(
                [sys.executable, "-m", "relay.cli", "serve", "--config", str(node.config)], cwd=ROOT,
                stdout=log, stderr=subprocess.STDOUT,
                env=guarded_env(PYTHONPATH=str(ROOT), **processes.STACKS_ON_ABORT))
    try:
        yield started
    finally:
        problems = stop_nodes(started)
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)


def stop_nodes(nodes: list[Node]) -> list[str]:
    """SIGTERM to every node at once, as systemd stops them; what went wrong with each that did not stop
    within the unit's TimeoutStopSec, or stopped with a status other than 0."""
    for node in nodes:
        if node.proc is not None and node.proc.poll() is None:
            node.proc.terminate()
    limit_s = stop_timeout_s("madoguchi.service")
    problems = []
    for node in nodes:
        assert node.proc is not None
        problem = processes.wait_or_describe(node.proc, node.name, node.log, limit_s)
        if problem is None and node.proc.returncode != 0:
            problem = (f"{node.name} exited with status {node.proc.returncode} after SIGTERM; the end of its "
                       f"log {node.log}:\n{processes.log_tail(node.log)}")
        if problem is not None:
            problems.append(f"{problem}\n(systemd stops a node the same way: deploy/systemd/madoguchi.service)")
    return problems


async def connect(http: aiohttp.ClientSession, node: Node, **hello: Any) -> WsClient:
    client = WsClient(await http.ws_connect(f"{node.url}/ws"))
    await client.send(type="hello", protocol=1, **hello)
    await client.expect("welcome")
    return client


async def test_a_counter_on_node_a_and_an_interpreter_on_node_b(
        nodes: list[Node], live_asr_servers: list[WyomingServer], piper_server: WyomingServer,
        live_libretranslate: list[LibreTranslateServer], spoken_english: tuple[bytes, int]) -> None:
    a, b = nodes
    clerk, interpreter = await add_token(a.store, "clerk"), await add_token(b.store, "operator")
    async with aiohttp.ClientSession() as http:
        for node in nodes:
            engines = (await wait_healthy(http, node))["engines"]
            assert f"{live_asr_servers[0].uri} up" in engines["asr"]["detail"], engines["asr"]
            assert f"{live_libretranslate[0].url} up" in engines["mt"]["detail"], engines["mt"]
            assert piper_server.uri in engines["tts"]["detail"] and engines["tts"]["state"] == "ready"

        async with http.post(f"{a.url}/api/sessions", headers={"Authorization": f"Bearer {clerk}"},
                             json={"counter": "1番窓口", "resident_lang": "en"}) as resp:
            session = await resp.json()
        counter = await connect(http, a, role="counter", token=clerk, session_id=session["session_id"])

        # the resident speaks: recognised on the Wyoming server, translated on LibreTranslate for the clerk
        pcm, rate = spoken_english
        await speak(counter, pcm, rate)
        heard = await counter.expect("transcript", wait_s=120)
        assert heard_the_sentence(words(heard["text"])), heard
        assert heard["lang"] == "en"
        for_clerk = await counter.expect("translation", wait_s=60, utterance_id=heard["utterance_id"])
        assert for_clerk["lang"] == "ja" and for_clerk["kind"] == "translation" and for_clerk["text"].strip()

        # an interpreter on node B takes the session from the shared queue and sees what was said
        operator = await connect(http, b, role="operator", token=interpreter)
        await operator.send(type="operator.state", state="available", languages=["en"])
        await counter.send(type="escalate")
        offer = await operator.expect("escalation", state="offered", wait_s=30)
        assert offer["session_id"] == session["session_id"]
        await operator.send(type="accept", session_id=session["session_id"])
        await counter.expect("escalation", state="connected", wait_s=30)
        await operator.expect("escalation", state="connected", wait_s=30)
        for _ in range(100):
            if any(m.get("utterance_id") == heard["utterance_id"] for m in operator.seen):
                break
            await operator.recv(wait_s=10)
        else:
            raise AssertionError("the interpreter on node B did not get the conversation so far")

        # the interpreter answers; the resident's phone on node A reads it
        resident = await connect(http, a, role="resident", token=session["resident_token"])
        answer = "Please show me your residence card."
        await operator.send(type="text", speaker="operator", text=answer, lang="en")
        await resident.expect("translation", kind="operator", text=answer, wait_s=30)
        await operator.send(type="release", to="ai")
        await counter.expect("escalation", state="returned", wait_s=30)

        # back with the AI, the resident hears the clerk (speech from the Wyoming TTS server)
        await counter.send(type="text", speaker="clerk", text="次の方、どうぞ。")
        await resident.expect("translation", kind="phrasebook", text="Next, please.", wait_s=30)
        spoken = await resident.expect("tts.start", wait_s=60)
        assert spoken["lang"] == "en"
        await resident.expect("tts.end", wait_s=60)
        assert sum(len(frame) for frame in resident.binary) > rate, "more than half a second of speech"
