"""The operator path as a new interpreter meets it, through real websockets: sessions whose language is
not detected yet, the availability switch, who may read which transcript, and coming back after a drop."""

from __future__ import annotations

from typing import Any

from tests.relay.conftest import MakeRelay, Relay, WsClient, drain

FAST_QUEUE = {"queue": {"offer_timeout_s": 1.0, "reconnect_grace_s": 30.0, "max_wait_s": 60.0, "wrap_up_s": 0.0}}


async def _operator(relay: Relay, name: str, languages: list[str] | None = None, state: str = "available") -> WsClient:
    if name not in relay.tokens:
        _, relay.tokens[name] = await relay.ctx.auth.add_token("operator", name)
    ws = await relay.connect("operator", relay.tokens[name])
    assert (await ws.expect("operator.status"))["state"] == "offline"
    if languages is not None:
        await ws.send(type="operator.state", state=state, languages=languages)
        assert (await ws.expect("operator.status"))["state"] in (state, "offered")  # offered at once, maybe
    return ws


async def _queue_entry(relay: Relay, session_id: str) -> dict[str, Any]:
    body = await (await relay.client.get("/api/queue", headers=relay.auth("admin"))).json()
    return next(e for e in body["entries"] if e["session_id"] == session_id)


async def _serve(relay: Relay, session: dict[str, Any], counter: WsClient, operator: WsClient) -> None:
    await counter.send(type="escalate")
    offer = await operator.expect("escalation", state="offered", session_id=session["session_id"])
    await operator.send(type="accept", session_id=offer["session_id"])
    await operator.expect("escalation", state="connected")


# ------------------------------------------------------------------ a language not detected yet


async def test_undetected_language_goes_to_any_operator_marked_unknown(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("auto")
    counter = await relay.counter(session)
    operator = await _operator(relay, "vi-en", ["vi", "en"])
    await counter.send(type="escalate")
    offer = await operator.expect("escalation", state="offered", session_id=session["session_id"])
    assert offer["lang"] == "auto", "the console is told the language is not known yet"
    await operator.send(type="accept", session_id=session["session_id"])
    await counter.expect("escalation", state="connected")


async def test_queue_entry_takes_the_detected_language(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("auto")
    counter = await relay.counter(session)
    await counter.send(type="escalate")
    await counter.expect("escalation", state="queued")
    assert (await _queue_entry(relay, session["session_id"]))["lang"] == "auto"

    await counter.send(type="text", speaker="resident", text="I need a residence certificate", lang="en")
    await counter.expect("session.updated", resident_lang="en")
    assert (await _queue_entry(relay, session["session_id"]))["lang"] == "en"

    # from now on it is routed by its language: a Vietnamese-only operator is not offered it
    vietnamese = await _operator(relay, "vi-only", ["vi"])
    english = await _operator(relay, "en-only", ["en"])
    offer = await english.expect("escalation", state="offered", session_id=session["session_id"])
    assert offer["lang"] == "en"
    await drain(vietnamese)
    assert not any(m["type"] == "escalation" and m.get("state") == "offered" for m in vietnamese.seen)


# ------------------------------------------------------------------ a language nobody covers


async def test_the_counter_is_told_when_nobody_covers_its_language_and_when_someone_does(
        make_relay: MakeRelay) -> None:
    """The only interpreter at work speaks Portuguese: the Vietnamese call is queued with ``covered: false``
    (stored with the event, so a reloaded tablet still says so) and the queue lists it so; an interpreter
    who declares Vietnamese makes it ``covered: true`` before the offer rings."""
    relay = await make_relay(**FAST_QUEUE)
    await _operator(relay, "pt-only", ["pt"])
    session = await relay.create_session("vi")
    counter = await relay.counter(session)
    await counter.send(type="escalate")
    queued = await counter.expect("escalation", state="queued")
    assert (queued["position"], queued["covered"]) == (1, False) and "eta_s" not in queued
    assert (await _queue_entry(relay, session["session_id"]))["covered"] is False

    vietnamese = await _operator(relay, "vi", ["vi"])
    await counter.expect("escalation", state="queued", covered=True)
    await vietnamese.expect("escalation", state="offered", session_id=session["session_id"])
    replay = await relay.counter(session, resume_after=0)
    await replay.expect("escalation", state="queued", covered=True)
    told = [m.get("covered") for m in replay.seen if m["type"] == "escalation"]
    assert told == [False, True], "the events are stored: a reloaded tablet is told the same"


# ------------------------------------------------------------------ operator.state takes effect or errs


async def test_available_again_after_a_missed_offer(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    operator = await _operator(relay, "sleepy", ["en"])
    await counter.send(type="escalate")
    await operator.expect("escalation", state="offered")
    await operator.expect("escalation", state="cancelled", reason="timeout")
    assert (await operator.expect("operator.status"))["state"] == "away"

    await operator.send(type="operator.state", state="available", languages=["en", "vi"])
    # back at the desk: the call it missed (no decision of theirs) is offered to it again at once
    status = await operator.expect("operator.status")
    assert (status["state"], status["languages"]) == ("offered", ["en", "vi"])
    await operator.expect("escalation", state="offered", session_id=session["session_id"])
    snapshot = await relay.ctx.escalation.backend.snapshot()
    assert [(o.state, o.languages) for o in snapshot.operators] == [("offered", ("en", "vi"))]


async def test_operator_state_that_cannot_apply_is_an_error_and_changes_nothing(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    fresh = await _operator(relay, "fresh")
    await fresh.send(type="operator.state", state="available")
    error = await fresh.expect("error")
    assert (error["code"], error["ref"]) == ("missing_field", "operator.state")
    await fresh.send(type="operator.state", state="available", languages=["auto"])
    assert (await fresh.expect("error"))["code"] == "invalid_field"

    session = await relay.create_session("en")
    counter = await relay.counter(session)
    busy = await _operator(relay, "busy", ["en"])
    await _serve(relay, session, counter, busy)
    await busy.send(type="operator.state", state="away", languages=["en", "vi"])
    error = await busy.expect("error")
    assert error["code"] == "invalid_transition" and error["ref"] == "operator.state"
    snapshot = await relay.ctx.escalation.backend.snapshot()
    mine = next(o for o in snapshot.operators if o.operator_id == busy_id(relay, "busy"))
    assert (mine.state, mine.languages) == ("busy", ("en",)), "nothing of a refused request took effect"


def busy_id(relay: Relay, name: str) -> str:
    principal_ids = {c.principal.name: c.principal.id for c in relay.ctx.connections if c.principal}
    return principal_ids[name]


# ------------------------------------------------------------------ who reads which transcript


async def test_transcripts_follow_who_took_part(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    serving = await _operator(relay, "serving", ["en"])
    await _operator(relay, "bystander", ["vi"])
    await counter.send(type="text", speaker="clerk", text="住民票の写しですね")
    await resident.expect("translation", kind="translation")
    await _serve(relay, session, counter, serving)
    await serving.send(type="text", speaker="operator", text="Yes, one copy.", lang="en")
    await serving.send(type="text", speaker="operator", text="本人確認が必要と伝えます", lang="ja")
    await counter.expect("translation", kind="operator", lang="ja")
    await resident.send(type="text", speaker="resident", text="Thank you")
    await counter.expect("translation", lang="ja", kind="translation")

    url = f"/api/sessions/{session['session_id']}/transcript"
    for name, status in (("serving", 200), ("bystander", 403), ("admin", 200), ("clerk", 200)):
        resp = await relay.client.get(url, headers={"Authorization": f"Bearer {relay.tokens[name]}"})
        assert resp.status == status, name
    _, other_clerk = await relay.ctx.auth.add_token("clerk", "another counter")
    resp = await relay.client.get(url, headers={"Authorization": f"Bearer {other_clerk}"})
    assert resp.status == 403, "a clerk who never joined the session"

    resident_auth = {"Authorization": f"Bearer {session['resident_token']}"}
    rows = (await (await relay.client.get(url, headers=resident_auth)).json())["utterances"]
    shown_texts = [r["text"] for r in rows if r["text"]] + [t["text"] for r in rows for t in r["translations"]]
    assert "Thank you" in shown_texts and "Yes, one copy." in shown_texts and "[en] 住民票の写しですね" in shown_texts
    assert not any(text == "住民票の写しですね" or "本人確認" in text for text in shown_texts), \
        "the clerk's Japanese and the interpreter's notes to the clerk were never shown to the resident"
    assert all(t["kind"] != "back_translation" and "details" not in t for r in rows for t in r["translations"])
    as_text = await (await relay.client.get(url + "?format=txt", headers=resident_auth)).text()
    assert "本人確認" not in as_text and "(ja): 住民票の写しですね" not in as_text and "Yes, one copy." in as_text


# ------------------------------------------------------------------ the reconnect rule


async def test_operator_reconnecting_without_session_id_gets_its_session_named_and_replayed(
        make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    operator = await _operator(relay, "op", ["en"])
    await counter.send(type="text", speaker="clerk", text="最初の話")
    await _serve(relay, session, counter, operator)
    await operator.ws.close()
    await counter.expect("notice", code="operator_disconnected")

    back = WsClient(await relay.client.ws_connect("/ws"))
    await back.send(type="hello", protocol=1, role="operator", token=relay.tokens["op"])
    welcome = await back.expect("welcome")
    assert welcome["session_id"] == session["session_id"] and welcome["session"]["counter"] == "市民課 1番"
    first = await back.expect("transcript")
    assert first["text"] == "最初の話", "the whole conversation, from the start"
    status = next(m for m in back.seen if m["type"] == "operator.status")
    assert (status["state"], status["session_id"]) == ("busy", session["session_id"])
    await back.send(type="text", speaker="operator", text="Still here", lang="en")
    await counter.expect("translation", kind="operator", text="Still here")


async def test_operator_hello_naming_a_session_it_does_not_serve_is_told_the_truth(make_relay: MakeRelay) -> None:
    relay = await make_relay(**FAST_QUEUE)
    session = await relay.create_session("en")
    await _operator(relay, "idle", ["en"])
    ws = await relay.connect("operator", relay.tokens["idle"], session["session_id"], resume_after=0,
                             expect_welcome=False)
    welcome = await ws.expect("welcome")
    assert welcome.get("session_id") is None and welcome.get("session") is None
    await ws.expect("operator.status", state="available")
    await drain(ws)
    assert not any(m["type"] in ("transcript", "translation") for m in ws.seen)


async def test_the_answer_to_an_operator_state_names_it(make_relay: MakeRelay) -> None:
    """A console that chose 受付可 then 離席 must tell the answer to its latest choice from a status sent
    before it (which would flip its switch back): the answer echoes the request's client_id."""
    relay = await make_relay(**FAST_QUEUE)
    ws = await _operator(relay, "quick")
    await ws.send(type="operator.state", state="available", languages=["en"], client_id="state-1")
    await ws.send(type="operator.state", state="away", languages=["en"], client_id="state-2")
    first = await ws.expect("operator.status", client_id="state-1")
    last = await ws.expect("operator.status", client_id="state-2")
    assert (first["state"], last["state"]) == ("available", "away")
    await ws.send(type="operator.state", state="away", client_id="x" * 65)
    refused = await ws.expect("error")
    assert (refused["code"], refused["client_id"]) == ("invalid_field", "x" * 65)
