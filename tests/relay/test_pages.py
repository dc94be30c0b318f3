"""Pages and the QR endpoint over HTTP (the browser tests drive the pages themselves)."""

from __future__ import annotations

from pathlib import Path

from relay.http.pages import page_routes
from tests.relay.conftest import Relay


def test_every_page_folder_is_a_route(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    for name in ("counter", "operator"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("<!doctype html>")
    (tmp_path / "counter" / "panel.html").write_text("<!doctype html>")
    (tmp_path / "common").mkdir()  # modules only: not a page
    assert set(page_routes(tmp_path)) == {"/", "/counter", "/counter/panel", "/operator"}


async def test_qr_code_is_an_svg_made_here_for_staff_only(relay: Relay) -> None:
    body = {"text": "http://relay.example/resident#session=abc&token=res_x"}
    response = await relay.client.post("/api/qr", json=body, headers=relay.auth("clerk"))
    assert response.status == 200 and response.content_type == "image/svg+xml"
    svg = await response.text()
    assert svg.startswith("<svg") and "<path" in svg and "token" not in svg
    assert (await relay.client.post("/api/qr", json=body)).status == 401
    assert (await relay.client.post("/api/qr", json=body, headers=relay.auth("operator"))).status == 403
    too_long = await relay.client.post("/api/qr", json={"text": "x" * 5000}, headers=relay.auth("clerk"))
    assert too_long.status == 400
