"""Real Wyoming servers on loopback for the remote-engine tests, and a slow proxy in front of one.

``wyoming-faster-whisper`` serves the real Whisper base (tests/fixtures/real_models.py) and
``wyoming-piper`` the real Piper joe voice, each as its own process with ``--local-files-only`` and the
socket guard (tests/netguard) on, as the relay's remote engines meet them in a deployment.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import processes

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache"
JOE = "en_US-joe-medium"
TTS_VOICES = [f"en={JOE}"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (`make test` installs it with the dev extras)")


class ServerProcess:
    """Stopping a test server's process: politely, then for good, saying so with what it was doing
    (tests/processes.py; shared by every server fixture)."""

    proc: subprocess.Popen[bytes] | None

    @property
    def log_path(self) -> Path | None:
        raise NotImplementedError

    @property
    def label(self) -> str:
        """Which server, in what a teardown says about it."""
        return f"{type(self).__name__} on port {getattr(self, 'port', '?')}"

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        processes.stop(self.proc, self.label, self.log_path)


@dataclass
class WyomingServer(ServerProcess):
    """One server process; ``kill`` it mid-test and ``start`` it again on the same port."""

    module: str
    args: list[str]
    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.module}-{self.port}.log"

    @property
    def label(self) -> str:
        return f"{self.module} on port {self.port}"

    def start(self) -> WyomingServer:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", self.module, "--uri", self.uri, *self.args],
                                     stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir,
                                     env={**os.environ, **processes.STACKS_ON_ABORT})
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.module} did not start: see {log.name}") from None
                time.sleep(0.1)



def asr_server(workdir: Path) -> WyomingServer:
    require("wyoming_faster_whisper")
    from tests.fixtures.real_models import RealModelMissing, whisper_base

    try:
        model = whisper_base(CACHE).resolve()
    except RealModelMissing as exc:
        pytest.skip(str(exc))
    return WyomingServer("wyoming_faster_whisper", [
        "--model", str(model), "--data-dir", str(workdir), "--local-files-only", "--stt-library", "faster-whisper",
        "--compute-type", "int8", "--cpu-threads", "1", "--beam-size", "1"], workdir)


def tts_server(workdir: Path) -> WyomingServer:
    require("wyoming_piper")
    from tests.fixtures.real_models import RealModelMissing, piper_joe_voice

    try:
        onnx, config = piper_joe_voice()
    except RealModelMissing as exc:
        pytest.skip(str(exc))
    # in the data folder under its catalogue name, as `wyoming-piper --voice en_US-joe-medium` finds it
    (workdir / f"{JOE}.onnx").symlink_to(onnx)
    (workdir / f"{JOE}.onnx.json").symlink_to(config)
    return WyomingServer("wyoming_piper", ["--voice", JOE, "--data-dir", str(workdir), "--local-files-only"], workdir)


class SlowProxy:
    """A TCP proxy that holds every answer of the server behind it for ``delay_s``: an overloaded server."""

    def __init__(self, target_port: int, delay_s: float) -> None:
        self.delay_s, self.target_port = delay_s, target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._open += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, answers: bool) -> None:
        try:
            while data := src.recv(65536):
                if answers:  # the delay in force now: a kept-alive connection slows down too
                    time.sleep(self.delay_s)
                dst.sendall(data)
        except OSError:
            return

    def close(self) -> None:
        self._listener.close()
        for sock in self._open:
            sock.close()
