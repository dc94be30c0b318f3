from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipelines.mt import ArgosTranslator, MtConfig, load_translator
from pipelines.mt.models import ArgosModels

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))
from build_argos import cached_package  # noqa: E402

# ja↔en and en↔vi only: ja→vi and vi→ja must pivot through English.
TEST_PAIRS = (("ja", "en"), ("en", "ja"), ("en", "vi"), ("vi", "en"))


@pytest.fixture(scope="session")
def argos_archives() -> dict[tuple[str, str], Path]:
    """Random-weight .argosmodel files in the real format, built once and cached across runs."""
    return {pair: cached_package(*pair) for pair in TEST_PAIRS}


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory, argos_archives: dict[tuple[str, str], Path]) -> Path:
    folder = tmp_path_factory.mktemp("models")
    manager = ArgosModels()
    for archive in argos_archives.values():
        manager.install(folder, archive)
    return folder


@pytest.fixture
def make_translator(models_dir: Path) -> Callable[..., ArgosTranslator]:
    def make(**config: object) -> ArgosTranslator:
        return load_translator(MtConfig(**config), models_dir)  # type: ignore[arg-type]

    return make


@pytest.fixture(scope="session")
def translator(models_dir: Path) -> ArgosTranslator:
    return load_translator(MtConfig(), models_dir)


@pytest.fixture
def empty_models_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "models"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
