"""The browser pages: ``web_client/`` served by the relay, and the QR code of the resident's link.

Every folder ``web_client/<page>/`` with an ``index.html`` is served at ``/<page>`` (``counter``,
``resident``, ``operator``, ``admin``), any other ``<name>.html`` in it at ``/<page>/<name>``, and
``web_client/index.html`` at ``/``. Scripts, styles and images are under ``/static/``: only the file
types a page needs, never anything outside ``web_client/``. Nothing is loaded from another origin,
so the pages work on a LAN with no internet; the Content-Security-Policy (``relay.app``) enforces it.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from relay.http.api import _json_body, api_error, require
from relay.wire.protocol import ErrorCode

WEB_CLIENT = Path(__file__).resolve().parents[2] / "web_client"
STATIC_TYPES = {
    ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
    ".json": "application/json", ".woff2": "font/woff2", ".html": "text/html",
}
# pages change with the relay's version: the browser asks every time (a 304 when unchanged)
NO_CACHE = {"Cache-Control": "no-cache"}
MAX_QR_TEXT = 1000
QR_ROLES = frozenset({"clerk", "admin"})
PageHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _page_handler(path: Path) -> PageHandler:
    async def page(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(path, headers={"Content-Type": "text/html; charset=utf-8", **NO_CACHE})

    return page


async def static_file(request: web.Request) -> web.StreamResponse:
    relative = request.match_info["path"]
    path = (WEB_CLIENT / relative).resolve()
    if not path.is_relative_to(WEB_CLIENT) or path.suffix not in STATIC_TYPES or not path.is_file():
        raise web.HTTPNotFound()
    content_type = STATIC_TYPES[path.suffix]
    if content_type.startswith("text/") or content_type.endswith("json"):
        content_type += "; charset=utf-8"
    return web.FileResponse(path, headers={"Content-Type": content_type, **NO_CACHE})


async def favicon(request: web.Request) -> web.StreamResponse:
    """Browsers ask for /favicon.ico whatever the page says; the icon is an SVG."""
    raise web.HTTPFound("/static/favicon.svg")


def page_routes(root: Path = WEB_CLIENT) -> dict[str, Path]:
    """URL path → HTML file, for every page under ``root``."""
    routes: dict[str, Path] = {}
    if (root / "index.html").is_file():
        routes["/"] = root / "index.html"
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "index.html").is_file()):
        for html in sorted(folder.glob("*.html")):
            url = f"/{folder.name}" if html.name == "index.html" else f"/{folder.name}/{html.stem}"
            routes[url] = html
    return routes


async def qr_svg(request: web.Request) -> web.Response:
    """``POST /api/qr`` ``{text}`` → an SVG QR code, made here (segno), so no outside service ever sees
    the resident's link. The link carries the resident token, which the relay keeps only hashed: the
    counter tablet that received it is the one that asks for its picture."""
    import segno

    await require(request, QR_ROLES)
    body = await _json_body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise api_error(400, ErrorCode.MISSING_FIELD, "give text: the link to encode")
    if len(text) > MAX_QR_TEXT:
        raise api_error(400, ErrorCode.INVALID_FIELD, f"text is limited to {MAX_QR_TEXT} characters")
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=8, border=4, xmldecl=False,
                                      title="QR", dark="#000", light="#fff")
    return web.Response(body=out.getvalue(), content_type="image/svg+xml", headers=NO_CACHE)


def add_page_routes(app: web.Application, root: Path = WEB_CLIENT) -> None:
    if root.is_dir():
        for url, html in page_routes(root).items():
            app.router.add_get(url, _page_handler(html))
    app.router.add_get("/static/{path:.+}", static_file)
    app.router.add_get("/favicon.ico", favicon)
    app.router.add_post("/api/qr", qr_svg)
