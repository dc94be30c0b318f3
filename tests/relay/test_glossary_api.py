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
    missing = await relay.client.put("/api/glossary/粗大ごみ", headers=relay.auth("admin"),
                                     json={**term, "translations": {"en": "oversized garbage"}})
    assert missing.status == 400, "every offered language needs its preferred translation"
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
