"""Several relay nodes sharing one Redis: a counter on node A served by an operator on node B, and
kill -9 of a node and of an operator client with nothing lost."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from relay.app import create_app
from relay.escalation.queue.backend import SessionSubscription
from relay.settings import load_settings
from relay.storage.auth import Authenticator
from relay.storage.store import Store
from tests.conftest import _free_port
from tests.fakes import fake_engines
from tests.netguard import guarded_env
from tests.relay.conftest import PROCESS_EXIT_S, Relay, WsClient

pytestmark = pytest.mark.redis
ROOT = Path(__file__).resolve().parents[2]
PEER_READY_S = 60.0  # a peer imports the relay and starts in a second or two, even on a busy machine


def _node_settings(node: str, store: Path, redis_url: str, prefix: str) -> Any:
    return load_settings(env={}, overrides={
        "store": {"path": str(store)}, "server": {"node_id": node},
        "queue": {"backend": "redis", "redis_url": redis_url, "redis_prefix": prefix,
                  "reconnect_grace_s": 1.0, "offer_timeout_s": 5.0, "wrap_up_s": 0.0},
    })


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def node_factory(aiohttp_client: Any, tmp_path: Path, redis_url: str, prefix: str) -> AsyncIterator[Any]:
    async def start(name: str) -> Relay:
        settings = _node_settings(name, tmp_path / f"{name}.sqlite3", redis_url, prefix)
        relay = Relay(await aiohttp_client(create_app(settings, fake_engines())), {})
        for role in ("clerk", "operator", "admin"):
            _, relay.tokens[role] = await relay.ctx.auth.add_token(role, f"{role} on {name}")
        return relay

    yield start


async def test_operator_on_node_b_serves_a_counter_on_node_a(node_factory: Any) -> None:
    a, b = await node_factory("A"), await node_factory("B")
    session = await a.create_session("en")
    counter, resident = await a.counter(session), await a.resident(session)
    await counter.send(type="text", speaker="clerk", text="児童手当の申請ですね")
    said = await counter.expect("transcript")

    operator = await b.connect("operator", b.tokens["operator"])
    await operator.send(type="operator.state", state="available", languages=["en"])
    await counter.send(type="escalate")
    assert (await counter.expect("escalation", state="queued"))["position"] == 1
    offer = await operator.expect("escalation", state="offered")
    assert offer["session_id"] == session["session_id"]
    # node B has no record of node A's session: the counter's name travels with the call
    assert offer["counter"] == "市民課 1番"
    queued = [e for m in operator.seen if m["type"] == "queue" for e in m["entries"]]
    while not queued:  # the queue's broadcast may reach the console after the offer (seen under load)
        queued = (await operator.expect("queue"))["entries"]
    assert {e["counter"] for e in queued} == {"市民課 1番"}
    live = await (await b.client.get("/api/admin/live", headers=b.auth("admin"))).json()
    assert [e["counter"] for e in live["queue"]] == ["市民課 1番"], "node B's dashboard names node A's counter"
    await operator.send(type="accept", session_id=session["session_id"])
    await counter.expect("escalation", state="connected")
    await operator.expect("escalation", state="connected")
    assert any(m.get("utterance_id") == said["utterance_id"] for m in operator.seen), "history crossed nodes"

    await operator.send(type="text", speaker="operator", text="This is about the child allowance.", lang="en")
    await resident.expect("translation", kind="operator", text="This is about the child allowance.")
    await counter.send(type="text", speaker="clerk", text="書類はこちらです")
    await operator.expect("transcript", text="書類はこちらです")
    # video signalling crosses the nodes too, both ways, over the session channel
    await operator.send(type="video.signal", to="counter", kind="invite", call_id="v1")
    assert (await counter.expect("video.signal", kind="invite"))["sender"] == "operator"
    await counter.send(type="video.signal", to="operator", kind="offer", call_id="v1", sdp="v=0\r\n")
    assert (await operator.expect("video.signal", kind="offer"))["sdp"] == "v=0\r\n"
    await operator.send(type="release", to="ai")
    await counter.expect("escalation", state="returned")
    queue = await (await b.client.get("/api/queue", headers=b.auth("operator"))).json()
    assert queue["entries"] == [], "both nodes see one queue"


async def test_a_console_that_drops_while_its_call_connects_leaves_its_node_offering_calls(
        node_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Node B opens the accepting operator's side of the session channel; the console drops before that
    subscription is live. Node B once waited for it for good, and with it every queue notification it
    had to deliver: no operator connected there was offered a call again (seen as a flaky kill -9 test)."""
    a, b = await node_factory("A"), await node_factory("B")
    backend_b = b.ctx.escalation.backend
    asked, console_gone = asyncio.Event(), asyncio.Event()
    subscribe_session = backend_b.subscribe_session

    def live_only_after_the_console_dropped(session_id: str) -> SessionSubscription:
        subscription = subscribe_session(session_id)
        add = subscription._subscribe

        async def later(queue: asyncio.Queue[bytes]) -> None:
            asked.set()
            await console_gone.wait()
            await add(queue)  # type: ignore[misc]

        subscription._subscribe = later
        return subscription

    monkeypatch.setattr(backend_b, "subscribe_session", live_only_after_the_console_dropped)
    session = await a.create_session("en")
    counter = await a.counter(session)
    operator = await b.connect("operator", b.tokens["operator"])
    await operator.send(type="operator.state", state="available", languages=["en"])
    await counter.send(type="escalate")
    await operator.expect("escalation", state="offered")
    await operator.send(type="accept", session_id=session["session_id"])
    await counter.expect("escalation", state="connected")
    await asked.wait()  # node B is opening the operator's side of the channel
    await operator.close()
    assert (await counter.expect("notice"))["code"] == "operator_disconnected"
    console_gone.set()
    assert (await counter.expect("escalation", state="queued"))["position"] == 1

    await _take_the_call(b, session)
    await counter.expect("escalation", state="connected")


async def _take_the_call(node: Any, session: dict[str, Any]) -> Any:
    """An interpreter signs in on ``node``, is offered the session's queued call and accepts it."""
    interpreter = await node.connect("operator", node.tokens["operator"])
    await interpreter.send(type="operator.state", state="available", languages=["en"])
    await interpreter.expect("escalation", state="offered")
    await interpreter.send(type="accept", session_id=session["session_id"])
    return interpreter


async def _spawn(*args: str) -> Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.relay.peers", *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env=guarded_env(PYTHONPATH=str(ROOT)))  # the network guard, as in this process
    assert proc.stdout is not None
    # awaited, not blocking: the peer may need this process's own relay (on this loop) to get ready;
    # bounded (a peer that never gets ready fails here, killed, not at the run's time limit)
    try:
        async with asyncio.timeout(PEER_READY_S):
            ready = await proc.stdout.readline()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"peer {args[0]} not ready within {PEER_READY_S:g} s") from None
    assert ready.strip() == b"READY"
    return proc


async def _add_token(store_path: Path, role: str) -> str:
    store = await Store(store_path).open()
    try:
        return (await Authenticator(store).add_token(role, "test"))[1]
    finally:
        await store.close()


async def test_kill_9_of_an_operator_client_requeues_with_nothing_lost(
        node_factory: Any, node_processes: list[Process]) -> None:
    a, b = await node_factory("A"), await node_factory("B")
    session = await a.create_session("en")
    counter = await a.counter(session)
    await counter.send(type="text", speaker="clerk", text="介護保険のご相談ですね")
    said = await counter.expect("transcript")
    proc = await _spawn("operator", "--url", f"ws://127.0.0.1:{b.client.port}/ws", "--token", b.tokens["operator"],
                  "--lang", "en")
    node_processes.append(proc)
    await counter.send(type="escalate")
    await counter.expect("escalation", state="connected")
    proc.send_signal(signal.SIGKILL)

    assert (await counter.expect("notice"))["code"] == "operator_disconnected"
    assert (await counter.expect("escalation", state="queued"))["position"] == 1
    rescuer = await _take_the_call(b, session)
    await rescuer.expect("escalation", state="connected")
    assert [m["text"] for m in rescuer.seen if m["type"] == "transcript"] == [said["text"]]


async def test_kill_9_of_a_relay_node_loses_nothing(
        node_factory: Any, node_processes: list[Process], tmp_path: Path, redis_url: str,
        prefix: str, aiohttp_client: Any) -> None:
    store = tmp_path / "killed.sqlite3"
    port = _free_port()
    node_args = ("node", "--port", str(port), "--store", str(store), "--node-id", "K", "--redis", redis_url,
                 "--prefix", prefix)
    node_processes.append(await _spawn(*node_args))
    clerk = await _add_token(store, "clerk")
    b = await node_factory("B")
    session_resp = await b.client.session.post(f"http://127.0.0.1:{port}/api/sessions",
                                               headers={"Authorization": f"Bearer {clerk}"},
                                               json={"counter": "2番", "resident_lang": "en"})
    session = await session_resp.json()

    async def counter_on_k(resume_after: int | None = None) -> WsClient:
        ws = WsClient(await b.client.session.ws_connect(f"http://127.0.0.1:{port}/ws"))
        hello: dict[str, Any] = {"type": "hello", "protocol": 1, "role": "counter", "token": clerk,
                                 "session_id": session["session_id"]}
        if resume_after is not None:
            hello["resume_after"] = resume_after
        await ws.send(**hello)
        await ws.expect("welcome")
        return ws

    counter = await counter_on_k()
    operator = await b.connect("operator", b.tokens["operator"])
    await operator.send(type="operator.state", state="available", languages=["en"])
    await counter.send(type="escalate")
    await operator.expect("escalation", state="offered")
    await operator.send(type="accept", session_id=session["session_id"])
    await operator.expect("escalation", state="connected")
    await counter.send(type="text", speaker="clerk", text="マイナンバーカードの更新です")
    before = await counter.expect("transcript")
    await operator.expect("transcript", text="マイナンバーカードの更新です")
    # the tablet lost the clerk's last words with the node: it resumes from just before them, so the
    # restarted node must replay them from the store, once, and then go on live
    last_seen = before["seq"] - 1

    node_processes[0].send_signal(signal.SIGKILL)  # the counter's node dies
    async with asyncio.timeout(PROCESS_EXIT_S):
        await node_processes[0].wait()
    node_processes.append(await _spawn(*node_args))  # and is started again on the same store and Redis

    back = await counter_on_k(resume_after=last_seen)
    await operator.send(type="text", speaker="operator", text="Still here after the restart.", lang="en")
    replayed = await back.expect("transcript")
    assert replayed["utterance_id"] == before["utterance_id"] and replayed["seq"] == before["seq"]
    echoed = await back.expect("translation", kind="operator")
    assert echoed["text"] == "Still here after the restart."
    await back.send(type="text", speaker="clerk", text="再起動後の発言")
    await operator.expect("transcript", text="再起動後の発言")
    await back.expect("transcript", text="再起動後の発言")
    seqs = [m["seq"] for m in back.seen if "seq" in m]
    assert seqs[0] == last_seen + 1 and seqs == list(range(last_seen + 1, seqs[-1] + 1)), \
        "every event after last_seen arrives once, in order, and none before it is repeated"
    transcript = await b.client.session.get(
        f"http://127.0.0.1:{port}/api/sessions/{session['session_id']}/transcript",
        headers={"Authorization": f"Bearer {clerk}"})
    texts = [u["text"] for u in (await transcript.json())["utterances"]]
    assert texts[0] == before["text"] and "再起動後の発言" in texts


async def test_a_join_code_works_on_the_node_whose_tablet_shows_it(node_factory: Any) -> None:
    """Join codes are kept with the resident tokens, in each node's store: the short address the tablet
    shows beside the number is its own node's, as the QR code's link is (relay.http.join)."""
    nodes = {"A": await node_factory("A"), "B": await node_factory("B")}
    for name, node in nodes.items():
        session = await node.create_session("en")
        resp = await node.client.post(f"/api/sessions/{session['session_id']}/join-code", headers=node.auth("clerk"))
        issued = await resp.json()
        assert issued["join_url"] == str(node.client.make_url("/j"))
        joined = await (await node.client.post("/api/join", json={"code": issued["code"]})).json()
        counter = await node.counter(session)
        phone = await node.connect("resident", joined["resident_token"], session["session_id"])
        await phone.send(type="text", speaker="resident", text=f"joined on node {name}", lang="en")
        await counter.expect("transcript", text=f"joined on node {name}")
