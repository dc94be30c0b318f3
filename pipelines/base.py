"""The contracts between the relay and its engines.

Engines are synchronous and hold no event loop: the relay calls every blocking method through one
bridge (``relay.turns.bridge``) that runs it in a thread behind a per-model semaphore. Domain events here
know nothing of JSON or websockets; only ``relay.wire.protocol`` turns them into wire messages.

Each engine area (``pipelines.asr``, ``pipelines.mt``, ``pipelines.tts``, ``easy_japanese``) exposes a
config dataclass whose fields carry ``metadata={"help": ...}``; the relay's settings loader turns those
fields into the ``[asr]``, ``[mt]``, ``[tts]`` and ``[easy_japanese]`` sections of the TOML file and the
``MADOGUCHI_<SECTION>_<KEY>`` environment variables, so a field added here is documented and validated
without touching the relay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

EASY_JAPANESE = "ja-x-easy"
"""Target "language" of the やさしい日本語 translator; on the wire it is ``lang: ja``, ``kind: easy_japanese``."""


class EngineError(Exception):
    """An engine failed on this input (the relay reports ``engine_failed`` and offers escalation)."""


class EngineUnavailable(EngineError):
    """The engine, model or language pair is not installed; ``reason`` says what is missing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ModelMissing(EngineUnavailable):
    """Raised by a ``load_*`` function when no usable model is installed."""


@dataclass(frozen=True)
class EngineStatus:
    """What ``/healthz``, ``madoguchi check`` and ``welcome`` say about one engine."""

    name: str
    ready: bool
    detail: str
    models: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


# ---------------------------------------------------------------- speech recognition


@dataclass(frozen=True)
class RecognitionEvent:
    """One output of a streaming recogniser.

    ``partial`` events carry the text so far (committed + tentative) and may be revised;
    a ``final`` event closes the utterance and is never revised.
    """

    kind: Literal["partial", "final"]
    text: str
    lang: str
    confidence: float = 0.0
    start_s: float = 0.0
    end_s: float = 0.0
    # raw decoder figures kept in the store: avg_logprob, no_speech_prob, compression_ratio,
    # language_probability ...
    details: dict[str, float] = field(default_factory=dict)
    # milliseconds spent per step, e.g. {"decode_ms": 180.0, "vad_ms": 3.1}
    timings: dict[str, float] = field(default_factory=dict)
    # on the partial decoded when the speaker pauses: the text the final will have if this pause turns
    # out to end the utterance (the relay may translate it already); None on every other event
    final_text: str | None = None


class RecognizerStream(Protocol):
    """Per-session streaming state machine; no I/O, no threads, no event loop.

    ``process`` and ``finish`` may block for the duration of a decode: call them through the bridge.
    """

    def insert_audio(self, pcm: bytes) -> None:
        """Append PCM s16le mono at the stream's sample rate."""

    def process(self, partials: bool = True) -> list[RecognitionEvent]:
        """Decode what is new; returns partials and finals (finals when the endpointer closes).
        ``partials=False`` when the recogniser is busy (others wait, or this step holds its last free
        slot): a stream may then skip the decode of a partial (never one that a final needs)."""

    def finish(self) -> list[RecognitionEvent]:
        """End of input: flush the current utterance as a final (if it held speech)."""


@runtime_checkable
class Recognizer(Protocol):
    """A loaded ASR model shared by all sessions."""

    def status(self) -> EngineStatus: ...

    def new_stream(self, languages: Sequence[str], sample_rate: int) -> RecognizerStream:
        """A stream whose language identification is restricted to ``languages`` (e.g.
        ``["ja", "vi"]``). For resident language "auto" the relay passes Japanese plus every supported
        language. Raises ``ValueError`` for an unsupported sample rate (outside 8–48 kHz)."""
        ...


# ---------------------------------------------------------------- translation


@dataclass(frozen=True)
class RubySpan:
    """Furigana: ``text[start:end]`` is read as ``reading``."""

    start: int
    end: int
    reading: str


@dataclass(frozen=True)
class Translation:
    text: str
    source_lang: str
    target_lang: str
    kind: Literal["translation", "easy_japanese", "phrasebook", "back_translation", "operator"]
    confidence: float
    ruby: tuple[RubySpan, ...] = ()
    # free-form facts for the store and the audit trail (glossary terms used, rules applied ...)
    details: dict[str, object] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@runtime_checkable
class Translator(Protocol):
    def status(self) -> EngineStatus: ...

    def supports(self, source: str, target: str) -> bool: ...

    def translate(self, text: str, source: str, target: str) -> Translation:
        """Blocking; raises ``EngineUnavailable`` for a pair that is not installed and
        ``EngineError`` when the engine fails."""
        ...


# ---------------------------------------------------------------- speech synthesis


@dataclass(frozen=True)
class AudioChunk:
    """PCM s16le mono; one chunk is normally one synthesised sentence."""

    pcm: bytes
    sample_rate: int


@dataclass(frozen=True)
class SynthesizerCapabilities:
    """The optional features a synthesizer declares, so that callers ask instead of probing with ``hasattr``."""

    # ``presynthesize`` warms a sentence cache (the relay warms the phrasebook at start-up)
    presynthesize: bool = False


NO_CAPABILITIES = SynthesizerCapabilities()


@runtime_checkable
class Synthesizer(Protocol):
    def status(self) -> EngineStatus: ...

    @property
    def capabilities(self) -> SynthesizerCapabilities: ...

    def has_voice(self, lang: str) -> bool: ...

    def sample_rate(self, lang: str) -> int: ...

    def load_voice(self, lang: str) -> None:
        """Blocking: load what ``synthesize`` needs for ``lang`` now (a voice not preloaded loads on
        first use); returns at once when it is loaded. The relay calls it before ``synthesize``, with
        no timeout, so a slow first load is not taken for a slow synthesis. Raises ``EngineUnavailable``
        when ``lang`` has no voice, ``EngineError`` when the voice cannot be loaded."""
        ...

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        """Sentence by sentence, so playback can start before the whole text is synthesised.
        ``rate`` < 1 speaks more slowly. Each ``next()`` may block: the relay pulls chunks through
        the bridge. Raises ``EngineUnavailable`` when ``lang`` has no voice."""
        ...

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        """Blocking: synthesise ``texts`` into the cache; returns how many sentences were synthesised.
        A synthesizer without ``capabilities.presynthesize`` has no cache to warm and returns 0."""
        ...


# ---------------------------------------------------------------- model management


@dataclass(frozen=True)
class InstalledModel:
    kind: str  # "whisper" | "argos" | "piper"
    name: str
    path: Path
    languages: tuple[str, ...]
    size_bytes: int
    sha256: str = ""


ProgressCallback = Callable[[int, int], None]
"""``progress(done_bytes, total_bytes)``; total is 0 when unknown."""


class ModelManager(Protocol):
    """One kind of model under ``<models_dir>/<kind>/``. Only ``fetch`` may use the network."""

    kind: str

    def list_installed(self, models_dir: Path) -> list[InstalledModel]: ...

    def install(self, models_dir: Path, source: Path) -> InstalledModel:
        """Install offline from a folder or archive; verifies checksums; raises ``ValueError``
        with a clear message for anything that is not a model of this kind."""
        ...

    def fetch(self, models_dir: Path, name: str, progress: ProgressCallback | None = None) -> InstalledModel:
        """Download ``name`` (when a network exists) and install it."""
        ...

    def remove(self, models_dir: Path, name: str) -> None: ...


@dataclass
class Engines:
    """What the relay was given; any slot may hold a ``MissingEngine``."""

    recognizer: Recognizer
    translator: Translator
    synthesizer: Synthesizer
    easy_japanese: Translator

    def statuses(self) -> dict[str, EngineStatus]:
        return {
            "asr": self.recognizer.status(),
            "mt": self.translator.status(),
            "tts": self.synthesizer.status(),
            "easy_japanese": self.easy_japanese.status(),
        }


class MissingEngine:
    """Stands in for an engine that could not be loaded; says why, and refuses work."""

    capabilities = NO_CAPABILITIES

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason

    def status(self) -> EngineStatus:
        return EngineStatus(name=self.name, ready=False, detail=self.reason)

    def supports(self, source: str, target: str) -> bool:
        return False

    def has_voice(self, lang: str) -> bool:
        return False

    def sample_rate(self, lang: str) -> int:
        raise EngineUnavailable(self.reason)

    def translate(self, text: str, source: str, target: str) -> Translation:
        raise EngineUnavailable(self.reason)

    def load_voice(self, lang: str) -> None:
        raise EngineUnavailable(self.reason)

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        raise EngineUnavailable(self.reason)

    def presynthesize(self, texts: Iterable[str], lang: str, rate: float = 1.0) -> int:
        raise EngineUnavailable(self.reason)

    def new_stream(self, languages: Sequence[str], sample_rate: int) -> RecognizerStream:
        raise EngineUnavailable(self.reason)
