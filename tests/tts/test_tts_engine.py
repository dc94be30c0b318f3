"""The Piper synthesiser through the real piper-tts library on random-weight voices in the real format."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from pipelines.base import (
    EASY_JAPANESE,
    AudioChunk,
    EngineError,
    EngineUnavailable,
    ModelMissing,
    Synthesizer,
)
from pipelines.tts import PiperSynthesizer, TtsConfig, load_synthesizer

pytestmark = pytest.mark.engine

MakeSynth = Callable[..., PiperSynthesizer]
JA_THREE = "本日はお越しいただきありがとうございます。住民票の写しですね？こちらの用紙にご記入ください。"


def samples(chunk: AudioChunk) -> np.ndarray:
    return np.frombuffer(chunk.pcm, dtype="<i2")


def seconds(chunks: list[AudioChunk]) -> float:
    return sum(len(c.pcm) / 2 / c.sample_rate for c in chunks)


def test_japanese_is_streamed_one_chunk_per_sentence_at_the_voice_sample_rate(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", "en")
    assert isinstance(synth, Synthesizer)
    chunks = list(synth.synthesize(JA_THREE, "ja"))
    assert len(chunks) == 3
    assert synth.sample_rate("ja") == 16000
    for chunk in chunks:
        assert chunk.sample_rate == 16000
        assert len(chunk.pcm) % 2 == 0
        assert np.abs(samples(chunk)).max() > 10000  # peak-normalised speech, not silence
        assert 0.3 < len(chunk.pcm) / 2 / 16000 < 15


def test_english_voice_speaks_at_its_own_sample_rate(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", "en")
    chunks = list(synth.synthesize("Please fill in this form. Thank you! Next, please.", "en"))
    assert [c.sample_rate for c in chunks] == [22050, 22050, 22050]
    assert synth.sample_rate("en") == 22050


def test_first_sentence_is_ready_before_the_rest_is_synthesised(make_synth: MakeSynth) -> None:
    synth = make_synth("ja")
    stream = synth.synthesize(JA_THREE, "ja")
    assert synth.cache_stats().entries == 0  # nothing synthesised until the relay pulls
    first = next(stream)
    assert first.pcm
    assert synth.cache_stats().entries == 1
    assert len(list(stream)) == 2
    assert synth.cache_stats().entries == 3


def test_kanji_and_particles_are_read_by_openjtalk(make_synth: MakeSynth) -> None:
    synth = make_synth("ja")
    statement, question = synth.phonemize("今日は良い天気です。住民票ですか？", "ja")
    spoken = "".join(statement)
    # 今日 read きょう (not espeak's "Chinese letter"), は read as the particle "wa", accent marks present
    assert spoken.startswith("kʲo")
    assert "owa" in spoken
    assert "↓" in spoken and spoken.endswith(".")
    assert "".join(question).startswith("dʑɯ") and question[-1] == "?"


def test_japanese_voice_declared_espeak_still_reads_kanji(make_synth: MakeSynth) -> None:
    synth = make_synth("ja-espeak")
    assert "".join(synth.phonemize("今日は", "ja")[0]).startswith("kʲo")
    assert len(list(synth.synthesize("今日は良い天気です。", "ja"))) == 1


def test_slower_rate_speaks_longer(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", sentence_silence_s=0.0)
    text = "こちらの用紙にお名前とご住所をご記入ください。"
    normal = seconds(list(synth.synthesize(text, "ja", rate=1.0)))
    slow = seconds(list(synth.synthesize(text, "ja", rate=0.5)))
    fast = seconds(list(synth.synthesize(text, "ja", rate=2.0)))
    assert slow > 1.6 * normal
    assert fast < 0.7 * normal


def test_easy_japanese_mode_is_slower_by_default() -> None:
    config = TtsConfig()
    assert config.rate_for(EASY_JAPANESE) == config.rate_for("easy_japanese") < config.rate_for("en") == 1.0


def test_sentence_silence_is_appended_to_every_sentence(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", sentence_silence_s=0.5)
    for chunk in synth.synthesize("はい。わかりました。", "ja"):
        tail = samples(chunk)[-8000:]
        assert len(tail) == 8000 and not tail.any()


def test_language_without_a_voice_is_refused_at_once_and_reported(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", "en")
    assert synth.has_voice("ja") and not synth.has_voice("vi")
    with pytest.raises(EngineUnavailable, match="vi"):
        synth.synthesize("Xin chào.", "vi")
    with pytest.raises(EngineUnavailable):
        synth.sample_rate("vi")
    status = synth.status()
    assert status.name == "tts" and status.ready
    assert status.languages == ("en", "ja")
    assert status.models == ("en_US-random-medium", "ja_JP-random-x_low")


def test_no_voice_installed_is_model_missing_with_the_fix(models_dir: Path) -> None:
    with pytest.raises(ModelMissing, match="madoguchi models install piper"):
        load_synthesizer(TtsConfig(), models_dir)


def test_medium_is_preferred_and_a_configured_voice_wins(make_synth: MakeSynth, models_dir: Path) -> None:
    assert make_synth("en", "en-low").sample_rate("en") == 22050  # medium over low
    chosen = load_synthesizer(TtsConfig(voices=["en=en_US-other-low"]), models_dir)
    assert chosen.sample_rate("en") == 16000
    missing = load_synthesizer(TtsConfig(voices=["en=en_US-absent-high"]), models_dir)
    assert missing.sample_rate("en") == 22050
    assert "en_US-absent-high" in missing.status().detail
    with pytest.raises(ValueError, match="voices entry"):
        load_synthesizer(TtsConfig(voices=["en_US-other-low"]), models_dir)


def test_repeated_sentence_is_served_from_the_cache(make_synth: MakeSynth) -> None:
    synth = make_synth("ja")
    first = list(synth.synthesize("番号札をお取りください。", "ja"))
    again = list(synth.synthesize("番号札をお取りください。", "ja"))
    assert again == first  # the model is stochastic: only the cache gives identical audio
    assert synth.cache_stats().hits == 1
    uncached = make_synth(cache_max_mb=0)
    assert list(uncached.synthesize("番号札をお取りください。", "ja")) != list(
        uncached.synthesize("番号札をお取りください。", "ja"))


def test_cache_stays_within_its_bound_and_keeps_recent_sentences(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", cache_max_mb=0.15)
    texts = [f"{n}番の窓口へどうぞ。" for n in range(1, 9)]
    for text in texts:
        list(synth.synthesize(text, "ja"))
    stats = synth.cache_stats()
    assert stats.size <= stats.capacity
    assert 0 < stats.entries < len(texts)
    list(synth.synthesize(texts[-1], "ja"))
    assert synth.cache_stats().hits == 1


def test_presynthesize_warms_the_cache_for_the_phrasebook(make_synth: MakeSynth) -> None:
    synth = make_synth("ja")
    phrasebook = ["少々お待ちください。", "番号札をお取りください。こちらへどうぞ。"]
    assert synth.presynthesize(phrasebook, "ja", rate=0.8) == 3
    assert synth.presynthesize(phrasebook, "ja", rate=0.8) == 0
    list(synth.synthesize("少々お待ちください。", "ja", rate=0.8))
    assert synth.cache_stats().hits == 1
    list(synth.synthesize("少々お待ちください。", "ja", rate=1.0))  # another rate is other audio
    assert synth.cache_stats().hits == 1


def test_concurrent_sessions_and_streams_pulled_from_several_threads(make_synth: MakeSynth) -> None:
    synth = make_synth("ja", "en", cache_max_mb=0)
    jobs = [(JA_THREE, "ja", 3), ("One. Two. Three. Four.", "en", 4)] * 3

    def run(job: tuple[str, str, int]) -> list[int]:
        return [c.sample_rate for c in synth.synthesize(job[0], job[1])]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, jobs))
    for (_, lang, count), rates in zip(jobs, results, strict=True):
        assert rates == [synth.sample_rate(lang)] * count

    stream = synth.synthesize(JA_THREE, "ja")
    pulled: list[AudioChunk] = []
    for _ in range(3):  # like the bridge: each next() in a fresh worker thread
        worker = threading.Thread(target=lambda: pulled.append(next(stream)))
        worker.start()
        worker.join()
    assert len(pulled) == 3 and next(stream, None) is None


def test_multi_speaker_voice_speaks_with_its_default_speaker(make_synth: MakeSynth) -> None:
    synth = make_synth("vi-multi")
    chunks = list(synth.synthesize("Xin chào. Vui lòng chờ một chút.", "vi"))
    assert [c.sample_rate for c in chunks] == [22050, 22050]


def test_text_without_words_gives_no_audio_and_bad_rate_is_refused(make_synth: MakeSynth) -> None:
    synth = make_synth("ja")
    assert list(synth.synthesize("。。。  ", "ja")) == []
    with pytest.raises(ValueError, match="rate"):
        synth.synthesize("はい。", "ja", rate=0)
    with pytest.raises(ValueError, match="rate"):
        synth.synthesize("はい。", "ja", rate=0.01)


def test_a_voice_not_preloaded_loads_when_asked_and_a_broken_one_is_an_engine_error(
        make_synth: MakeSynth, models_dir: Path) -> None:
    synth = make_synth("en", preload=False)
    synth.load_voice("en")  # what the relay does, untimed, before the first utterance in English
    assert [c.sample_rate for c in synth.synthesize("Hello there.", "en")] == [22050]
    with pytest.raises(EngineUnavailable):
        synth.load_voice("th")
    onnx = next((models_dir / "piper").glob("*/*.onnx"))
    onnx.write_bytes(b"not a model")  # broken on disk, found only at first use
    broken = load_synthesizer(TtsConfig(preload=False), models_dir)
    with pytest.raises(EngineError, match="failed to load"):
        broken.load_voice("en")


def _threads_nice() -> dict[int, int]:
    """Nice value of every thread of this process, by thread id (Linux /proc)."""
    nice = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError):  # a thread that ended between the listing and the read
            continue
        nice[int(task.name)] = int(stat.rsplit(")", 1)[1].split()[16])  # field 19; the split starts at field 3
    return nice


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="nice is per thread on Linux only")
def test_a_voice_s_own_threads_run_at_the_configured_lower_priority(make_synth: MakeSynth) -> None:
    # onnxruntime's intra-op threads are created with the voice and keep the priority of the thread that
    # created them: a voice loaded at [tts] nice leaves none of its threads at the relay's priority
    before = _threads_nice()
    synth = make_synth("ja", nice=6, onnx_threads=2)
    assert list(synth.synthesize("こんにちは。", "ja"))
    new = {tid: nice for tid, nice in _threads_nice().items() if tid not in before}
    own = before[threading.get_native_id()]
    assert new and set(new.values()) == {min(19, own + 6)}
