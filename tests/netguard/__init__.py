"""The loopback-only network guard, for the test process and for every subprocess a test starts.

``sitecustomize.py`` in this folder holds the guard. The test process installs it through
``tests/conftest.py``; subprocesses get it because ``tests/conftest.py`` puts this folder first on
``PYTHONPATH`` with ``TESTS_NETGUARD_LOOPBACK_ONLY=1`` set, and Python imports ``sitecustomize`` at start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

GUARD_DIR = Path(__file__).resolve().parent
ENV_FLAG = "TESTS_NETGUARD_LOOPBACK_ONLY"


def with_guard_on_path(pythonpath: str | None) -> str:
    """``pythonpath`` with the guard folder first (kept once)."""
    parts = [p for p in (pythonpath or "").split(os.pathsep) if p and Path(p).resolve() != GUARD_DIR]
    return os.pathsep.join([str(GUARD_DIR), *parts])


def guarded_env(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """An environment for a subprocess: ``base`` (default ``os.environ``) plus ``extra``, with the guard on."""
    env = {**(os.environ if base is None else base), **extra}
    env["PYTHONPATH"] = with_guard_on_path(env.get("PYTHONPATH"))
    env[ENV_FLAG] = "1"
    env["HF_HUB_OFFLINE"] = "1"
    return env
