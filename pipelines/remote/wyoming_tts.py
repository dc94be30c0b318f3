"""Speech output on Wyoming servers (``wyoming-piper``), sentence by sentence.

The text is split into sentences here, as the in-process engine does, and each sentence is one Wyoming
``synthesize`` request whose ``audio-chunk`` events are joined into one ``AudioChunk``: playback of the
first sentence starts while the next is synthesised, and a server that dies mid-text fails only the
sentence in flight (retried on the next server). The voices are the ``[remote] tts_voices`` choice, else
the first voice of each language that the servers list (wyoming-piper lists its whole download catalogue
as installed, so with it name the voices: ``en=<voice>``).
The speaking rate is the server's (``wyoming-piper --length-scale``): the protocol carries no rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from wyoming.audio import AudioChunk as WyomingChunk
from wyoming.audio import AudioStart, AudioStop
from wyoming.event import Event
from wyoming.info import Info
from wyoming.tts import Synthesize, SynthesizeVoice

from pipelines.base import NO_CAPABILITIES, AudioChunk, EngineError, EngineStatus, EngineUnavailable
from pipelines.remote.config import RemoteConfig
from pipelines.remote.servers import RemoteFailure, ServerPool
from pipelines.remote.wyoming_asr import describe
from pipelines.remote.wyoming_link import connect, exchange, parse_tcp
from pipelines.tts.config import TtsConfig
from pipelines.tts.engine import check_rate
from pipelines.tts.sentences import split_sentences

DEFAULT_RATE = 22050  # what piper voices speak at; the real rate comes with every answer


def installed_voices(info: Info) -> dict[str, str]:
    """language → voice name, first installed voice per language (``en_US`` → ``en``)."""
    voices: dict[str, str] = {}
    for program in info.tts:
        for voice in program.voices:
            if voice.installed is False:
                continue  # wyoming-piper lists every downloadable voice; only installed ones can speak
            for lang in voice.languages:
                voices.setdefault(lang.split("_")[0].split("-")[0].lower(), voice.name)
    return voices


def parse_voice_choices(entries: list[str]) -> dict[str, str]:
    choices = {}
    for entry in entries:
        lang, sep, voice = entry.partition("=")
        if not sep or not lang.strip() or not voice.strip():
            raise ValueError(f"remote.tts_voices entry {entry!r} must look like lang=voice")
        choices[lang.strip()] = voice.strip()
    return choices


class WyomingSynthesizer:
    """``pipelines.base.Synthesizer`` over a pool of Wyoming TTS servers; thread-safe."""

    capabilities = NO_CAPABILITIES  # the servers keep no cache of ours to warm

    def __init__(self, pool: ServerPool, voices: Mapping[str, str], tts: TtsConfig) -> None:
        self.pool = pool
        self.voices = dict(voices)
        self._max_chars = tts.max_sentence_chars
        self._rates: dict[str, int] = {}

    def status(self) -> EngineStatus:
        ready, detail = self.pool.health()
        if not self.voices:
            ready, detail = False, f"no installed voice on the Wyoming TTS servers ({detail})"
        return EngineStatus("tts", ready, f"Wyoming TTS: {detail}", tuple(sorted(set(self.voices.values()))),
                            tuple(sorted(self.voices)))

    def has_voice(self, lang: str) -> bool:
        return lang in self.voices

    def sample_rate(self, lang: str) -> int:
        self._voice(lang)
        return self._rates.get(lang, DEFAULT_RATE)

    def load_voice(self, lang: str) -> None:
        self._voice(lang)  # the servers hold their voices loaded: nothing to load here

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        voice = self._voice(lang)
        check_rate(rate)
        return self._stream(lang, voice, split_sentences(text, self._max_chars))

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        return 0

    def _stream(self, lang: str, voice: str, sentences: list[str]) -> Iterator[AudioChunk]:
        for sentence in sentences:
            chunk = self.pool.call(lambda address, s=sentence: self._sentence(address, s, voice))  # type: ignore[misc]
            self._rates[lang] = chunk.sample_rate
            yield chunk

    def _sentence(self, address: str, sentence: str, voice: str) -> AudioChunk:
        c = self.pool.config
        request = Synthesize(text=sentence, voice=SynthesizeVoice(name=voice)).event()
        with connect(address, c.connect_timeout_s, c.request_timeout_s) as stream:
            answer = exchange(stream, [request], lambda e: AudioStop.is_type(e.type), c.request_timeout_s)
        return join_audio(answer)

    def _voice(self, lang: str) -> str:
        if lang not in self.voices:
            raise EngineUnavailable(f"no voice for {lang} on the Wyoming TTS servers "
                                    f"({', '.join(s.address for s in self.pool.servers)})")
        return self.voices[lang]


def join_audio(events: list[Event]) -> AudioChunk:
    start = next((AudioStart.from_event(e) for e in events if AudioStart.is_type(e.type)), None)
    chunks = [WyomingChunk.from_event(e) for e in events if WyomingChunk.is_type(e.type)]
    if start is None or not chunks:
        raise RemoteFailure("the server sent no audio")
    if start.width != 2 or start.channels != 1:
        raise EngineError(f"the server speaks {start.width * 8}-bit, {start.channels} channels; "
                          "the relay needs 16-bit mono")
    return AudioChunk(b"".join(c.audio for c in chunks), start.rate)


def load_wyoming_synthesizer(tts: TtsConfig, remote: RemoteConfig, models_dir: Path) -> WyomingSynthesizer:
    for address in remote.tts_servers:
        parse_tcp(address)
    pool = ServerPool("tts", list(remote.tts_servers), remote)
    voices: dict[str, str] = {}

    def learn(address: str) -> None:
        for lang, voice in installed_voices(describe(address, remote)).items():
            voices.setdefault(lang, voice)

    pool.probe(learn)  # also the health probe
    chosen = parse_voice_choices(remote.tts_voices)
    if chosen:
        voices = chosen  # wyoming-piper lists its whole download catalogue: the list says what is there
    return WyomingSynthesizer(pool, voices, tts)
