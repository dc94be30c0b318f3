"""A typed turn is translated while its transcript is being stored (the translation then waits for one
commit, not two), yet the people at the counter see exactly what they saw before: the transcript
first, then the translation, each stored before anyone is sent it, with consecutive numbers."""

from __future__ import annotations

import threading
from typing import Any

from pipelines.base import Translation
from tests.fakes import FakeTranslator, fake_engines
from tests.relay.conftest import MakeRelay


class WatchedTranslator(FakeTranslator):
    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.asked = threading.Event()

    def translate(self, text: str, source: str, target: str) -> Translation:
        self.asked.set()
        return super().translate(text, source, target)


def _stores(batch: list[Any], kind: str) -> bool:
    return any(s and s[0][0].startswith("INSERT INTO events") and s[0][1][2] == kind for s in batch)


async def test_the_translation_is_made_while_its_transcript_is_stored_and_still_arrives_after_it(
        make_relay: MakeRelay) -> None:
    translator = WatchedTranslator()
    relay = await make_relay(fake_engines(translator=translator))
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    store = relay.ctx.store
    real_batch, asked_while_storing = store._write_batch, []

    def transcript_waits_for_the_translator(batch: Any) -> Any:  # on the store's thread
        if _stores(batch, "transcript"):
            asked_while_storing.append(translator.asked.wait(5))
        return real_batch(batch)

    store._write_batch = transcript_waits_for_the_translator  # type: ignore[method-assign]
    await counter.send(type="text", speaker="clerk", text="住所変更の手続きですね")
    translation = await resident.expect("translation")
    await counter.expect("translation")  # the tablet shows everything: the transcript, then the translation
    store._write_batch = real_batch  # type: ignore[method-assign]

    assert asked_while_storing == [True], "the translator was asked before the transcript's commit"
    order = [(m["type"], m["seq"]) for m in counter.seen if m["type"] in ("transcript", "translation")]
    assert [kind for kind, _ in order] == ["transcript", "translation"], "the transcript is still sent first"
    assert order[1][1] == order[0][1] + 1
    stored = {e.seq: e.type for e in await store.events_after(session["session_id"], 0)}
    assert stored[order[0][1]] == "transcript" and stored[translation["seq"]] == "translation"
    assert "住所変更の手続きですね" in translation["text"]


async def test_a_transcript_that_cannot_be_stored_sends_no_translation(make_relay: MakeRelay) -> None:
    """Translated meanwhile, but the transcript's commit failed: the text is still in the tablet, which
    resends it; nothing of the turn, its translation included, reaches anyone."""
    translator = WatchedTranslator()
    relay = await make_relay(fake_engines(translator=translator))
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    store = relay.ctx.store
    await store._run(lambda: store._conn().execute("PRAGMA query_only = ON"))

    await counter.send(type="text", speaker="clerk", text="住所変更の手続きですね", client_id="t-1")
    error = await counter.expect("error")
    assert (error["code"], error["client_id"]) == ("store_unavailable", "t-1")
    await store._run(lambda: store._conn().execute("PRAGMA query_only = OFF"))
    await counter.send(type="text", speaker="clerk", text="次の方どうぞ", client_id="t-2")
    translation = await resident.expect("translation")

    assert "次の方どうぞ" in translation["text"]
    texts = [m.get("text", "") for m in resident.seen if m["type"] in ("transcript", "translation")]
    assert not any("住所変更" in t for t in texts), "the failed turn's translation was never sent"
    assert translator.asked.is_set()
