"""Admin API for the municipal glossary: read it, add or change a term, remove a term.

Edits go to the file named by ``[mt] glossary_path`` (the built-in glossary inside the installed package
is read-only; a ``glossary_path`` that does not exist yet starts as a copy of it). The MT engine and the
やさしい日本語 rewriter re-read the file when it changes, so an edit applies from the next utterance.
Every edit is validated first and written atomically, and it goes into the audit log.

A term needs its Japanese, a hiragana reading, a やさしい日本語 explanation and a translation in at least
one language; other languages may stay empty (a city adds the languages it knows). In a language without
one the term is not protected: MT translates it like any other word. ``PUT`` answers with the offered
languages left ``untranslated``, so the dashboard can say so.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from pipelines.glossary import (
    DEFAULT_GLOSSARY,
    GlossaryEntry,
    ensure_glossary_file,
    read_glossary,
    save_glossary,
    validate_entry,
)
from relay.context import CONTEXT
from relay.http.api import STAFF, _json_body, api_error, require
from relay.wire.protocol import ErrorCode

ADMIN = frozenset({"admin"})
_lock = asyncio.Lock()  # one edit at a time: read, change, write


def _glossary_path(request: web.Request, for_writing: bool) -> Path:
    mt = request.app[CONTEXT].settings.section("mt")
    configured = getattr(mt, "glossary_path", "") if mt is not None else ""
    if configured:
        return ensure_glossary_file(Path(configured))
    if for_writing:
        raise api_error(409, ErrorCode.GLOSSARY_READ_ONLY, "the built-in glossary is read-only: copy it, set "
                        "[mt] glossary_path to the copy, and edit that")
    return DEFAULT_GLOSSARY


def _as_dict(entry: GlossaryEntry) -> dict[str, object]:
    return {"ja": entry.ja, "reading": entry.reading, "easy": entry.easy, "translations": entry.translations}


async def list_glossary(request: web.Request) -> web.Response:
    await require(request, STAFF)
    entries = await asyncio.to_thread(read_glossary, _glossary_path(request, for_writing=False))
    return web.json_response({"entries": [_as_dict(e) for e in entries]})


async def put_term(request: web.Request) -> web.Response:
    principal = await require(request, ADMIN)
    path = _glossary_path(request, for_writing=True)
    body = await _json_body(request)
    translations = body.get("translations", {})
    if not isinstance(translations, dict) or not all(isinstance(v, str) for v in translations.values()):
        raise api_error(400, ErrorCode.INVALID_FIELD, "translations must map language codes to text")
    # a language left empty has no preferred translation: MT translates the term there as any word
    given = {lang: text for lang, text in translations.items() if text.strip()}
    entry = GlossaryEntry(ja=request.match_info["term"], reading=str(body.get("reading", "")),
                          easy=str(body.get("easy", "")), translations=given)
    try:
        validate_entry(entry, need_a_translation=True)
    except ValueError as exc:
        raise api_error(400, ErrorCode.INVALID_FIELD, str(exc)) from None
    offered = request.app[CONTEXT].supported_languages()
    async with _lock:
        entries = await asyncio.to_thread(read_glossary, path)
        created = all(e.ja != entry.ja for e in entries)
        entries = [e for e in entries if e.ja != entry.ja] + [entry]
        await asyncio.to_thread(save_glossary, entries, path)
    await request.app[CONTEXT].store.audit(principal.actor, "glossary.put", term=entry.ja)
    untranslated = [lang for lang in offered if lang != "ja" and lang not in entry.translations]
    return web.json_response({**_as_dict(entry), "untranslated": untranslated}, status=201 if created else 200)


async def delete_term(request: web.Request) -> web.Response:
    principal = await require(request, ADMIN)
    path = _glossary_path(request, for_writing=True)
    term = request.match_info["term"]
    async with _lock:
        entries = await asyncio.to_thread(read_glossary, path)
        kept = [e for e in entries if e.ja != term]
        if len(kept) == len(entries):
            raise api_error(404, ErrorCode.TERM_NOT_FOUND, f"no glossary term {term!r}")
        await asyncio.to_thread(save_glossary, kept, path)
    await request.app[CONTEXT].store.audit(principal.actor, "glossary.delete", term=term)
    return web.json_response({"deleted": term})


def add_glossary_routes(app: web.Application) -> None:
    app.router.add_get("/api/glossary", list_glossary)
    app.router.add_put("/api/glossary/{term}", put_term)
    app.router.add_delete("/api/glossary/{term}", delete_term)
