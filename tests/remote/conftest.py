"""Session-wide real servers: two Wyoming speech-recognition servers (for failover), one Wyoming TTS server,\ntwo LibreTranslate servers."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from pipelines.remote.config import RemoteConfig
from pipelines.remote.wyoming_tts import load_wyoming_synthesizer
from pipelines.tts.config import TtsConfig
from tests.remote.libretranslate_server import LibreTranslateServer, libretranslate_server, start_together
from tests.remote.servers import TTS_VOICES, WyomingServer, asr_server, tts_server


@pytest.fixture(scope="session")
def asr_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[WyomingServer]]:
    workdir = tmp_path_factory.mktemp("wyoming-asr")
    servers = [asr_server(workdir), asr_server(workdir)]
    try:
        for server in servers:
            server.start()
        warm_up(servers)
        yield servers
    finally:
        for server in servers:
            server.stop()


def warm_up(servers: list[WyomingServer]) -> None:
    """One short decode on each server: it loads its model on the first request, not at start."""
    from pathlib import Path

    from pipelines.asr.config import AsrConfig
    from pipelines.remote.wyoming_asr import load_wyoming_recognizer

    for server in servers:
        remote = RemoteConfig(asr_servers=[server.uri], request_timeout_s=120.0)
        decoder = load_wyoming_recognizer(AsrConfig(), remote, Path("models")).pool_decoder
        decoder.decode(np.zeros(8000, dtype=np.float32), ["en"], "", 1, 10)


@pytest.fixture
def live_asr_servers(asr_servers: list[WyomingServer]) -> list[WyomingServer]:
    """The ASR servers, restarted if an earlier test killed one."""
    for server in asr_servers:
        if server.proc is None or server.proc.poll() is not None:
            warm_up([server.start()])
    return asr_servers


@pytest.fixture(scope="session")
def piper_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WyomingServer]:
    server = tts_server(tmp_path_factory.mktemp("wyoming-piper"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def spoken_english(piper_server: WyomingServer) -> tuple[bytes, int]:
    """A clerk-like English sentence spoken by the real Piper joe voice (through the Wyoming TTS engine)."""
    remote = RemoteConfig(tts_servers=[piper_server.uri], tts_voices=TTS_VOICES)
    synthesizer = load_wyoming_synthesizer(TtsConfig(), remote, models_dir=piper_server.workdir)
    chunks = list(synthesizer.synthesize("Please bring your residence card. Then wait at counter three.", "en"))
    rate = chunks[0].sample_rate
    silence = np.zeros(rate * 2, dtype="<i2").tobytes()
    return silence[: rate] + b"".join(c.pcm for c in chunks) + silence, rate


@pytest.fixture(scope="session")
def libretranslate_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LibreTranslateServer]]:
    """Two real LibreTranslate servers (for failover), started together: each takes ~10 s to start."""
    servers = [libretranslate_server(tmp_path_factory.mktemp("libretranslate")) for _ in range(2)]
    try:
        start_together(servers)
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def live_libretranslate(libretranslate_servers: list[LibreTranslateServer]) -> list[LibreTranslateServer]:
    """The LibreTranslate servers, restarted if an earlier test killed one."""
    start_together([s for s in libretranslate_servers if s.proc is None or s.proc.poll() is not None])
    return libretranslate_servers
