"""The clients of ``bench/e2e.py``: one counter tablet and one resident phone per session, over websockets.

The clerk speaks Japanese from the tablet, the resident answers in English from the phone, in turn: a
turn streams one utterance at real-time pace in 100 ms frames, as the browser's capture worklet sends
them (each frame leaves when its last sample has been "spoken", as from a microphone), followed by
silence so that the relay's endpointing, not ``audio.stop``, ends the utterance. The next turn starts
when the other side has the translation and its speech has started (or after ``turn_timeout_s``),
plus a think pause.

Every event is timed on arrival at the device where a person would notice it: partials and the final
transcript on the speaker's device, the translation and the first byte of speech audio on the other
side's device.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from _e2e_stack import Speech
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

FRAME_S = 0.1
BYTES_PER_FRAME = int(16000 * 2 * FRAME_S)


@dataclass
class Turn:
    speaker: str  # clerk | resident
    lang: str
    onset: float  # wall clock (perf_counter) of the first and last sample of speech
    end: float
    utterances: list[str] = field(default_factory=list)  # utterance ids, in order of their final
    stopped: float = 0.0  # when audio.stop left


@dataclass
class Timeline:
    """Arrival times of every event of one session, by utterance id."""

    first_partial: dict[str, float] = field(default_factory=dict)
    final: dict[str, float] = field(default_factory=dict)
    translation: dict[str, float] = field(default_factory=dict)
    first_audio: dict[str, float] = field(default_factory=dict)  # on the listener's device
    errors: list[str] = field(default_factory=list)
    partials: int = 0  # partial events on the speaker's device (they thin out when the node is busy)


class Device:
    """One websocket (the tablet or the phone) and what arrives on it."""

    def __init__(self, role: str, timeline: Timeline) -> None:
        self.role, self.timeline = role, timeline
        self.ws: ClientConnection | None = None
        self.streams: dict[int, str] = {}  # tts stream id → utterance id
        self.reader: asyncio.Task[None] | None = None
        self.on_event: Any = None

    async def open(self, base: str, hello: dict[str, Any]) -> None:
        # no client pings, as a browser sends none: the relay keeps the connection alive with its own
        self.ws = await connect(base.replace("http", "ws") + "/ws", max_size=None, ping_interval=None)
        await self.ws.send(json.dumps({"type": "hello", "protocol": 1, "role": self.role, **hello}))
        welcome = json.loads(await self.ws.recv())
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"{self.role} refused: {welcome}")
        self.reader = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                if isinstance(raw, bytes):
                    uid = self.streams.pop(struct.unpack_from("<I", raw)[0], None)
                    if uid is not None and self.on_event is not None:
                        self.on_event(self, {"type": "audio", "utterance_id": uid}, now)
                else:
                    self._on(json.loads(raw), now)
        except ConnectionClosed:
            pass

    def _on(self, body: dict[str, Any], now: float) -> None:
        kind = body["type"]
        if kind == "error":
            self.timeline.errors.append(body.get("code", "?"))
        elif kind == "tts.start":
            self.streams[body["stream"]] = body["utterance_id"]
        if self.on_event is not None:
            self.on_event(self, body, now)

    async def send_turn(self, speech: Speech, turn: Turn) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps({"type": "audio.start", "speaker": turn.speaker, "sample_rate": 16000}))
        started = time.perf_counter()
        turn.onset, turn.end = started + speech.onset_s, started + speech.end_s
        for n, offset in enumerate(range(0, len(speech.pcm), BYTES_PER_FRAME)):
            # a microphone hands a frame over once its last sample has been spoken
            await asyncio.sleep(max(0.0, started + (n + 1) * FRAME_S - time.perf_counter()))
            await self.ws.send(speech.pcm[offset:offset + BYTES_PER_FRAME])
        await self.ws.send(json.dumps({"type": "audio.stop"}))
        turn.stopped = time.perf_counter()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader


def target_lang(speaker: str) -> str:
    return "en" if speaker == "clerk" else "ja"


class Conversation:
    """One session: the clerk's tablet and the resident's phone taking turns."""

    def __init__(self, session: dict[str, Any], token: str, speech: dict[str, list[Speech]],
                 tts_langs: set[str]) -> None:
        self.session, self.token, self.speech = session, token, speech
        self.tts_langs = tts_langs  # languages spoken aloud: a turn into one of them waits for its audio
        self.timeline = Timeline()
        self.tablet = Device("counter", self.timeline)
        self.phone = Device("resident", self.timeline)
        self.turns: list[Turn] = []
        self.turn_of: dict[str, Turn] = {}  # utterance id → the turn it was spoken in
        self.turn_done = asyncio.Event()

    async def open(self, base: str) -> None:
        sid = self.session["session_id"]
        for device in (self.tablet, self.phone):
            device.on_event = self._on_event
        await self.tablet.open(base, {"token": self.token, "session_id": sid})
        await self.phone.open(base, {"token": self.session["resident_token"], "session_id": sid})

    def _listener(self, speaker: str) -> Device:
        return self.phone if speaker == "clerk" else self.tablet

    def _on_event(self, device: Device, body: dict[str, Any], now: float) -> None:
        kind, uid = body["type"], body.get("utterance_id", "")
        if kind in ("partial", "transcript") and self.turns and body.get("speaker") == self.turns[-1].speaker:
            self.turn_of.setdefault(uid, self.turns[-1])  # speech of the turn being spoken
        turn = self.turn_of.get(uid)
        if turn is None:
            return
        on_speaker_side = self._listener(turn.speaker) is not device
        if kind == "partial" and on_speaker_side:
            self.timeline.first_partial.setdefault(uid, now)
            self.timeline.partials += 1
        elif kind == "transcript" and on_speaker_side:
            self.timeline.final.setdefault(uid, now)
            if uid not in turn.utterances:
                turn.utterances.append(uid)
        elif kind == "translation" and body.get("kind") == "translation" and not on_speaker_side:
            self.timeline.translation.setdefault(uid, now)
        elif kind == "audio" and not on_speaker_side:
            self.timeline.first_audio.setdefault(uid, now)
        if turn is self.turns[-1] and self._complete(turn):
            self.turn_done.set()

    def _complete(self, turn: Turn) -> bool:
        if not turn.stopped or not turn.utterances:
            return False
        last = turn.utterances[-1]
        spoken = target_lang(turn.speaker) in self.tts_langs
        return last in self.timeline.translation and (not spoken or last in self.timeline.first_audio)

    async def run(self, until: float, think_s: float, turn_timeout_s: float, rng: random.Random,
                  max_turns: int = 1 << 30) -> None:
        offset = rng.randrange(len(self.speech["clerk"]))  # the sentences differ from counter to counter
        await asyncio.sleep(rng.uniform(0, think_s))  # counters do not start in lockstep
        for n in range(max_turns):  # the clerk opens, then the resident answers, in turn
            if time.perf_counter() >= until:
                break
            speaker = "clerk" if n % 2 == 0 else "resident"
            device = self.tablet if speaker == "clerk" else self.phone
            self.turn_done.clear()
            speech = self.speech[speaker][(offset + n // 2) % len(self.speech[speaker])]
            turn = Turn(speaker, speech.lang, 0.0, 0.0)
            self.turns.append(turn)  # events of this turn are attributed to it from its first frame
            await device.send_turn(speech, turn)
            if not self._complete(turn):
                with contextlib.suppress(TimeoutError):  # counted as missing in the report
                    await asyncio.wait_for(self.turn_done.wait(), turn_timeout_s)
            await asyncio.sleep(rng.expovariate(1 / think_s) if think_s > 0 else 0)

    async def close(self) -> None:
        await self.tablet.close()
        await self.phone.close()
