"""Every word the resident may be shown (the phone's status lines and controls, the tablet's resident
panel) exists in every language the phone speaks: a key missing in one language would show that
resident English (the tables' fallback) in the middle of their own language."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import LiveRelay

MISSING = """async () => {
  const {PHONE_STRINGS} = await import('/static/resident/strings-session.js');
  const keys = Object.keys(PHONE_STRINGS.en);
  const missing = {};
  for (const [lang, table] of Object.entries(PHONE_STRINGS)) {
    const gaps = keys.filter((key) => !table[key]);
    if (gaps.length) missing[lang] = gaps;
  }
  return {languages: Object.keys(PHONE_STRINGS), keys: keys.length, missing};
}"""


def test_every_resident_string_is_in_every_language_of_the_phone(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    page.goto("/resident")
    found = page.evaluate(MISSING)
    assert sorted(found["languages"]) == sorted(["en", "ja", "zh", "ko", "vi", "tl", "pt", "es", "ne", "id", "th", "my"])
    assert found["keys"] >= 50  # both tables: the call's words (strings.js) and the session's (strings-session.js)
    assert found["missing"] == {}, f"missing in some languages: {found['missing']}"
