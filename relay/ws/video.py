"""Video for sign language (手話通訳) and hard cases: WebRTC between the browsers of one session.

The relay carries only the signalling (``video.signal``: invite, SDP offer and answer, ICE candidates,
end) over the existing websocket; audio and video go browser to browser. On one LAN the browsers'
host candidates are enough; across sites ``[video] ice_servers`` names STUN/TURN servers, which every
client receives in ``welcome.video``. A signal is checked like every other message: its sender must be
in the session (an operator: serving it), its recipient must be there too, and the resident's phone
takes part only while the clerk allows it (``video.allow``). Signals to or from an operator on another
node travel over the session channel (``relay.escalation.operator_link``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from relay.context import RelayContext
from relay.turns.session import Session
from relay.wire.protocol import ErrorCode, ProtocolError, VideoAllow, VideoSignal, VideoState, decode, encode
from relay.ws.client import Client

log = logging.getLogger("madoguchi.video")

MAX_CALL_ID = 64
MAX_CANDIDATE_CHARS = 2048


@dataclass
class VideoConfig:
    enabled: bool = field(default=True, metadata={"help": "offer video calls (sign language) between the counter and the operator console"})
    ice_servers: list[str] = field(default_factory=list, metadata={
        "help": "STUN/TURN URLs for calls across sites (stun:host:3478, turn:host:3478?transport=udp); empty = one LAN"})
    turn_username: str = field(default="", metadata={"help": "user name for the turn: servers in ice_servers"})
    turn_credential: str = field(default="", metadata={"help": "credential for the turn: servers in ice_servers"})
    resident_video: bool = field(default=True, metadata={"help": "the clerk may let the resident's phone join the video"})


def config(ctx: RelayContext) -> VideoConfig:
    return ctx.settings.section("video") or VideoConfig()


def welcome_video(ctx: RelayContext) -> dict[str, Any]:
    """What ``RTCPeerConnection({iceServers})`` needs; TURN credentials only in the welcome of a client
    that authenticated."""
    cfg = config(ctx)
    servers: list[dict[str, Any]] = []
    for url in cfg.ice_servers:
        server: dict[str, Any] = {"urls": url}
        if url.startswith(("turn:", "turns:")) and cfg.turn_username:
            server |= {"username": cfg.turn_username, "credential": cfg.turn_credential}
        servers.append(server)
    return {"enabled": cfg.enabled, "ice_servers": servers, "resident_video": cfg.resident_video}


def _check_signal(message: VideoSignal) -> None:
    if not message.call_id or len(message.call_id) > MAX_CALL_ID:
        raise ProtocolError(ErrorCode.INVALID_FIELD, f"video.signal: call_id is 1–{MAX_CALL_ID} characters")
    if message.kind in ("offer", "answer") and not message.sdp:
        raise ProtocolError(ErrorCode.MISSING_FIELD, f"video.signal: a {message.kind} carries sdp")
    if message.kind == "candidate" and (message.candidate is None
                                        or len(json.dumps(message.candidate)) > MAX_CANDIDATE_CHARS):
        raise ProtocolError(ErrorCode.INVALID_FIELD, "video.signal: a candidate carries candidate (an object)")


async def on_signal(conn: Client, message: VideoSignal) -> None:
    ctx = conn.ctx
    if not config(ctx).enabled:
        raise ProtocolError(ErrorCode.INVALID_STATE, "video calls are switched off on this relay")
    _check_signal(message)
    if message.to == conn.role:
        raise ProtocolError(ErrorCode.INVALID_FIELD, "video.signal: to names the other side")
    signal = dataclasses.replace(message, sender=conn.role)  # type: ignore[arg-type]
    if conn.role == "operator":
        ctx.escalation.operator_video(conn, encode(signal))
        return
    session = conn.session
    if session is None or not session.is_open:
        raise ProtocolError(ErrorCode.INVALID_STATE, "not in a session")
    forward(ctx, session, signal)


def forward(ctx: RelayContext, session: Session, signal: VideoSignal) -> None:
    """To the recipient role in the session, if the call is allowed (raises otherwise)."""
    if signal.to == "operator" and session.operator_id is None:
        raise ProtocolError(ErrorCode.INVALID_STATE, "no interpreter is connected to this session")
    if "resident" in (signal.to, signal.sender) and session.id not in ctx.video_allowed:
        raise ProtocolError(ErrorCode.FORBIDDEN, "the clerk has not let the resident's phone join the video")
    to = signal.to
    session.send_transient(signal, lambda p: p.role == to)


def from_operator(ctx: RelayContext, session: Session, command: dict[str, Any]) -> None:
    """A signal of the serving operator, arrived at the session's home node."""
    try:
        signal = decode(str(command["message"]), from_client=False)
        if isinstance(signal, VideoSignal) and signal.sender == "operator":
            forward(ctx, session, signal)
    except (ProtocolError, KeyError) as exc:
        log.info("operator video signal dropped", extra={"session": session.id, "why": str(exc)})


async def on_allow(conn: Client, message: VideoAllow) -> None:
    ctx = conn.ctx
    session = conn.session
    if session is None or not session.is_open:
        raise ProtocolError(ErrorCode.INVALID_STATE, "not in a session")
    if message.resident and not config(ctx).resident_video:
        raise ProtocolError(ErrorCode.FORBIDDEN, "video on the resident's phone is switched off on this relay")
    if message.resident:
        ctx.video_allowed.add(session.id)
    else:
        ctx.video_allowed.discard(session.id)
        session.send_transient(VideoSignal(to="resident", kind="end", call_id="*", reason="not_allowed",
                                                sender="counter"), lambda p: p.role == "resident")
    session.send_transient(VideoState(resident_allowed=message.resident))


def on_connected(conn: Client) -> None:
    """A phone that joins later learns that the clerk allowed video."""
    session = conn.session
    if session is not None and session.id in conn.ctx.video_allowed:
        conn.send(VideoState(resident_allowed=True))
