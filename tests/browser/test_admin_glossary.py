"""The dashboard's glossary editor against a relay whose glossary is a writable copy."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from pipelines.glossary import DEFAULT_GLOSSARY, read_glossary
from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot
from tests.browser.sign_in import sign_in_to_dashboard


@pytest.fixture
def glossary_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "glossary.tsv"
    shutil.copy(DEFAULT_GLOSSARY, copy)
    return copy


@pytest.fixture
def live_relay(make_live_relay: MakeLiveRelay, glossary_copy: Path) -> LiveRelay:
    return make_live_relay(mt={"glossary_path": str(glossary_copy)}, relay={"languages": ["en", "vi"]})


def open_glossary(live_relay: LiveRelay, new_context: Any) -> tuple[Any, list[str], Any]:
    """The dashboard signed in, its glossary region listing the shipped terms; with the page's console errors."""
    page = new_context(viewport=(1280, 900)).new_page()
    errors = console_errors(page)
    sign_in_to_dashboard(page, live_relay.tokens["admin"])
    glossary = page.get_by_role("region", name="用語集")
    expect(glossary.get_by_role("row").filter(has_text="住民票").first).to_be_visible()
    return page, errors, glossary


def test_admin_adds_edits_and_removes_a_term(live_relay: LiveRelay, new_context: Any, glossary_copy: Path) -> None:
    page, errors, glossary = open_glossary(live_relay, new_context)

    glossary.get_by_label("用語", exact=True).fill("粗大ごみ")
    glossary.get_by_label("読み（ひらがな）").fill("そだいごみ")
    glossary.get_by_label("やさしい日本語の説明").fill("大きい ごみ")
    glossary.get_by_label("英語").fill("oversized garbage")
    glossary.get_by_label("ベトナム語").fill("rác cồng kềnh")
    glossary.get_by_role("button", name="用語を保存").click()
    expect(glossary.get_by_role("status")).to_contain_text("「粗大ごみ」を保存しました")
    assert {e.ja: e for e in read_glossary(glossary_copy)}["粗大ごみ"].translations["vi"] == "rác cồng kềnh"

    glossary.get_by_role("button", name="粗大ごみ を編集").click()
    glossary.get_by_label("英語").fill("bulky waste")
    glossary.get_by_role("button", name="用語を保存").click()
    expect(glossary.get_by_role("row").filter(has_text="粗大ごみ")).to_contain_text("bulky waste")

    glossary.get_by_label("読み（ひらがな）").fill("sodaigomi")  # refused: not hiragana
    glossary.get_by_label("用語", exact=True).fill("粗大ごみ")
    glossary.get_by_label("やさしい日本語の説明").fill("大きい ごみ")
    glossary.get_by_label("英語").fill("x")
    glossary.get_by_label("ベトナム語").fill("x")
    glossary.get_by_role("button", name="用語を保存").click()
    expect(glossary.get_by_role("status")).to_contain_text("読みはひらがなで入力してください")
    assert {e.ja: e for e in read_glossary(glossary_copy)}["粗大ごみ"].translations["en"] == "bulky waste"

    page.on("dialog", lambda dialog: dialog.accept())
    glossary.get_by_role("button", name="粗大ごみ を削除").click()
    expect(glossary.get_by_role("row").filter(has_text="粗大ごみ")).to_have_count(0)
    assert "粗大ごみ" not in {e.ja for e in read_glossary(glossary_copy)}
    assert errors == [], errors


def test_a_term_needs_only_the_languages_the_city_knows(live_relay: LiveRelay, new_context: Any,
                                                         glossary_copy: Path) -> None:
    page, errors, glossary = open_glossary(live_relay, new_context)

    glossary.get_by_label("用語", exact=True).fill("整理券")
    glossary.get_by_label("読み（ひらがな）").fill("せいりけん")
    glossary.get_by_label("やさしい日本語の説明").fill("番号の 紙")
    glossary.get_by_role("button", name="用語を保存").click()  # nothing but Japanese: said why, not saved
    expect(glossary.get_by_role("status")).to_contain_text("訳を少なくとも1つの言語で入力してください")
    assert "整理券" not in {e.ja for e in read_glossary(glossary_copy)}

    glossary.get_by_label("英語").fill("numbered ticket")  # Vietnamese left empty
    glossary.get_by_role("button", name="用語を保存").click()
    expect(glossary.get_by_role("status")).to_contain_text("「整理券」を保存しました")
    expect(glossary.get_by_role("status")).to_contain_text("訳のない言語（ベトナム語）では")
    assert {e.ja: e for e in read_glossary(glossary_copy)}["整理券"].translations == {"en": "numbered ticket"}
    expect(glossary.get_by_role("row").filter(has_text="整理券")).to_contain_text("英語: numbered ticket")
    glossary.get_by_role("heading", name="用語集").scroll_into_view_if_needed()
    shot(page, "admin-glossary")
    assert errors == [], errors
