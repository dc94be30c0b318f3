"""Speech through the relay with the real Whisper base (fake MT and TTS): a counter tablet streams audio
at real-time pace over the websocket and reads partials and transcripts, as the clerk's screen does.

These pin issue 16's bug: on real weights the streaming recogniser said committed words twice ("What your
What your country"), cut sentences at a breath, showed half characters and lost utterances."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipelines.asr.scoring import error_rate, repeated_run
from relay.app import create_app
from relay.settings import load_settings
from tests.asr.conftest import kokoro_speech, real_recognizer, real_whisper_model, shared_data
from tests.asr.fakes import silence, to_pcm
from tests.fakes import fake_engines
from tests.relay.conftest import Relay, WsClient

pytestmark = pytest.mark.engine
SPEECH = shared_data() / "speech"
JFK = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
JAPANESE = ("転入届を出すときは、在留カードを持ってきてください。", "国民健康保険の手続きは二階の窓口です。")


STEP_S = 0.25  # the tablet's microphone frame, and the audio the relay decodes at a time (one step)
WAIT_S = 120.0  # the most any wait here may take, on the busiest machine


class CountingStream:
    """A recognition stream that counts the audio it has processed (so a test can wait for it)."""

    def __init__(self, stream: Any, recogniser: CountingRecogniser) -> None:
        self._stream, self._recogniser, self._taken = stream, recogniser, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def insert_audio(self, pcm: bytes) -> None:
        self._taken += len(pcm)
        self._stream.insert_audio(pcm)

    def process(self, partials: bool = True) -> Any:
        """In the bridge's thread."""
        events = self._stream.process(partials)
        self._recogniser.add_processed(self._taken)
        self._taken = 0
        return events


class CountingRecogniser:
    """The real recogniser; ``processed``: bytes of audio its streams have been through (all streams)."""

    def __init__(self, recogniser: Any) -> None:
        self._recogniser, self.processed = recogniser, 0
        self._changed = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._recogniser, name)

    def new_stream(self, languages: Any, sample_rate: int) -> CountingStream:
        self._loop = asyncio.get_running_loop()  # audio.start is handled on the relay's loop
        return CountingStream(self._recogniser.new_stream(languages, sample_rate), self)

    def add_processed(self, size: int) -> None:
        self.processed += size
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._changed.set)

    async def until_processed(self, size: int) -> None:
        while True:
            self._changed.clear()
            if self.processed >= size:
                return
            await self._changed.wait()


@pytest.fixture
def recogniser() -> CountingRecogniser:
    return CountingRecogniser(real_recognizer())


@pytest.fixture
async def relay(aiohttp_client: Any, tmp_path: Path, recogniser: CountingRecogniser) -> Relay:
    settings = load_settings(env={}, overrides={"store": {"path": str(tmp_path / "relay.sqlite3")}})
    app = create_app(settings, fake_engines(recognizer=recogniser))  # type: ignore[arg-type]
    relay = Relay(await aiohttp_client(app))
    _, relay.tokens["clerk"] = await relay.ctx.auth.add_token("clerk", "counter")
    return relay


async def speak(counter: WsClient, audio: np.ndarray, kept_pace: CountingRecogniser | None = None) -> None:
    """Stream audio like the tablet's microphone: one frame every ``STEP_S`` of wall-clock time. With
    ``kept_pace``, a frame also waits until the recogniser has processed the one before (the node keeps
    pace with the speaker; on a loaded machine, decodes slower than real time would otherwise hand it
    several frames in one step)."""
    await counter.send(type="audio.start", speaker="auto", sample_rate=16000)
    pcm = to_pcm(np.concatenate([silence(0.5), audio, silence(1.5)]))
    step = int(16000 * STEP_S) * 2
    loop = asyncio.get_running_loop()
    started = loop.time()
    for index, offset in enumerate(range(0, len(pcm), step)):
        frame = pcm[offset:offset + step]
        await counter.send_raw(frame)
        if kept_pace is not None and len(frame) == step:  # a shorter last frame waits for audio.stop
            await asyncio.wait_for(kept_pace.until_processed(offset + step), WAIT_S)
        await asyncio.sleep(max(0.0, started + (index + 1) * STEP_S - loop.time()))
    await counter.send(type="audio.stop")


async def heard(relay: Relay, counter: WsClient, audio: np.ndarray, kept_pace: CountingRecogniser | None = None,
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(partials, transcripts) the counter received for ``audio``: all of them, however long the last
    decode takes. The relay reads a connection's messages in order, and handles ``audio.stop`` by waiting
    until recognition has ended with every final queued as a turn: a second ``audio.stop``, refused, is
    answered after that. A marker queued behind those turns runs once they have all been sent; a third
    ``audio.stop`` is refused behind what they sent."""
    messages: list[dict[str, Any]] = []
    refused = asyncio.Queue[None]()

    async def listen() -> None:
        while (body := await counter.recv(wait_s=WAIT_S)) is not None:
            messages.append(body)
            if body["type"] == "error" and body["code"] == "audio_not_started":
                refused.put_nowait(None)

    async def stop_answered() -> None:
        await counter.send(type="audio.stop")
        await refused.get()

    listener = asyncio.create_task(listen())
    try:
        async with asyncio.timeout(WAIT_S):
            await speak(counter, audio, kept_pace)
            await stop_answered()  # recognition has ended: every final is queued as a turn
            turns_done = asyncio.Event()

            async def marker() -> None:
                turns_done.set()

            [connection] = [c for c in relay.ctx.connections if c.role == "counter"]
            await connection.turns.put(marker)  # type: ignore[attr-defined]
            await turns_done.wait()  # every turn has sent its transcript
            await stop_answered()  # and the counter has received it
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
    return ([m for m in messages if m["type"] == "partial"], [m for m in messages if m["type"] == "transcript"])


def check_partials(partials: list[dict[str, Any]], transcripts: list[dict[str, Any]]) -> None:
    assert partials, "partials are shown while someone speaks"
    assert all("\ufffd" not in p["text"] for p in partials), "a partial ended in half a character"
    repeats = [p["text"] for p in partials if repeated_run(p["text"], p["lang"])]
    assert not repeats, f"partials that say something twice: {repeats}"
    finalised = {t["utterance_id"] for t in transcripts}
    assert {p["utterance_id"] for p in partials} <= finalised, "an utterance shown as partials got no final"


async def test_jfk_through_the_relay_is_heard_once_and_nearly_word_for_word(relay: Relay) -> None:
    from faster_whisper import decode_audio

    if not (SPEECH / "jfk.flac").is_file():
        pytest.skip(f"{SPEECH / 'jfk.flac'} is not here (the evaluation data, see shared/data/README.md)")
    counter = await relay.counter(await relay.create_session("en"))
    partials, transcripts = await heard(relay, counter, decode_audio(str(SPEECH / "jfk.flac")))
    said = " ".join(t["text"] for t in transcripts)
    assert repeated_run(said, "en") is None, said
    assert error_rate(JFK, said, "en") <= 0.10, said
    assert {(t["speaker"], t["lang"]) for t in transcripts} == {("resident", "en")}
    check_partials(partials, transcripts)


async def test_two_japanese_sentences_give_two_finals_as_good_as_offline_decoding(relay: Relay) -> None:
    audio = np.concatenate([kokoro_speech(JAPANESE[0]), silence(0.6), kokoro_speech(JAPANESE[1])])
    counter = await relay.counter(await relay.create_session("en"))
    partials, transcripts = await heard(relay, counter, audio)
    assert len(transcripts) == 2, [t["text"] for t in transcripts]
    assert all((t["speaker"], t["lang"]) == ("clerk", "ja") for t in transcripts)
    said = "".join(t["text"] for t in transcripts)
    assert repeated_run(said, "ja") is None, said
    segments, _ = real_whisper_model().transcribe(audio, language="ja", beam_size=1)
    offline = "".join(segment.text for segment in segments)
    assert error_rate("".join(JAPANESE), said, "ja") <= error_rate("".join(JAPANESE), offline, "ja") + 0.01, (
        said, offline)
    check_partials(partials, transcripts)


async def test_the_translation_started_at_the_pause_is_the_one_the_resident_gets(
        relay: Relay, recogniser: CountingRecogniser) -> None:
    """Translation at the speaker's pause on real speech: the pause decode announced the final's text,
    the relay translated it then, and the turn used that translation (stored with ``started_at_pause``)
    instead of translating the final again.

    That needs a recogniser keeping pace with the speaker: one behind by more than the endpoint silence
    takes the pause and the end of the utterance in one step, where the final comes at once and there is
    nothing to start early (then the turn translates the final, as it should). So the speaker here waits
    for the recogniser, as on a node that is not overloaded."""
    session = await relay.create_session("en")
    counter = await relay.counter(session)
    partials, transcripts = await heard(relay, counter, kokoro_speech(JAPANESE[0]), kept_pace=recogniser)
    [transcript] = transcripts
    assert transcript["speaker"] == "clerk" and "在留カード" in transcript["text"], transcript["text"]
    [stored] = await relay.ctx.store.transcript(session["session_id"])
    forward = next(t for t in stored["translations"] if t["kind"] == "translation")
    assert forward["details"].get("started_at_pause") is True, forward
    translator = relay.ctx.engines.translator
    calls = translator.calls  # type: ignore[attr-defined]
    assert calls.count((transcript["text"], "ja", "en")) == 1, "translated once (at the pause), not again at the final"
    check_partials(partials, transcripts)
