"""Health, metrics, transcript export, closing, purge and shutdown."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import time

import pytest

from relay.wire.protocol import CloseCode
from tests.relay.conftest import MakeRelay, Relay


async def test_healthz_reports_every_engine(relay: Relay) -> None:
    body = await (await relay.client.get("/healthz")).json()
    assert set(body["engines"]) == {"asr", "mt", "tts", "easy_japanese"}
    assert body["status"] == "ok" and all(e["state"] == "ready" for e in body["engines"].values())


async def test_languages_report_the_phrasebook_also_without_mt_models(make_relay: MakeRelay, tmp_path) -> None:
    """With no Argos package installed the phrasebook still translates, so the counter may offer it."""
    from pipelines.mt import MtConfig, load_translator
    from tests.fakes import fake_engines

    engines = fake_engines()
    engines.translator = load_translator(MtConfig(), tmp_path / "no-models")  # type: ignore[assignment]
    relay = await make_relay(engines)
    body = await (await relay.client.get("/api/languages", headers=relay.auth("clerk"))).json()
    english = next(lang for lang in body["languages"] if lang["code"] == "en")
    assert (english["mt_from_ja"], english["name"]) == (False, "English")
    assert english["phrasebook"] > 0.5
    assert engines.translator.translate("少々お待ちください", "ja", "en").kind == "phrasebook"


async def test_languages_say_which_way_a_model_translates(make_relay: MakeRelay) -> None:
    """Argos packages are per direction: vi→ja alone translates the resident's words, not the staff's."""
    from tests.fakes import FakeTranslator, fake_engines

    relay = await make_relay(fake_engines(translator=FakeTranslator(missing=[("ja", "vi"), ("en", "ja")])))
    body = await (await relay.client.get("/api/languages", headers=relay.auth("clerk"))).json()
    ways = {lang["code"]: lang["mt"] for lang in body["languages"]}
    assert (ways["vi"], ways["en"], ways["ja"]) == ("to_ja", "from_ja", "both")


async def test_missing_engines_are_reported_honestly(make_relay: MakeRelay) -> None:
    from pipelines.base import MissingEngine
    from tests.fakes import fake_engines

    engines = fake_engines()
    engines.recognizer = MissingEngine("asr", "no Whisper model installed")  # type: ignore[assignment]
    relay = await make_relay(engines)
    body = await (await relay.client.get("/healthz")).json()
    assert body["status"] == "degraded"
    assert body["engines"]["asr"] == {"state": "missing", "detail": "no Whisper model installed", "models": [],
                                      "languages": []}
    session = await relay.create_session("en")
    ws = await relay.connect("counter", relay.tokens["clerk"], session["session_id"], expect_welcome=False)
    welcome = await ws.expect("welcome")
    assert welcome["engines"]["asr"]["ready"] is False
    await ws.send(type="audio.start", sample_rate=16000)
    assert (await ws.expect("error"))["code"] == "engine_unavailable"


async def test_metrics_count_sessions_utterances_latency_and_errors(relay: Relay) -> None:
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="text", speaker="clerk", text="こんにちは")
    await ws.expect("translation", kind="back_translation")
    await ws.send_raw("{")
    await ws.expect("error")
    text = ""
    for _ in range(100):  # the turn ends (stored as finished, then timed) just after its last message
        text = await (await relay.client.get("/metrics")).text()
        if 'stage="turn"}' in text:
            break
        await asyncio.sleep(0.05)
    assert 'madoguchi_sessions_created_total{mode="translation"} 1.0' in text
    assert 'madoguchi_utterances_total{source="text",speaker="clerk"} 1.0' in text
    assert 'madoguchi_stage_latency_seconds_count{stage="turn"} 1.0' in text
    assert 'madoguchi_errors_total{code="invalid_json"} 1.0' in text
    assert "madoguchi_sessions_open 1.0" in text


async def _conversation(relay: Relay) -> dict:
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="text", speaker="clerk", text="電話番号は090-1234-5678ですね")
    await ws.expect("translation", kind="back_translation")
    await ws.send(type="text", speaker="resident", text="Yes", lang="en")
    await ws.expect("translation", lang="ja")
    return session


@pytest.mark.parametrize("fmt", ["json", "txt", "csv"])
async def test_transcript_export(relay: Relay, fmt: str) -> None:
    session = await _conversation(relay)
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}/transcript?format={fmt}",
                                  headers=relay.auth("clerk"))
    assert resp.status == 200
    text = await resp.text()
    assert "090-1234-5678" not in text and "＊＊＊-＊＊＊＊-＊＊＊＊" in text, "phone numbers are masked in the store"
    if fmt == "json":
        rows = json.loads(text)["utterances"]
        assert [(r["speaker"], r["lang"]) for r in rows] == [("clerk", "ja"), ("resident", "en")]
        kinds = [t["kind"] for t in rows[0]["translations"]]
        assert kinds == ["translation", "back_translation"]
        assert rows[0]["timings"] is not None and rows[0]["translations"][0]["timings"]["mt_ms"] >= 0
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert {r["kind"] for r in rows} >= {"translation", "back_translation"}
    else:
        assert "clerk (ja)" in text and "resident (en): Yes" in text


@pytest.mark.parametrize("fmt", ["json", "txt", "csv"])
async def test_the_residents_transcript_shows_no_back_translations(relay: Relay, fmt: str) -> None:
    # back-translations are the clerk's check on the AI: the resident reads what they were told, once
    session = await _conversation(relay)
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}/transcript?format={fmt}",
                                  headers={"Authorization": f"Bearer {session['resident_token']}"})
    assert resp.status == 200
    text = await resp.text()
    if fmt == "json":
        rows = json.loads(text)["utterances"]
        kinds = [(r["speaker"], t["kind"], t["lang"]) for r in rows for t in r["translations"]]
        assert kinds == [("clerk", "translation", "en")]  # what the resident was told, in their language
        assert [r["speaker"] for r in rows] == ["clerk", "resident"]
        assert all("asr" not in r for r in rows)
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [(r["speaker"], r["kind"]) for r in rows] == [("clerk", "translation"), ("resident", "")]
    else:
        assert "back_translation" not in text and "→ translation (en)" in text


async def test_unknown_transcript_format(relay: Relay) -> None:
    session = await relay.create_session("en")
    resp = await relay.client.get(f"/api/sessions/{session['session_id']}/transcript?format=pdf",
                                  headers=relay.auth("clerk"))
    assert resp.status == 400


async def test_closing_a_session_tells_everyone_and_ends_sockets(relay: Relay) -> None:
    session = await relay.create_session("en")
    counter, resident = await relay.counter(session), await relay.resident(session)
    resp = await relay.client.post(f"/api/sessions/{session['session_id']}/close", headers=relay.auth("clerk"))
    assert resp.status == 200
    for ws in (counter, resident):
        await ws.expect("session.closed")
        assert await ws.recv() is None and ws.close_code == CloseCode.NORMAL
    again = await relay.client.post(f"/api/sessions/{session['session_id']}/close", headers=relay.auth("clerk"))
    assert again.status == 409


async def test_purge_removes_old_sessions_only(relay: Relay) -> None:
    old, new = await relay.create_session("en"), await relay.create_session("en")
    await relay.ctx.store.write([("UPDATE sessions SET created_at = ? WHERE id = ?",
                                  (time.time() - 100 * 86400, old["session_id"]))])
    assert await relay.ctx.store.purge_older_than(90) == 1
    assert await relay.ctx.store.get_session(old["session_id"]) is None
    assert await relay.ctx.store.get_session(new["session_id"]) is not None


async def test_shutdown_closes_sockets_with_1001_and_flushes_store(make_relay: MakeRelay) -> None:
    relay = await make_relay()
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="text", speaker="clerk", text="最後の発言")
    await ws.expect("transcript")
    await relay.client.server.app.shutdown()
    # what the turn had already stored and sent may still come before the close (the connection closes
    # after what is queued for it); nothing comes after it
    received = []
    while (message := await ws.recv()) is not None:
        received.append(message)
    assert ws.close_code == CloseCode.GOING_AWAY
    assert all(m["type"] == "translation" for m in received), received
    await relay.client.close()
    restarted = await make_relay()
    rows = await restarted.ctx.store.transcript(session["session_id"])
    assert rows and rows[0]["text"] == "最後の発言"
    stored = {t["text"] for row in rows for t in row["translations"]}
    assert all(m["text"] in stored for m in received), "whatever was sent had been stored first"


async def test_info_logs_carry_session_id_but_no_transcript_text(relay: Relay, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="madoguchi")
    session = await relay.create_session("en")
    ws = await relay.counter(session)
    await ws.send(type="text", speaker="clerk", text="秘密の相談です")
    await ws.expect("translation", kind="back_translation")
    infos = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("madoguchi")]
    utterance_logs = [r for r in infos if r.getMessage() == "utterance"]
    assert utterance_logs and all(getattr(r, "session", None) == session["session_id"] for r in utterance_logs)
    assert not any("秘密" in r.getMessage() or "秘密" in str(vars(r)) for r in infos)
