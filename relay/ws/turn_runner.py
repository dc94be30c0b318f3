"""Running one turn (a typed text or a recognised utterance) through the pipeline, and what the client is
told when the store cannot keep it."""

from __future__ import annotations

from relay.storage.store import StoreUnavailable
from relay.turns import routing
from relay.turns.pipeline import Utterance
from relay.turns.session import Session
from relay.wire.protocol import Partial, store_unavailable
from relay.ws.client import Client


async def run_turn(conn: Client, session: Session, utterance: Utterance) -> None:
    ctx = conn.ctx
    if not session.is_open:
        return
    detected = routing.detected_resident_language(utterance.speaker, utterance.lang, session.resident_lang,
                                                  ctx.supported_languages())
    if detected is not None:
        await session.update(reason="detected", resident_lang=detected)
        await ctx.escalation.language_changed(session)
    try:
        await ctx.pipeline.run(session, utterance, conn)
    except StoreUnavailable:
        # not stored, not sent: a typed text is still in the client, which resends it (same client_id);
        # speech is not, so its recognised text goes back for the client to offer to send as typed text
        spoken = None if utterance.source != "speech" else {
            "utterance_id": utterance.utterance_id, "speaker": utterance.speaker, "lang": utterance.lang,
            "text": utterance.text}
        if spoken:  # its partial line is on every screen: cleared, as nothing of it was said on record
            session.send_transient(Partial(utterance_id=utterance.utterance_id, speaker=utterance.speaker,
                                           lang=utterance.lang, text=""))
        conn.report(store_unavailable(utterance.client_id, spoken), "audio" if spoken else "text")
