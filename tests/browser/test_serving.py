"""The relay serves the pages itself, with strict headers, and nothing is loaded from elsewhere."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import LiveRelay, console_errors


def _get(relay: LiveRelay, path: str) -> Any:
    return urllib.request.urlopen(relay.url + path, timeout=10)


@pytest.mark.parametrize("path", ["/", "/counter", "/resident"])
def test_pages_are_served_with_a_strict_policy(live_relay: LiveRelay, path: str) -> None:
    with _get(live_relay, path) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "text/html"
        csp = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "connect-src 'self'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        html = response.read().decode()
    assert "<script>" not in html and " style=" not in html, "no inline script or style"
    assert "http://" not in html and "https://" not in html, "nothing from another origin"


def test_static_files_have_their_types_and_nothing_else_is_served(live_relay: LiveRelay) -> None:
    with _get(live_relay, "/static/common/connection.js") as response:
        assert response.headers.get_content_type() == "text/javascript"
    for path in ("/static/__init__.py", "/static/../relay/app.py", "/static/%2e%2e/relay/app.py", "/static/common/"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            _get(live_relay, path)
        assert caught.value.code == 404


def test_home_page_links_the_pages_and_loads_only_from_the_relay(live_relay: LiveRelay, new_context: Any) -> None:
    page = new_context().new_page()
    errors = console_errors(page)
    page.goto("/")
    page.get_by_role("link", name="窓口タブレット（職員用）").click()
    page.wait_for_url("**/counter")
    assert not errors
