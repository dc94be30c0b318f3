"""``madoguchi models fetch`` end to end against a model mirror on loopback (the network guard stays on).

The mirror serves the test models in the hub's and the Argos index's layouts; the relay is pointed at
it with the ``[models]`` settings, as an air-gapped city points it at its internal mirror.
"""

from __future__ import annotations

import hashlib
import itertools
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.asr.models import WhisperModels
from pipelines.base import EngineUnavailable
from pipelines.download import DownloadCorrupt, ModelSources
from pipelines.mt.models import ArgosModels
from pipelines.tts.models import PiperModels
from relay.cli.commands import main
from tests.fixtures.model_mirror import Mirror
from tests.netguard import guarded_env

from .conftest import ROOT, VOICE, WHISPER_REPO

MODEL_BIN = f"/{WHISPER_REPO}/resolve/main/model.bin"


def sources(mirror: Mirror, **overrides: object) -> ModelSources:
    values: dict = {"hub_url": mirror.url, "argos_index_url": f"{mirror.url}/argos/index.json",
                    "retries": 2, "retry_pause_s": 0.0} | overrides
    return ModelSources(**values)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def config_for(tmp_path: Path, mirror_url: str) -> Path:
    config = tmp_path / "madoguchi.toml"
    config.write_text(f'[models]\ndir = "{tmp_path / "models"}"\nhub_url = "{mirror_url}"\n'
                      f'argos_index_url = "{mirror_url}/argos/index.json"\n')
    return config


def test_cli_fetches_whisper_from_the_mirror_with_progress(mirror: Mirror, whisper_files: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "fetch", "whisper", "base", "--config", str(config_for(tmp_path, mirror.url))]) == 0
    out, err = capsys.readouterr()
    total_mb = sum(p.stat().st_size for p in whisper_files.iterdir() if p.is_file()) / 1e6
    assert err.rstrip().endswith(f"[{'#' * 30}] {total_mb:7.1f}/{total_mb:.1f} MB"), err[-200:]
    assert "installed whisper base" in out
    installed = tmp_path / "models" / "whisper" / "base"
    assert sha256(installed / "model.bin") == sha256(whisper_files / "model.bin")
    assert not (tmp_path / "models" / "whisper" / ".downloads").exists(), "partial downloads are cleaned up"
    assert main(["models", "list", "--config", str(config_for(tmp_path, mirror.url))]) == 0
    assert "whisper  base" in capsys.readouterr().out


def test_progress_counts_every_byte_once_over_all_files(mirror: Mirror, whisper_files: Path,
                                                        tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    WhisperModels(sources(mirror)).fetch(tmp_path, "base", lambda done, total: seen.append((done, total)))
    total = sum(p.stat().st_size for p in whisper_files.iterdir() if p.is_file())
    assert seen[-1] == (total, total)
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen)), "never goes backwards"
    assert len(seen) > 10, "reported while downloading, not only at the end"


def test_a_broken_transfer_is_resumed_where_it_stopped(mirror: Mirror, whisper_files: Path, tmp_path: Path) -> None:
    mirror.break_after[MODEL_BIN] = 1_000_000
    model = WhisperModels(sources(mirror)).fetch(tmp_path, "base")
    assert mirror.gets(MODEL_BIN) == [None, "bytes=1000000-"]
    assert model.sha256 == sha256(whisper_files / "model.bin")


def test_an_interrupted_fetch_resumes_on_the_next_run(mirror: Mirror, whisper_files: Path, tmp_path: Path) -> None:
    mirror.break_after[MODEL_BIN] = 2_000_000
    with pytest.raises(EngineUnavailable, match="transfer broke off"):
        WhisperModels(sources(mirror, retries=0)).fetch(tmp_path, "base")
    part = tmp_path / "whisper" / ".downloads" / "base" / "model.bin.part"
    assert part.stat().st_size == 2_000_000, "what arrived is kept for the next run"
    assert WhisperModels().list_installed(tmp_path) == []
    model = WhisperModels(sources(mirror, retries=0)).fetch(tmp_path, "base")
    assert mirror.gets(MODEL_BIN) == [None, "bytes=2000000-"]
    assert len(mirror.gets("/config.json")) == 1, "files finished before the break are not fetched again"
    assert model.sha256 == sha256(whisper_files / "model.bin")


def test_a_server_that_ignores_range_sends_the_file_again(mirror: Mirror, whisper_files: Path,
                                                          tmp_path: Path) -> None:
    mirror.break_after[MODEL_BIN] = 500_000
    mirror.honour_range = False
    model = WhisperModels(sources(mirror)).fetch(tmp_path, "base")
    assert mirror.gets(MODEL_BIN) == [None, "bytes=500000-"]
    assert model.sha256 == sha256(whisper_files / "model.bin")


def test_a_corrupted_file_fails_the_checksum_and_nothing_is_installed(mirror: Mirror, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    mirror.corrupt.add(MODEL_BIN)
    with pytest.raises(DownloadCorrupt, match=r"model.bin: the downloaded file is not the published one \(sha256"):
        WhisperModels(sources(mirror)).fetch(tmp_path, "base")
    assert WhisperModels().list_installed(tmp_path) == []
    assert not list((tmp_path / "whisper").rglob("model.bin*")), "the bad copy is deleted, not resumed"
    assert main(["models", "fetch", "whisper", "base", "--config", str(config_for(tmp_path, mirror.url))]) == 1
    assert "not the published one" in capsys.readouterr().err


def test_an_unreachable_mirror_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as closed:  # a loopback port with nothing listening
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    assert main(["models", "fetch", "whisper", "base", "--config", str(config_for(tmp_path, url))]) == 1
    err = capsys.readouterr().err
    assert f"cannot download {url}/api/models/{WHISPER_REPO}/tree/main: [Errno 111] Connection refused" in err
    assert "madoguchi models install whisper PATH" in err and "hub_url" in err
    assert "Traceback" not in err
    for manager, name in ((ArgosModels, "ja-en"), (PiperModels, VOICE)):
        with pytest.raises(EngineUnavailable, match="cannot download"):
            manager(sources=ModelSources(hub_url=url, argos_index_url=url + "/index.json", retries=1,
                                         retry_pause_s=0.0)).fetch(tmp_path, name)


def test_a_model_the_mirror_does_not_have_is_not_retried(mirror: Mirror, tmp_path: Path) -> None:
    with pytest.raises(EngineUnavailable, match="HTTP 404"):
        WhisperModels(sources(mirror, retries=3)).fetch(tmp_path, "small")
    assert len(mirror.gets("faster-whisper-small/tree/main")) == 1


def test_piper_voice_from_the_mirror_checked_against_voices_json(mirror: Mirror, voice_files: Path,
                                                                 tmp_path: Path) -> None:
    onnx = next(p for p in mirror.files if p.endswith(f"{VOICE}.onnx"))
    mirror.corrupt.add(onnx)
    with pytest.raises(DownloadCorrupt, match="md5"):
        PiperModels(sources=sources(mirror)).fetch(tmp_path, VOICE)
    assert PiperModels().list_installed(tmp_path) == []
    mirror.corrupt.clear()
    mirror.break_after[onnx] = 20_000
    voice = PiperModels(sources=sources(mirror)).fetch(tmp_path, VOICE)
    assert voice.languages == ("en",) and voice.sha256 == sha256(voice_files / f"{VOICE}.onnx")
    assert mirror.gets(f"{VOICE}.onnx")[-1] == "bytes=20000-"


def test_argos_package_from_the_mirrors_index(mirror: Mirror, argos_archive: Path, tmp_path: Path) -> None:
    archive = "/argos/translate-ja_en.argosmodel"
    mirror.corrupt.add(archive)
    with pytest.raises(DownloadCorrupt, match="sha256"):
        ArgosModels(sources(mirror)).fetch(tmp_path, "ja-en")
    mirror.corrupt.clear()
    package = ArgosModels(sources(mirror)).fetch(tmp_path, "ja-en")
    assert package.name == "translate-ja_en" and package.sha256 == sha256(argos_archive)
    with pytest.raises(ValueError, match="has no package en→vi"):
        ArgosModels(sources(mirror)).fetch(tmp_path, "en-vi")


def test_fetch_in_a_subprocess_runs_under_the_guard_and_reaches_only_the_mirror(mirror: Mirror,
                                                                                tmp_path: Path) -> None:
    config = config_for(tmp_path, mirror.url)
    result = subprocess.run([sys.executable, "-m", "relay.cli", "models", "fetch", "argos", "ja-en",
                             "--config", str(config)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env=guarded_env())
    assert result.returncode == 0, result.stderr
    assert "installed argos translate-ja_en" in result.stdout
    # the same command pointed at the public index is stopped by the guard in that process
    public = tmp_path / "public.toml"
    public.write_text(f'[models]\ndir = "{tmp_path / "other"}"\n')
    blocked = subprocess.run([sys.executable, "-m", "relay.cli", "models", "fetch", "argos", "ja-en",
                              "--config", str(public)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                             env=guarded_env())
    assert blocked.returncode == 1 and "test tried to resolve 'raw.githubusercontent.com'" in blocked.stderr
