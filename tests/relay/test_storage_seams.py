"""SQL lives in relay.storage only; the rows of a turn are named by column there and read back whole."""

from __future__ import annotations

import re
from pathlib import Path

from relay.storage.store import SessionRecord, Store
from relay.storage.turn_records import translation_rows, utterance_rows

RELAY = Path(__file__).resolve().parents[2] / "relay"
SQL = re.compile(r"\b(SELECT\s+\S|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)")


def test_no_sql_outside_the_storage_package() -> None:
    offenders = [str(path.relative_to(RELAY.parent)) for path in RELAY.rglob("*.py")
                 if "storage" not in path.relative_to(RELAY).parts[:1] and SQL.search(path.read_text("utf-8"))]
    assert offenders == []


async def test_a_turns_rows_are_stored_by_column_and_read_back(tmp_path: Path) -> None:
    store = await Store(tmp_path / "s.sqlite3").open()
    try:
        await store.create_session(SessionRecord("s1", "A", "vi", "translation", True, "open", 1.0))
        await store.append_event("s1", 1, "transcript", "{}", utterance_rows(
            utterance_id="u1", session_id="s1", seq=1, speaker="clerk", lang="ja", text="こんにちは", confidence=0.9,
            source="text", asr_details={"avg_logprob": -0.2}, timings={"decode_ms": 5.0}, client_id="c1",
            unfinished=True))
        await store.append_event("s1", 2, "translation", "{}", translation_rows(
            utterance_id="u1", seq=2, kind="translation", lang="vi", text="xin chào", confidence=0.8,
            details={"glossary_terms": []}, timings={"mt_ms": 3.0}))
        await store.append_event("s1", 3, "translation", "{}", translation_rows(
            utterance_id="u1", seq=3, kind="operator", lang="vi", text="Xin chào!", confidence=1.0,
            details={}, timings={}, replaces=True))
        [row] = await store.transcript("s1")
        assert (row["speaker"], row["lang"], row["text"], row["source"]) == ("clerk", "ja", "こんにちは", "text")
        assert row["asr"] == {"avg_logprob": -0.2} and row["timings"] == {"decode_ms": 5.0}
        assert [(t["kind"], t["text"], t["replaced"]) for t in row["translations"]] == [
            ("translation", "xin chào", True), ("operator", "Xin chào!", False)]
        assert await store.utterance_for_client_id("s1", "c1") == "u1"
        assert [t["id"] for t in await store.unfinished_turns()] == ["u1"]
        assert await store.stored_translation("u1") == ("xin chào", "vi")
    finally:
        await store.close()
