"""The loaded Whisper model shared by every session, and ``load_recognizer`` for the relay."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipelines.asr.audio import check_sample_rate
from pipelines.asr.batching import BatchingDecoder
from pipelines.asr.config import AsrConfig, decode_slots, node_cores
from pipelines.asr.decoder import Decoder, WhisperDecoder
from pipelines.asr.endpoint import StreamingVad, load_vad_session
from pipelines.asr.hints import GlossaryHints
from pipelines.asr.models import WhisperModels, missing_files
from pipelines.asr.stream import WhisperStream
from pipelines.base import EngineStatus, InstalledModel, ModelMissing


class WhisperRecognizer:
    """Thread-safe: ``new_stream`` may be called from any thread; streams share the model and the VAD."""

    stream_class: type[WhisperStream] = WhisperStream  # a remote recogniser's streams send partials in the background

    def __init__(self, decoder: Decoder, config: AsrConfig, model: InstalledModel | None = None,
                 vad_session: Any = None, languages: Sequence[str] = (), hints: GlossaryHints | None = None) -> None:
        self._decoder = decoder
        self._config = config
        self._hints = hints if hints is not None else glossary_hints(config)
        self._model = model
        self._vad_session = vad_session if vad_session is not None else load_vad_session()
        self._languages = tuple(languages or (model.languages if model else ()))

    @property
    def decoder(self) -> Decoder:
        """The decoder every stream of this recogniser shares (the model, or the batches across sessions)."""
        return self._decoder

    def with_decoder(self, decoder: Decoder) -> WhisperRecognizer:
        """This recogniser (same model, VAD, languages, glossary and ``stream_class``) whose new streams decode
        through ``decoder`` instead: typically one that wraps ``self.decoder`` to time, count or script its
        decodes (benchmarks, tests). The streams of ``self`` keep the decoder they were given."""
        other = copy.copy(self)  # a copy, not the constructor: a subclass (the remote one) builds differently
        other._decoder = decoder
        return other

    def status(self) -> EngineStatus:
        c = self._config
        return EngineStatus(
            name="asr", ready=True, detail=f"whisper '{c.model}' {c.compute_type} on {c.device}, {_parallelism(c)}",
            models=(self._model.name,) if self._model else (c.model,), languages=self._languages,
        )

    def new_stream(self, languages: Sequence[str], sample_rate: int) -> WhisperStream:
        check_sample_rate(sample_rate)
        unknown = [lang for lang in languages if self._languages and lang not in self._languages]
        if unknown or not languages:
            raise ValueError(f"whisper '{self._config.model}' cannot recognise {unknown or 'no language'}")
        return self.stream_class(self._decoder, StreamingVad(self._vad_session), self._config, languages, sample_rate,
                             self._hints)


def _parallelism(config: AsrConfig) -> str:
    """How many decodes run at once, and on how many threads: what IT sizes a node by (``/healthz``)."""
    slots = decode_slots(config)
    if config.device != "cpu":
        return f"{slots} decodes at once"
    return f"{slots} decodes at once, {decode_threads(config)} thread(s) each"


def glossary_hints(config: AsrConfig) -> GlossaryHints | None:
    """The glossary the recogniser leans on, when the hint or the correction is on."""
    if not (config.glossary_hint or config.glossary_correction):
        return None
    from pipelines.glossary import DEFAULT_GLOSSARY

    return GlossaryHints(Path(config.glossary_path) if config.glossary_path else DEFAULT_GLOSSARY,
                         config.glossary_hint_chars)


def load_recognizer(config: AsrConfig, models_dir: Path) -> WhisperRecognizer:
    """Load the configured model from disk only; ``ModelMissing`` says what is missing and how to fix it."""
    manager = WhisperModels()
    folder = manager.folder(models_dir) / config.model
    if not folder.is_dir():
        raise ModelMissing(
            f"no Whisper model '{config.model}' in {manager.folder(models_dir)} — install one with "
            f"`madoguchi models install whisper PATH` (or `madoguchi models fetch whisper {config.model}` where a network exists)"
        )
    missing = missing_files(folder)
    if missing:
        raise ModelMissing(f"Whisper model '{config.model}' in {folder} is incomplete: missing {', '.join(missing)}")
    try:
        model = _whisper(folder, config, decode_threads(config), decode_slots(config))
        solo = _whisper(folder, config, 0, 1) if _solo_copy(config) else None
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelMissing(f"Whisper model '{config.model}' in {folder} could not be loaded: {exc}") from exc
    installed = manager.describe(folder)
    decoder = WhisperDecoder(model, config.encoder_window_s, solo_model=solo)
    return WhisperRecognizer(batched(decoder, config), config, installed)


def _whisper(folder: Path, config: AsrConfig, threads: int, workers: int) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(str(folder), device=config.device, compute_type=config.compute_type, cpu_threads=threads,
                        num_workers=workers, local_files_only=True)


def _solo_copy(config: AsrConfig) -> bool:
    """A second copy of the model for decodes that run alone (``WhisperDecoder``), with CTranslate2's
    own thread count: by default on a CPU whose cores the concurrent decodes share, so that one counter
    gets its decodes as fast as before the cores were shared out. Not with batches (they gather while
    the model is busy, so they rarely run alone) nor with an explicit ``cpu_threads``."""
    return (config.device == "cpu" and config.cpu_threads == 0 and config.batch_size <= 1
            and decode_threads(config) < node_cores())


def decode_threads(config: AsrConfig, cores: int | None = None) -> int:
    """CPU threads of one decode that may overlap others: ``cpu_threads``, or by default the cores shared
    out among the decodes that may run at once (``decode_slots``; at least 1).

    CTranslate2 splits each layer of a decode across its threads and waits for the slowest at every
    step; with more threads than cores (its own default gives each of two concurrent decodes both
    cores) a decode whose thread was descheduled waits for it, and the waiting costs CPU. Measured with
    the real Whisper base on 2 cores, one decode at a time (``bench/turn_cpu.py``): 1 thread per decode
    cost 9 % less CPU than 2. A decode that runs alone uses the solo copy with every core (``_solo_copy``).
    """
    if config.cpu_threads > 0:
        return config.cpu_threads
    cores = cores or node_cores()
    return max(1, cores // decode_slots(config, cores))


def batched(decoder: WhisperDecoder, config: AsrConfig) -> Decoder:
    """The decoder the sessions share: batches across sessions when ``batch_size`` > 1."""
    if config.batch_size <= 1:
        return decoder
    return BatchingDecoder(decoder, batch_size=config.batch_size, window_s=config.batch_window_ms / 1000.0,
                           max_running=decode_slots(config))
