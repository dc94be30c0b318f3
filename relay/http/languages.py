"""``GET /api/languages``: per offered language, what is installed for it."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from pipelines.languages import KNOWN_LANGUAGES
from relay.context import RelayContext

log = logging.getLogger("madoguchi.http")


def _mt_coverage(ctx: RelayContext, codes: list[str]) -> dict[str, dict[str, Any]]:
    coverage_of: Any = None
    with contextlib.suppress(ImportError):
        from pipelines.mt import language_coverage as coverage_of
    # also without MT models: the phrasebook translates its phrases with no model installed
    if coverage_of is not None:
        try:
            return dict(coverage_of(ctx.engines.translator, codes))
        except Exception:  # coverage is informational: never fail the endpoint on it, but say why it is missing
            log.warning("MT coverage report failed", exc_info=True)
    translator = ctx.engines.translator
    return {c: {"mt_from_ja": translator.supports("ja", c), "mt_to_ja": translator.supports(c, "ja"),
                "phrasebook": 0.0} for c in codes}


def mt_direction(from_ja: bool, to_ja: bool) -> str:
    """Which way a model translates: ``both``; ``to_ja`` (the resident's words reach the staff, the staff's
    only as fixed phrases); ``from_ja`` (the other way round); ``none`` (fixed phrases only, both ways).
    A package is installed per direction, so one way only is a real installation, not a fault."""
    return {(True, True): "both", (False, True): "to_ja", (True, False): "from_ja"}.get((from_ja, to_ja), "none")


async def language_report(ctx: RelayContext) -> list[dict[str, Any]]:
    codes = ctx.supported_languages()
    asr = ctx.engines.recognizer.status()
    coverage = await ctx.bridge.run("mt", _mt_coverage, ctx, codes)
    report = []
    for code in ["ja", *codes]:
        lang = KNOWN_LANGUAGES.get(code)
        mt = coverage.get(code, {})
        report.append({
            "code": code,
            "name": lang.native_name if lang else code,
            "english_name": lang.english_name if lang else code,
            "asr": asr.ready and (not asr.languages or code in asr.languages),
            "mt_from_ja": code == "ja" or bool(mt.get("mt_from_ja")),
            "mt_to_ja": code == "ja" or bool(mt.get("mt_to_ja")),
            "mt": "both" if code == "ja" else mt_direction(bool(mt.get("mt_from_ja")), bool(mt.get("mt_to_ja"))),
            "tts": ctx.engines.synthesizer.has_voice(code),
            "phrasebook": mt.get("phrasebook", 0.0),
        })
    return report


def phrasebook_phrases(ctx: RelayContext, lang: str) -> list[dict[str, str]]:
    """The phrasebook's fixed phrases that have ``lang`` (no numbers to fill in): what still translates,
    as said, with no translation model installed. The translator's own phrasebook, so the list is the one
    that translates (and follows an edit of the file); the configured file only for a translator without
    one. Empty when the phrasebook cannot be read."""
    try:
        phrasebook = getattr(ctx.engines.translator, "phrasebook", None) or _configured_phrasebook(ctx)
    except Exception:  # informational, like the coverage: the page then shows no phrases
        log.warning("phrasebook not loaded for the phrase list", exc_info=True)
        return []
    return [{"id": entry.id, "category": entry.category, "ja": entry.ja, "text": text}
            for entry in phrasebook if entry.presynthesizable and (text := entry.text(lang))]


def _configured_phrasebook(ctx: RelayContext) -> Any:
    from pipelines.phrasebook import load_phrasebook

    path = getattr(ctx.settings.section("mt"), "phrasebook_path", "")
    return load_phrasebook(Path(path) if path else None)
