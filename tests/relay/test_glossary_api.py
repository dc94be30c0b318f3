"""The municipal glossary through the admin API."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.glossary import DEFAULT_GLOSSARY, read_glossary
from tests.relay.conftest import MakeRelay

LANGS = ["en", "vi"]


async def test_admin_edits_a_copy_of_the_glossary(make_relay: MakeRelay, tmp_path: Path) -> None:
    copy = tmp_path / "glossary.tsv"
    shutil.copy(DEFAULT_GLOSSARY, copy)
    relay = await make_relay(mt={"glossary_path": str(copy)}, relay={"languages": LANGS})
    listed = await (await relay.client.get("/api/glossary", headers=relay.auth("clerk"))).json()
    assert any(e["ja"] == "住民票" for e in listed["entries"])

    term = {"reading": "そだいごみ", "easy": "大きい ごみ", "translations": {"en": "oversized garbage", "vi": "rác cồng kềnh"}}
    resp = await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("admin"), json=term)
    assert resp.status in (200, 201), await resp.text()
    saved = {e.ja: e for e in read_glossary(copy)}
    assert saved["粗大ごみ"].translations["en"] == "oversized garbage"

    bad = await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("admin"),
                                 json={**term, "reading": "sodaigomi"})
    assert bad.status == 400 and "hiragana" in (await bad.json())["error"]["message"]
    only_english = await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("admin"),
                                          json={**term, "translations": {"en": "oversized garbage", "vi": " "}})
    assert only_english.status == 200, "a city adds the languages it knows; the others may stay empty"
    assert (await only_english.json())["untranslated"] == ["vi"]
    assert {e.ja: e for e in read_glossary(copy)}["粗大ごみ"].translations == {"en": "oversized garbage"}
    nothing = await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("admin"),
                                     json={**term, "translations": {"en": "", "vi": ""}})
    assert nothing.status == 400 and "at least one language" in (await nothing.json())["error"]["message"]
    assert (await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("clerk"), json=term)).status == 403

    deleted = await relay.client.delete("/api/glossary/粗大ごみ", headers=relay.auth("admin"))
    assert deleted.status == 200 and "粗大ごみ" not in {e.ja for e in read_glossary(copy)}
    assert (await relay.client.delete("/api/glossary/粗大ごみ", headers=relay.auth("admin"))).status == 404
    audit = await relay.ctx.store.audit_log()
    assert [a["action"] for a in audit[:2]] == ["glossary.delete", "glossary.put"]


async def test_built_in_glossary_is_read_only(make_relay: MakeRelay) -> None:
    relay = await make_relay()
    resp = await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("admin"),
                                  json={"reading": "そだいごみ", "easy": "大きい ごみ", "translations": {}})
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "glossary_read_only"


async def test_a_new_glossary_path_starts_as_a_copy_of_the_built_in_one(make_relay: MakeRelay, tmp_path: Path) -> None:
    fresh = tmp_path / "city" / "glossary.tsv"  # the documented way to make the glossary editable
    relay = await make_relay(mt={"glossary_path": str(fresh)}, relay={"languages": LANGS})
    assert read_glossary(fresh) == read_glossary(DEFAULT_GLOSSARY)
    term = {"reading": "せいりけん", "easy": "番号の紙", "translations": {"en": "numbered ticket", "vi": "phiếu số"}}
    resp = await relay.client.put("/api/glossary/整理券", headers=relay.auth("admin"), json=term)
    assert resp.status == 201, await resp.text()
    assert "整理券" in {e.ja for e in read_glossary(fresh)}


def test_engines_load_with_a_glossary_path_that_does_not_exist_yet(tmp_path: Path) -> None:
    from relay.engines.loading import load_relay_engines
    from relay.settings import load_settings

    fresh = tmp_path / "glossary.tsv"
    settings = load_settings(env={}, overrides={"mt": {"glossary_path": str(fresh)},
                                                "models": {"dir": str(tmp_path / "models")}})
    engines = load_relay_engines(settings)
    for name, status in engines.statuses().items():
        assert "FileNotFoundError" not in status.detail, f"{name}: {status.detail}"
    assert engines.statuses()["easy_japanese"].ready
    assert fresh.is_file()


async def test_an_admins_new_term_reaches_the_easy_japanese_rewriter(make_relay: MakeRelay, tmp_path: Path) -> None:
    from relay.engines.easy_japanese import EasyJapaneseTranslator
    from tests.fakes import fake_engines

    copy = tmp_path / "glossary.tsv"
    shutil.copy(DEFAULT_GLOSSARY, copy)
    engines = fake_engines(easy_japanese=EasyJapaneseTranslator(glossary_path=copy))
    relay = await make_relay(engines, mt={"glossary_path": str(copy)}, relay={"languages": LANGS})
    session = await relay.create_session(resident_lang="vi", mode="easy_japanese")
    counter = await relay.counter(session)

    said = "窓口で整理券を取ってください。"
    await counter.send(type="text", speaker="clerk", text=said)
    before = await counter.expect("translation", kind="easy_japanese")
    assert "番号の紙" not in before["text"]

    term = {"reading": "せいりけん", "easy": "番号の紙", "translations": {"en": "numbered ticket", "vi": "phiếu số"}}
    resp = await relay.client.put("/api/glossary/整理券", headers=relay.auth("admin"), json=term)
    assert resp.status == 201, await resp.text()
    await counter.send(type="text", speaker="clerk", text=said)
    after = await counter.expect("translation", kind="easy_japanese")
    assert "整理券" in after["text"] and "番号の紙" in after["text"], after["text"]
    await counter.close()
