"""The administrator's dashboard in real Chromium: charts from a seeded store, live state, a token
created and revoked."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from pipelines.base import MissingEngine
from tests.browser.conftest import LiveRelay, MakeLiveRelay, console_errors, shot
from tests.browser.sign_in import sign_in_to_dashboard
from tests.browser.test_counter import open_counter
from tests.browser.test_operator_console import sign_in, take_the_call
from tests.browser.test_resident_call_and_end import LINES
from tests.fakes import fake_engines
from tests.relay.seed import seed_history


def test_dashboard_charts_live_state_and_tokens(live_relay: LiveRelay, new_context: Any) -> None:
    relay = live_relay
    seeded = relay.call(seed_history(relay.ctx.store, time.time()))
    relay.create_session("vi", counter="税務課 2番")
    page = new_context(viewport=(1280, 1000)).new_page()
    errors = console_errors(page)
    sign_in_to_dashboard(page, relay.tokens["admin"])

    by_language = page.get_by_role("figure", name="言語別の受付数")
    expect(by_language.locator("rect")).to_have_count(len(seeded.by_language))
    label = by_language.get_by_role("img").get_attribute("aria-label") or ""
    expected = {**seeded.by_language, "vi": seeded.by_language["vi"] + 1}  # and today's open session
    for name, count in (("ベトナム語", expected["vi"]), ("中国語", expected["zh"]), ("英語", expected["en"])):
        assert f"{name} {count}件" in label, label
    expect(page.get_by_role("figure", name="日別の受付数（言語別）").locator("rect")).to_have_count(6)
    expect(page.get_by_role("figure", name="通訳者を呼んだ理由")).to_contain_text("確信度が低い")
    expect(page.locator("#kpis-history")).to_contain_text("25%")  # 1 of 4 ended waits within 30 s
    outcomes = page.get_by_role("figure", name="通訳者を呼んだ結果").get_by_role("img").get_attribute("aria-label") or ""
    for outcome, count in (("応答", 2), ("放棄（待ちきれず）", seeded.abandoned), ("取り消し", seeded.cancelled)):
        assert f"{outcome} {count}件" in outcomes, outcomes  # the withdrawn call is not among the abandoned
    expect(page.locator(".kpi").filter(has_text="取り消し（呼び出しを取り消した）")).to_contain_text("1件")
    # the relay's own calls (a language it cannot translate) are not counted as a person's; a call whose
    # tablet went away is not one that was given up (3 and 3 of the 8 sessions, today's open one included)
    expect(page.locator(".kpi").filter(has_text="自動で通訳者を呼んだ割合")).to_contain_text("37.5%")
    expect(page.locator(".kpi").filter(has_text="通訳者を依頼した割合（職員・住民が依頼）")).to_contain_text("37.5%")
    expect(page.locator(".kpi").filter(has_text="自動終了（タブレットが閉じられた）")).to_contain_text("1件")
    expect(page.locator("#counters")).to_contain_text("税務課 2番")
    expect(page.locator("#engines")).to_contain_text("準備完了")
    shot(page, "admin-dashboard")
    page.get_by_role("heading", name="履歴").evaluate("heading => heading.scrollIntoView()")  # to the top
    shot(page, "admin-history")

    page.get_by_label("役割").select_option("operator")
    page.get_by_label("名前").fill("ネパール語 通訳 山田")
    page.get_by_role("button", name="トークンを作成").click()
    token = page.locator("#new-token-value")
    expect(token).to_have_text(re.compile(r"^mdg_operator_\S+$"))
    plaintext = token.text_content()
    assert _status(relay, plaintext) == 200

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="ネパール語 通訳 山田 のトークンを無効にする").click()
    expect(page.locator("#token-rows").get_by_role("row").filter(has_text="ネパール語 通訳 山田")).to_contain_text("無効")
    audit = page.get_by_role("region", name="監査ログ")
    revoked = audit.get_by_role("row").filter(has_text="トークンを無効化").first
    expect(revoked).to_contain_text("「ネパール語 通訳 山田」")  # the token by its name, not its id
    expect(revoked).to_contain_text("管理者「test admin」")
    assert _status(relay, plaintext) == 401, "a revoked token stops working"
    assert not errors, errors


def _status(relay: LiveRelay, token: str) -> int:
    request = urllib.request.Request(relay.url + "/api/languages", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("role", ["clerk", "operator"])
def test_dashboard_refuses_other_tokens(live_relay: LiveRelay, new_context: Any, role: str) -> None:
    page = new_context().new_page()
    sign_in_to_dashboard(page, live_relay.tokens[role])
    expect(page.get_by_role("alert").filter(has_text="管理者のトークンではありません")).to_be_visible()


def test_dashboard_names_people_and_says_what_each_audit_entry_means(live_relay: LiveRelay, new_context: Any) -> None:
    relay = live_relay
    operator_id, token = relay.call(relay.ctx.auth.add_token("operator", "ベトナム語 通訳 田中"))
    console = new_context(viewport=(1280, 800)).new_page()
    sign_in(console, relay, ["vi"], token)
    counter = open_counter(relay, new_context())
    take_the_call(counter, console).get_by_role("button", name="受ける").click()
    expect(console.locator("#state-now")).to_have_text("対応中")

    page = new_context(viewport=(1280, 1000)).new_page()
    errors = console_errors(page)
    sign_in_to_dashboard(page, relay.tokens["admin"])
    tanaka = page.locator("#operators").get_by_role("row").filter(has_text="ベトナム語 通訳 田中")
    expect(tanaka).to_contain_text("対応中")
    expect(tanaka.get_by_role("cell").first).to_contain_text(operator_id)  # the id stays, for IT, beside the name
    served = page.locator("#counters").get_by_role("row").filter(has_text="市民課 1番")
    expect(served).to_contain_text("ベトナム語 通訳 田中")
    expect(page.locator("#queue").get_by_role("row").filter(has_text="市民課 1番")).to_contain_text("対応中（ベトナム語 通訳 田中）")

    audit = page.get_by_role("region", name="監査ログ")
    audit.get_by_label("操作で絞り込み").select_option(label="接続（login）")
    rows = audit.locator("tbody").get_by_role("row")
    expect(rows.filter(has_text="通訳者「ベトナム語 通訳 田中」")).to_have_count(1)
    expect(rows.filter(has_text="職員「test clerk」")).to_contain_text("窓口として　窓口「市民課 1番」")
    for row in rows.all():
        expect(row.get_by_role("cell").nth(2)).not_to_contain_text("login", use_inner_text=True)  # the meaning, not the code
    first = rows.first
    first.get_by_text("記録").click()  # the raw record, for IT
    expect(first.locator("code")).to_contain_text("login")
    expect(first.locator("code")).to_be_visible()
    audit.get_by_role("heading", name="監査ログ").scroll_into_view_if_needed()
    shot(page, "admin-audit")
    assert not errors, errors


def test_an_engine_s_state_reads_whole_beside_a_long_detail(make_live_relay: MakeLiveRelay, new_context: Any) -> None:
    """IT reads whether each engine is ready: 未インストール on one line beside the real relay's long reason
    (the walkthrough with the real relay showed it one character per line)."""
    engines = fake_engines()
    engines.translator = MissingEngine("mt", "phrasebook only: until an Argos translation package is installed, only "  # type: ignore[assignment]
                                       "the phrasebook's fixed phrases are translated (none under "
                                       "/var/lib/madoguchi/models/argos); install one with "
                                       "`madoguchi models install argos FILE.argosmodel`")
    relay = make_live_relay(engines)
    page = new_context(viewport=(1280, 800)).new_page()
    sign_in_to_dashboard(page, relay.tokens["admin"])
    engines_table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="エンジン"))
    missing = engines_table.get_by_role("row").filter(has_text="定型文のみ").get_by_role("cell").nth(1)
    expect(missing).to_have_text("未インストール")
    for cell in (missing, engines_table.get_by_role("columnheader", name="状態")):
        assert cell.evaluate(LINES) == 1, cell.inner_text()
    detail = engines_table.get_by_role("row").filter(has_text="定型文のみ").get_by_role("cell").nth(2)
    assert detail.evaluate(LINES) <= 4, "the reason reads as sentences, not a column a word wide"


def test_the_engines_are_described_in_japanese_with_their_commands_as_they_are(
        make_live_relay: MakeLiveRelay, new_context: Any, tmp_path: Any) -> None:
    """A node with no model installed, as the real loaders report it: the dashboard says in Japanese what is
    missing and how to install it, the commands, folders and model names exactly as IT types them."""
    from pipelines.loader import load_engine
    from relay.settings import load_settings

    settings = load_settings(env={}, overrides={})
    configs = {name: settings.section(name) for name in ("asr", "mt", "tts")}
    engines = fake_engines()
    engines.recognizer = load_engine("recognizer", configs, tmp_path)
    engines.synthesizer = load_engine("synthesizer", configs, tmp_path)
    engines.translator = load_engine("translator", configs, tmp_path / "typo")
    relay = make_live_relay(engines)
    page = new_context(viewport=(1280, 800)).new_page()
    sign_in_to_dashboard(page, relay.tokens["admin"])
    table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="エンジン"))
    asr = table.get_by_role("row").filter(has_text="音声認識（asr）")
    expect(asr).to_contain_text(f"Whisper のモデル「base」が {tmp_path}/whisper にありません。"
                                "`madoguchi models install whisper PATH` で導入してください")
    tts = table.get_by_role("row").filter(has_text="音声合成（tts）")
    expect(tts).to_contain_text("日本語の音声は `madoguchi models install kokoro registry:kokoro-ja`")
    mt = table.get_by_role("row").filter(has_text="翻訳（mt）")  # models.dir mistyped: said first
    expect(mt).to_contain_text(f"モデルのフォルダー {tmp_path}/typo がありません（[models] dir を確かめてください）。"
                               "定型文のみ: Argos の翻訳パッケージを導入するまで")
    expect(table).not_to_contain_text("install one with")
    assert "install one with" in (asr.get_by_role("cell").nth(2).locator("span").get_attribute("title") or ""), \
        "the relay's own words, as in its log, behind the Japanese"
