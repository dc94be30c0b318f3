"""Turns survive crashes: a client can tell which of its texts were stored (``client_id``), a resend is
stored once, and a turn a crash interrupted is completed after the restart — also under kill -9 of a
real relay process with 20 counters talking."""

from __future__ import annotations

import asyncio
import random
import signal
from asyncio.subprocess import Process
from pathlib import Path
from typing import Any

import aiohttp

from relay.turns.pipeline import Utterance
from tests.conftest import _free_port
from tests.relay.conftest import PROCESS_EXIT_S, MakeRelay, Relay, WsClient
from tests.relay.test_multinode import _add_token, _spawn


async def test_client_id_is_echoed_and_a_resend_is_stored_once(relay: Relay) -> None:
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    await counter.send(type="text", speaker="clerk", text="番号札をお取りください", client_id="t-42")
    first = await counter.expect("transcript", client_id="t-42")
    await counter.close()
    again = await relay.counter(session, resume_after=first["seq"] - 1)  # the tablet lost the answer
    replayed = await again.expect("transcript")
    assert replayed["client_id"] == "t-42", "the replay tells the client this text was stored"
    await again.send(type="text", speaker="clerk", text="番号札をお取りください", client_id="t-42")
    notice = await again.expect("notice")
    assert (notice["code"], notice["client_id"]) == ("already_stored", "t-42")
    await again.send(type="text", speaker="clerk", text="番号札をお取りください")  # no id: a new turn
    await again.expect("transcript", text="番号札をお取りください")
    rows = (await (await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                          headers=relay.auth("clerk"))).json())["utterances"]
    assert len(rows) == 2
    await again.send(type="text", speaker="clerk", text="x", client_id="y" * 65)
    assert (await again.expect("error"))["code"] == "invalid_field"


async def test_a_resend_racing_its_original_on_another_connection_is_stored_once(relay: Relay) -> None:
    """A tablet that reconnects resends at once what it has not seen stored; its first connection may
    still be storing the same text. Both must end well: stored once, no socket closed (this was an
    IntegrityError and 1011)."""
    session = await relay.create_session("en")
    old, new = await relay.counter(session), await relay.counter(session)
    for n in range(5):
        await asyncio.gather(*(ws.send(type="text", speaker="clerk", text=f"{n}番の窓口へどうぞ", client_id=f"r-{n}")
                               for ws in (old, new)))
    for ws in (old, new):  # each connection sees every text stored, once
        seen = [(await ws.expect("transcript"))["client_id"] for _ in range(5)]
        assert sorted(seen) == [f"r-{n}" for n in range(5)]
    rows = (await (await relay.client.get(f"/api/sessions/{session['session_id']}/transcript",
                                          headers=relay.auth("clerk"))).json())["utterances"]
    assert sorted(r["text"] for r in rows) == [f"{n}番の窓口へどうぞ" for n in range(5)]
    await new.send(type="text", speaker="clerk", text="まだ使えます")
    await new.expect("transcript", text="まだ使えます")
    assert old.close_code is None and new.close_code is None


async def test_a_turn_cut_short_by_a_crash_is_completed_after_the_restart(make_relay: MakeRelay) -> None:
    relay = await make_relay()
    session = await relay.create_session("en")
    conversation = await relay.ctx.hub.get(session["session_id"])
    assert conversation is not None
    utterance = Utterance(speaker="clerk", lang="ja", text="転入届を出してください", confidence=1.0, source="text")
    # the transcript is stored, then the process dies before any translation
    await relay.ctx.pipeline.publish_transcript(conversation, utterance)
    await relay.client.close()

    restarted = await make_relay()
    counter = await restarted.counter(session, resume_after=0)
    forward = await counter.expect("translation", utterance_id=utterance.utterance_id, kind="translation")
    back = await counter.expect("translation", utterance_id=utterance.utterance_id, kind="back_translation")
    assert forward["lang"] == "en" and back["lang"] == "ja"
    assert await restarted.ctx.store.unfinished_turns() == []


# ---------------------------------------------------------------- kill -9 of a real relay process

SESSIONS = 20
TURNS = 4


class Tablet:
    """A counter tablet that remembers what it sent until it sees it stored, and resends after a crash."""

    def __init__(self, http: aiohttp.ClientSession, url: str, token: str, session_id: str) -> None:
        self.http, self.url, self.token, self.session_id = http, url, token, session_id
        self.events: dict[int, dict[str, Any]] = {}  # by seq: a duplicate would overwrite, never add
        self.deliveries = 0
        self.sent: dict[str, str] = {}  # client_id → text, until its transcript arrives
        self.ws: WsClient | None = None

    async def connect(self) -> None:
        self.ws = WsClient(await self.http.ws_connect(self.url))
        hello: dict[str, Any] = {"type": "hello", "protocol": 1, "role": "counter", "token": self.token,
                                 "session_id": self.session_id}
        # as the pages do, also when it has seen nothing yet: without resume_after the relay sends only what
        # comes after the welcome, so a tablet that no event reached before the kill (under load) never saw
        # the texts the node had stored by then ('turns never completed')
        hello["resume_after"] = max(self.events, default=0)
        await self.ws.send(**hello)
        await self.ws.expect("welcome")

    async def say(self, n: int) -> None:
        assert self.ws is not None
        client_id = f"{self.session_id}-{n}"
        self.sent[client_id] = f"{n}番目のご案内です"
        await self.ws.send(type="text", speaker="clerk", text=self.sent[client_id], client_id=client_id)

    async def read(self) -> None:
        assert self.ws is not None
        while (body := await self.ws.recv(wait_s=30)) is not None:
            if "seq" in body:
                self.deliveries += 1
                self.events[body["seq"]] = body

    def stored_ids(self) -> list[str]:
        return [e["client_id"] for e in self.events.values() if e["type"] == "transcript" and "client_id" in e]


async def test_kill_9_under_20_sessions_loses_and_repeats_nothing(node_processes: list[Process],
                                                                  tmp_path: Path) -> None:
    store, port = tmp_path / "crash.sqlite3", _free_port()
    args = ("node", "--port", str(port), "--store", str(store), "--node-id", "K", "--redis", "none",
            "--prefix", "x", "--mt-delay", "0.05")
    node_processes.append(await _spawn(*args))
    clerk = await _add_token(store, "clerk")
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        tablets = []
        for n in range(SESSIONS):
            resp = await http.post(f"{base}/api/sessions", headers={"Authorization": f"Bearer {clerk}"},
                                   json={"counter": f"{n}番", "resident_lang": "en", "tts": False})
            tablets.append(Tablet(http, f"{base}/ws", clerk, (await resp.json())["session_id"]))
        await asyncio.gather(*(t.connect() for t in tablets))
        readers = [asyncio.create_task(t.read()) for t in tablets]
        for turn in range(TURNS):  # everyone talks at once; the node dies in the middle of it
            await asyncio.gather(*(t.say(turn) for t in tablets))
            await asyncio.sleep(random.uniform(0.0, 0.1))
        node_processes[0].send_signal(signal.SIGKILL)
        async with asyncio.timeout(PROCESS_EXIT_S):
            await node_processes[0].wait()
        await asyncio.gather(*readers)

        node_processes.append(await _spawn(*args))  # restarted on the same store
        await asyncio.gather(*(t.connect() for t in tablets))
        readers = [asyncio.create_task(t.read()) for t in tablets]
        for tablet in tablets:  # resend what the replay does not show as stored
            for client_id, text in tablet.sent.items():
                if client_id not in tablet.stored_ids():
                    assert tablet.ws is not None
                    await tablet.ws.send(type="text", speaker="clerk", text=text, client_id=client_id)
        await _until_every_turn_is_translated(tablets)
        for tablet in tablets:
            assert tablet.ws is not None
            await tablet.ws.close()
        await asyncio.gather(*readers)

    for tablet in tablets:
        assert sorted(tablet.stored_ids()) == sorted(tablet.sent), "every text stored exactly once"
        seqs = sorted(tablet.events)
        assert seqs == list(range(1, len(seqs) + 1)), "no gap in what the tablet saw"
        assert tablet.deliveries == len(seqs), "no event delivered twice"


async def _until_every_turn_is_translated(tablets: list[Tablet]) -> None:
    def done(tablet: Tablet) -> bool:
        transcripts = {e["utterance_id"] for e in tablet.events.values() if e["type"] == "transcript"}
        translated = {e["utterance_id"] for e in tablet.events.values()
                      if e["type"] == "translation" and e["kind"] == "back_translation"}
        return len(transcripts) == TURNS and transcripts <= translated

    for _ in range(300):
        if all(done(t) for t in tablets):
            return
        await asyncio.sleep(0.1)
    missing = [t.session_id for t in tablets if not done(t)]
    raise AssertionError(f"turns never completed in {len(missing)} sessions")
