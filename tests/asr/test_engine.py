"""The engine through the real faster-whisper / CTranslate2 / Silero stack, on a random-weight Whisper.

Random weights decode nonsense, so these tests check structure and behaviour — event order, languages
restricted to the session's, confidence in range, endpoint timing from the real VAD on espeak-ng speech —
never words.
"""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipelines.asr import AsrConfig, load_recognizer
from pipelines.asr.config import decode_slots
from pipelines.asr.decoder import Decoder, Hypothesis
from pipelines.asr.models import WhisperModels
from pipelines.asr.recognizer import WhisperRecognizer, decode_threads
from pipelines.base import ModelMissing, RecognitionEvent

from .conftest import espeak, speech_extent

pytestmark = pytest.mark.engine
SENTENCE_JA = "きょうは じゅうみんひょうの うつしを とりに きました。 よろしく おねがいします。"


@pytest.fixture(scope="module")
def models_dir(whisper_test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    WhisperModels().install(folder, whisper_test_model, name="tiny-random")
    return folder


@pytest.fixture(scope="module")
def recognizer(models_dir: Path) -> WhisperRecognizer:
    # the guard would drop most of a random model's output: it is tested on its own below
    return load_recognizer(AsrConfig(model="tiny-random", hallucination_guard=False), models_dir)


def run_stream(recognizer: WhisperRecognizer, pcm: bytes, rate: int, languages: tuple[str, ...] = ("ja", "en"),
               chunk_s: float = 0.25) -> list[tuple[float, RecognitionEvent]]:
    stream = recognizer.new_stream(languages, rate)
    step = int(rate * chunk_s) * 2
    events: list[tuple[float, RecognitionEvent]] = []
    for offset in range(0, len(pcm), step):
        stream.insert_audio(pcm[offset:offset + step])
        events += [(min(len(pcm), offset + step) / 2 / rate, e) for e in stream.process()]
    return events + [(len(pcm) / 2 / rate, e) for e in stream.finish()]


def test_load_reports_the_model_and_its_languages(recognizer: WhisperRecognizer) -> None:
    status = recognizer.status()
    assert status.ready and status.name == "asr"
    slots = decode_slots(AsrConfig())
    assert status.detail == (f"whisper 'tiny-random' int8 on cpu, {slots} decodes at once, "
                             f"{decode_threads(AsrConfig())} thread(s) each")
    assert {"ja", "en", "vi", "zh"} <= set(status.languages)


def test_missing_or_broken_model_says_why(models_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match=r"no Whisper model 'base' in .*whisper — install one with"):
        load_recognizer(AsrConfig(model="base"), tmp_path)
    broken = tmp_path / "whisper" / "broken"
    shutil.copytree(models_dir / "whisper" / "tiny-random", broken)
    (broken / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ModelMissing, match="could not be loaded"):
        load_recognizer(AsrConfig(model="broken"), tmp_path)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(ModelMissing, match=r"missing tokenizer\.json"):
        load_recognizer(AsrConfig(model="broken"), tmp_path)


def test_language_identification_is_restricted_to_the_session_languages(recognizer: WhisperRecognizer) -> None:
    decoder = recognizer.decoder
    rng = np.random.default_rng(1)
    clips = [rng.normal(0, 0.1, 16000 * 2).astype(np.float32) for _ in range(3)]
    pcm, _rate = espeak("hello, I would like to register my address", "en")
    clips.append((np.frombuffer(pcm, dtype="<i2") / 32768).astype(np.float32))  # rate off, still speech
    for allowed in (("ja", "vi"), ("ja", "pt"), ("ja", "en", "zh", "ko")):
        for clip in clips:
            hyp = decoder.decode(clip, allowed, "", 1, 8)
            assert hyp.lang in allowed
            assert 1 / len(allowed) <= hyp.language_probability <= 1.0


def test_full_30_s_encoder_window_decodes_too(recognizer: WhisperRecognizer) -> None:
    from pipelines.asr.decoder import WhisperDecoder

    full = WhisperDecoder(recognizer._decoder._model, encoder_window_s=30.0)  # type: ignore[attr-defined]
    hyp = full.decode(np.zeros(16000, dtype=np.float32), ("ja", "ko"), "", 1, 8)
    assert hyp.lang in ("ja", "ko") and np.isfinite(hyp.avg_logprob)


def test_speech_gives_partials_then_one_final_after_the_endpoint(recognizer: WhisperRecognizer) -> None:
    speech, rate = espeak(SENTENCE_JA, "ja")
    quiet = b"\0\0" * rate
    events = run_stream(recognizer, quiet + speech + quiet + quiet, rate)
    kinds = [e.kind for _, e in events]
    assert kinds.count("final") == 1 and kinds[-1] == "final"
    assert kinds.count("partial") >= 3  # several seconds of speech, one partial per ~0.5 s
    when, final = events[-1]
    assert final.lang in ("ja", "en") and all(e.lang in ("ja", "en") for _, e in events)
    # endpoint timing on the real Silero VAD: the utterance ends at the speech end (+0.2 s pad), and the
    # final comes out once 0.5 s of silence has been heard, at the next 0.25 s chunk
    first, last = speech_extent(speech)
    speech_end = 1.0 + last / rate
    assert abs(final.end_s - (speech_end + 0.2)) < 0.3
    assert abs(final.start_s - (1.0 + first / rate - 0.2)) < 0.3
    assert speech_end + 0.4 <= when <= speech_end + 1.0
    assert 0.0 <= final.confidence <= 1.0
    for key in ("avg_logprob", "no_speech_prob", "compression_ratio", "language_probability"):
        assert np.isfinite(final.details[key])
    assert 0.0 <= final.details["no_speech_prob"] <= 1.0
    assert final.timings["last_decode_ms"] > 0


def test_silence_and_faint_noise_are_never_decoded(recognizer: WhisperRecognizer) -> None:
    rng = np.random.default_rng(2)
    noise = (rng.normal(0, 0.002, 16000 * 4) * 32767).astype("<i2").tobytes()
    assert run_stream(recognizer, b"\0\0" * 16000 * 2 + noise, 16000) == []


class ScriptedText:
    """Runs the real decoder, then swaps the text: a known hallucination with Whisper's real figures."""

    def __init__(self, inner: Decoder, text: str) -> None:
        self.inner, self.text = inner, text

    def decode(self, audio: np.ndarray, languages, prefix: str, beam_size: int, max_new_tokens: int,  # type: ignore[no-untyped-def]
               context=None) -> Hypothesis:
        hyp = self.inner.decode(audio, languages, prefix, beam_size, max_new_tokens, context)
        return replace(hyp, text=self.text, lang="ja" if "ja" in languages else hyp.lang,
                       no_speech_prob=0.0, avg_logprob=-0.3, compression_ratio=1.0)


class CountedDecodes:
    """Counts the decodes that go through it (what a benchmark's timing decoder does)."""

    def __init__(self, inner: Decoder) -> None:
        self.inner, self.calls = inner, 0

    def decode(self, audio: np.ndarray, languages, prefix: str, beam_size: int, max_new_tokens: int,  # type: ignore[no-untyped-def]
               context=None) -> Hypothesis:
        self.calls += 1
        return self.inner.decode(audio, languages, prefix, beam_size, max_new_tokens, context)


def test_a_recogniser_with_another_decoder_decodes_through_it_and_leaves_the_loaded_one_alone(
    recognizer: WhisperRecognizer,
) -> None:
    """``with_decoder``: how bench/turn_cpu.py times each decode without reaching into the recogniser."""
    counted = CountedDecodes(recognizer.decoder)
    wrapped = recognizer.with_decoder(counted)
    speech, rate = espeak(SENTENCE_JA, "ja")
    quiet = b"\0\0" * rate
    said = quiet + speech + quiet + quiet
    finals = [e for _, e in run_stream(wrapped, said, rate) if e.kind == "final"]
    assert len(finals) == 1 and counted.calls > 0, "the same recogniser, decoding through the given decoder"
    assert wrapped.status() == recognizer.status() and wrapped.decoder is counted
    through_wrapper = counted.calls
    assert [e.kind for _, e in run_stream(recognizer, said, rate)][-1] == "final"
    assert counted.calls == through_wrapper, "the loaded recogniser still decodes through its own decoder"


def test_guard_drops_a_known_hallucination_on_a_short_burst_but_not_on_real_speech(
    recognizer: WhisperRecognizer,
) -> None:
    guarded = WhisperRecognizer(ScriptedText(recognizer._decoder, "ご視聴ありがとうございました"),
                                AsrConfig(model="tiny-random"), vad_session=recognizer._vad_session)
    burst, rate = espeak("あ", "ja")
    quiet = b"\0\0" * rate
    assert run_stream(guarded, quiet + burst + quiet, rate) == []
    speech, rate = espeak(SENTENCE_JA, "ja")
    finals = [e for _, e in run_stream(guarded, quiet + speech + quiet, rate) if e.kind == "final"]
    assert [e.text for e in finals] == ["ご視聴ありがとうございました"]


# the guard on real output (real speech through, a loop caught by its compression ratio) is tested on
# the real Whisper base in test_guard_real_whisper.py: a random model gives it nothing real to judge


def test_bad_audio_is_refused_clearly(recognizer: WhisperRecognizer) -> None:
    for rate in (4000, 96000):
        with pytest.raises(ValueError, match="unsupported sample rate"):
            recognizer.new_stream(["ja", "en"], rate)
    with pytest.raises(ValueError, match="cannot recognise"):
        recognizer.new_stream(["ja", "xx"], 16000)


def test_sessions_share_the_model_and_decode_concurrently(recognizer: WhisperRecognizer) -> None:
    speech, rate = espeak("はい、 わかりました。", "ja")
    audio = b"\0\0" * rate + speech + b"\0\0" * rate

    def session(index: int) -> list[str]:
        return [e.kind for _, e in run_stream(recognizer, audio, rate, chunk_s=0.5)]

    # result() re-raises in this thread whatever a session raised in its own, so a failure is never lost
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = [future.result() for future in [pool.submit(session, i) for i in range(3)]]
    assert [kinds.count("final") for kinds in results] == [1, 1, 1]


def test_concurrent_decodes_share_the_cores_instead_of_competing_for_them() -> None:
    from pipelines.asr.recognizer import decode_threads

    # 2 cores, 2 decodes at once (the default there): one thread each (CTranslate2 alone would give each decode 2)
    assert decode_threads(AsrConfig(), cores=2) == 1
    assert decode_threads(AsrConfig(max_concurrent_decodes=2), cores=16) == 8
    assert decode_threads(AsrConfig(max_concurrent_decodes=4), cores=2) == 1
    assert decode_threads(AsrConfig(max_concurrent_decodes=1), cores=2) == 2
    assert decode_threads(AsrConfig(cpu_threads=3), cores=2) == 3  # a city's explicit choice stands


def test_a_larger_node_runs_more_decodes_at_once_with_fewer_threads_each() -> None:
    from pipelines.asr.config import decode_slots
    from pipelines.asr.recognizer import decode_threads

    # by default half the cores decode at once (two at least): 16 speaking counters on 16 cores had
    # their finals queue behind two 8-thread decodes (docs/deployment.md, Sizing a node)
    assert [decode_slots(AsrConfig(), cores=n) for n in (1, 2, 4, 16, 64)] == [2, 2, 2, 8, 32]
    assert decode_threads(AsrConfig(), cores=16) == 2
    assert decode_slots(AsrConfig(max_concurrent_decodes=3), cores=16) == 3  # a city's explicit choice stands


def test_the_relay_lets_through_as_many_decodes_as_the_model_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipelines.asr.config
    from relay.app import _bridge_limits
    from relay.settings import load_settings

    monkeypatch.setattr(pipelines.asr.config, "node_cores", lambda: 16)
    assert _bridge_limits(load_settings(env={}))["asr"] == 8
    explicit = load_settings(env={}, overrides={"asr": {"max_concurrent_decodes": 3}})
    assert _bridge_limits(explicit)["asr"] == 3


class ModelSpy:
    """A loaded Whisper that notes each decode under its name (and may hold it until told)."""

    def __init__(self, inner: object, name: str, log: list[str], hold: threading.Event | None = None) -> None:
        self.inner, self.name, self.log, self.hold = inner, name, log, hold

    def encode(self, features: np.ndarray) -> object:
        self.log.append(self.name)
        if self.hold is not None:
            self.hold.wait(10)
        return self.inner.encode(features)  # type: ignore[attr-defined]

    def __getattr__(self, attr: str) -> object:
        return getattr(self.inner, attr)


def test_a_decode_alone_gets_every_core_and_overlapping_decodes_share_them(recognizer: WhisperRecognizer) -> None:
    # one counter's decodes run on the copy with CTranslate2's own threads (as fast as before); a decode
    # that overlaps another runs on the workers that have one share of the cores each
    from pipelines.asr.decoder import WhisperDecoder

    model, log, hold = recognizer._decoder._model, [], threading.Event()  # type: ignore[attr-defined]
    decoder = WhisperDecoder(ModelSpy(model, "shared", log), 0.0, solo_model=ModelSpy(model, "solo", log, hold))
    clip = np.zeros(16000, dtype=np.float32)
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(decoder.decode, clip, ("ja", "en"), "", 1, 8)
        for _ in range(500):
            if log:
                break
            time.sleep(0.01)
        second = decoder.decode(clip, ("ja", "en"), "", 1, 8)  # while the first is still decoding
        hold.set()
        assert first.result().lang in ("ja", "en") and second.lang in ("ja", "en")
    decoder.decode(clip, ("ja", "en"), "", 1, 8)  # alone again
    assert log == ["solo", "shared", "solo"]
