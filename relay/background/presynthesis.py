"""After start-up, synthesise the phrasebook's fixed phrases into the TTS cache, in the background.

Phrasebook phrases are said all day at every counter ("please wait", "please write your name here"):
with their audio ready, the resident hears them at once. This runs through the same bridge as live
speech, one language at a time, and never delays start-up; at the lowest priority (``Bridge.background``):
a phrase is made only while the voice has had no live call for a moment, so live speech always goes
first (the warming takes longer on a busy node; a phrase not made yet is synthesised when first said).

One phrase per bridge call: a clerk's live speech then waits for one phrase at most, not for a whole
language's (minutes with Kokoro on a busy node), and a shutdown waits for the one phrase its thread is
rendering. A phrase that times out (a busy node) stops the warming with a warning: the remaining phrases
are synthesised when first said, and the relay is not reported as failing.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from pipelines.base import EngineError
from relay.context import RelayContext

log = logging.getLogger("madoguchi.presynthesis")


def phrase_texts(phrasebook: Any, lang: str) -> list[str]:
    return [text for entry in phrasebook if entry.presynthesizable and (text := entry.text(lang))]


async def presynthesize_phrasebook(ctx: RelayContext) -> int:
    """Returns how many sentences were synthesised (0 when there is nothing to do)."""
    tts = ctx.settings.section("tts")
    synth = ctx.engines.synthesizer
    if tts is None or not tts.presynthesize_phrasebook or not synth.capabilities.presynthesize:
        return 0
    mt = ctx.settings.section("mt")
    try:
        from pipelines.phrasebook import load_phrasebook

        path = getattr(mt, "phrasebook_path", "")
        phrasebook = load_phrasebook(Path(path) if path else None)
    except Exception as exc:  # the phrasebook is optional for speech: report and carry on
        log.warning("phrasebook not loaded for pre-synthesis", extra={"error": str(exc)})
        return 0
    started, total = time.perf_counter(), 0
    # Japanese too (a resident's phrase is spoken to the clerk in Japanese), last: the Kokoro voice is the
    # slowest, and the residents' languages should be warm first.
    languages = [lang for lang in ctx.supported_languages() if lang != "ja"] + ["ja"]
    for lang in languages:
        if not synth.has_voice(lang):
            continue
        for text in phrase_texts(phrasebook, lang):
            try:
                total += await ctx.bridge.background("tts", synth.presynthesize, [text], lang,
                                                     tts.rate_for("phrasebook"))
            except EngineError as exc:
                log.warning("phrasebook pre-synthesis stopped; the rest is synthesised when first said",
                            extra={"lang": lang, "sentences": total, "error": str(exc)})
                return total
    log.info("phrasebook pre-synthesised", extra={"sentences": total,
                                                   "seconds": round(time.perf_counter() - started, 1)})
    return total
