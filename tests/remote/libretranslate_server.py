"""A real LibreTranslate server on loopback, in its own virtual environment, with small Argos models.

``libretranslate`` pins numpy, requests, redis and others at versions that conflict with the relay's
environment, so ``make test`` installs it into ``.venv-libretranslate`` (as a deployment runs it on its
own server or environment). The Argos packages are the random-weight ones in the real format
(tests/fixtures/build_argos.py: ja→en, en→ja, en→vi; LibreTranslate pivots ja→vi through English),
installed where argos-translate finds them (``ARGOS_PACKAGES_DIR``), each with the tiny MiniSBD
sentence splitter (tests/fixtures/build_minisbd.py) in its ``minisbd/`` folder, so the server never
tries to download one. The server runs with ``HOME`` and the XDG folders in the test's folder and the
socket guard on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.netguard import ENV_FLAG
from tests.processes import STACKS_ON_ABORT
from tests.remote.servers import ServerProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
LIBRETRANSLATE = Path(os.environ.get("MADOGUCHI_LIBRETRANSLATE", ROOT / ".venv-libretranslate" / "bin" / "libretranslate"))
PAIRS = [("ja", "en"), ("en", "ja"), ("en", "vi")]
START_TIMEOUT_S = 120
# first on the server's PYTHONPATH: the loopback guard, and a log line for each request it starts handling
HOOKS_DIR = Path(__file__).resolve().parent / "libretranslate_hooks"
REQUEST_TIMEOUT_S = 120


def install_packages(packages_dir: Path) -> None:
    """Unpack the Argos packages into ``packages_dir`` with the MiniSBD model inside each."""
    sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
    from build_argos import cached_package
    from build_minisbd import build

    sbd = build(ROOT / ".cache" / "test-models" / "minisbd" / "xx.onnx")
    for source, target in PAIRS:
        with zipfile.ZipFile(cached_package(source, target)) as archive:
            top = archive.namelist()[0].split("/")[0]
            archive.extractall(packages_dir)
        (packages_dir / top / "minisbd").mkdir(exist_ok=True)
        shutil.copy(sbd, packages_dir / top / "minisbd" / "xx.onnx")


@dataclass
class LibreTranslateServer(ServerProcess):
    """One ``libretranslate`` process; ``kill`` it mid-test and ``start`` it again on the same port."""

    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path | None:
        return self.log

    def environment(self) -> dict[str, str]:
        home = self.workdir / "home"
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
                "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
                "XDG_CONFIG_HOME": str(home / "config"), "ARGOS_PACKAGES_DIR": str(self.workdir / "packages"),
                "ARGOS_DEVICE_TYPE": "cpu", "ARGOS_INTRA_THREADS": "1",
                # the loopback-only guard and the request log line, nothing of the relay's on the path
                "PYTHONPATH": str(HOOKS_DIR), ENV_FLAG: "1", "PYTHONUNBUFFERED": "1", **STACKS_ON_ABORT}

    def start(self) -> LibreTranslateServer:
        return self.launch().wait_ready()

    def launch(self) -> LibreTranslateServer:
        self.log = self.workdir / f"libretranslate-{self.port}.log"
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [str(LIBRETRANSLATE), "--host", "127.0.0.1", "--port", str(self.port), "--load-only", "ja,en,vi",
                 "--disable-web-ui", "--threads", "2"],
                stdout=out, stderr=subprocess.STDOUT, cwd=self.workdir, env=self.environment())
        return self

    def wait_ready(self) -> LibreTranslateServer:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/languages", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"libretranslate did not start: see {self.log}")
            time.sleep(0.2)

    def log_mark(self) -> int:
        """Where the log ends now: ``wait_for_request`` looks only at what the server writes after it."""
        return self.log.stat().st_size if self.log is not None and self.log.exists() else 0

    def wait_for_request(self, path: str, since: int) -> None:
        """Return once the server has started handling a request for ``path`` (its log says so after
        ``since``): the request is on this server, not just sent."""
        assert self.log is not None
        line = f"madoguchi-test: handling POST {path}\n".encode()
        deadline = time.monotonic() + REQUEST_TIMEOUT_S
        while line not in self.log.read_bytes()[since:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"the server never got POST {path}: see {self.log}")
            time.sleep(0.02)

def libretranslate_server(workdir: Path) -> LibreTranslateServer:
    if not LIBRETRANSLATE.exists():
        pytest.skip(f"LibreTranslate is not installed at {LIBRETRANSLATE} (`make test` installs it)")
    (workdir / "packages").mkdir(parents=True, exist_ok=True)
    install_packages(workdir / "packages")
    return LibreTranslateServer(workdir)


def start_together(servers: list[LibreTranslateServer]) -> None:
    for server in servers:
        server.launch()
    for server in servers:
        server.wait_ready()
