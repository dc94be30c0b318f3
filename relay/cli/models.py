"""``madoguchi models list|fetch|install|install-defaults|registry|remove`` over the model managers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines.base import EngineError, InstalledModel
from pipelines.download import ModelSources
from pipelines.models import model_managers
from pipelines.registry import (
    DEFAULT_MODELS,
    REGISTRY_MODELS,
    PackageSources,
    RegistryModel,
    install_registry_model,
    is_installed,
    read_provenance,
    registry_model,
)

REGISTRY_PREFIX = "registry:"


class _Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line every quarter otherwise (logs)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._tty = sys.stderr.isatty()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        step = (int(100 * done / total) // (2 if self._tty else 25)) if total else int(done // 50e6)
        if step == self._last:
            return
        self._last = step
        if total:
            filled = int(30 * done / total)
            text = f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {done / 1e6:7.1f}/{total / 1e6:.1f} MB"
        else:
            text = f"{self.label} {done / 1e6:7.1f} MB"
        sys.stderr.write(f"\r{text}" if self._tty else f"{text}\n")
        sys.stderr.flush()


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_models_command(args: argparse.Namespace, models_dir: Path, sources: ModelSources | None = None,
                       install_defaults: bool = True) -> int:
    """``sources``: where ``fetch`` downloads from; ``install_defaults``: the ``[models]`` setting."""
    command = args.models_command
    try:
        if command == "list":
            return _list(models_dir)
        if command == "registry":
            return _registry()
        if command == "install-defaults":
            return _install_defaults(args, models_dir, install_defaults)
        return _one_model(args, models_dir, sources)
    except (ValueError, OSError, RuntimeError, EngineError) as exc:  # a clear line, never a traceback
        sys.stderr.write("\n")
        print(f"madoguchi: {exc}", file=sys.stderr)
        return 1


def _list(models_dir: Path) -> int:
    found = False
    for kind, manager in model_managers().items():
        for model in manager.list_installed(models_dir):
            found = True
            source = "registry" if read_provenance(model.path).get("source") == "registry" else "local"
            print(f"{kind:8} {model.name:36} {language_coverage(model.languages):34} "
                  f"{model.size_bytes / 1e6:8.1f} MB  {source}")
    if not found:
        print(f"no models installed in {models_dir.resolve()}")
    return 0


def _registry() -> int:
    for model in REGISTRY_MODELS.values():
        default = " (default)" if model in DEFAULT_MODELS else ""
        print(f"{model.kind} registry:{model.name}{default} — {model.description}")
        print(f"    packages: {', '.join(p.requirement for p in model.pins)}")
        print(f"    licence:  {model.licence}; origin {model.origin}")
        for pinned in model.files:
            print(f"    sha256 {pinned.sha256}  {pinned.target}")
    return 0


def _sources(args: argparse.Namespace) -> PackageSources:
    wheels = getattr(args, "wheels", None)
    if wheels is not None and not Path(wheels).is_dir():
        raise ValueError(f"--wheels {wheels}: no such folder")
    return PackageSources(wheels_dir=wheels, allow_download=not getattr(args, "offline", False), log=_say)


def _install_from_registry(model: RegistryModel, models_dir: Path, sources: PackageSources,
                           replace: bool = False) -> InstalledModel:
    _say(f"{model.kind} {model.name}: {model.description} ({model.requirements})")
    installed = install_registry_model(model, models_dir, sources, _Progress(f"{model.kind} {model.name}"),
                                       replace=replace)
    sys.stderr.write("\n")
    return installed


def _install_defaults(args: argparse.Namespace, models_dir: Path, enabled: bool) -> int:
    if not enabled:
        _say("models.install_defaults is false: not installing models from the package registry "
             "(install your own with `madoguchi models install KIND PATH`)")
        return 0
    sources = _sources(args)
    for model in DEFAULT_MODELS:
        if is_installed(model, models_dir):
            _say(f"{model.kind} {model.name}: already installed")
            continue
        _report(_install_from_registry(model, models_dir, sources))
    return 0


def _one_model(args: argparse.Namespace, models_dir: Path, sources: ModelSources | None) -> int:
    manager = model_managers(sources).get(args.kind)
    if manager is None:
        print(f"madoguchi: no {args.kind} support in this installation", file=sys.stderr)
        return 2
    if args.models_command == "remove":
        manager.remove(models_dir, args.name)
        print(f"removed {args.kind} {args.name}")
        return 0
    if args.models_command == "fetch":
        model = manager.fetch(models_dir, args.name, _Progress(f"{args.kind} {args.name}"))
        sys.stderr.write("\n")
    elif str(args.path).startswith(REGISTRY_PREFIX):
        pinned = registry_model(args.kind, str(args.path).removeprefix(REGISTRY_PREFIX))
        # an explicit install replaces the old copy, once the new one is verified
        model = _install_from_registry(pinned, models_dir, _sources(args), replace=True)
    else:
        model = manager.install(models_dir, Path(args.path))
    _report(model)
    return 0


def _report(model: InstalledModel) -> None:
    languages = ", ".join(model.languages[:6]) + (", …" if len(model.languages) > 6 else "")
    print(f"installed {model.kind} {model.name} ({languages}) in {model.path}")


def language_coverage(model_languages: Sequence[str], residents: Sequence[str] = ()) -> str:
    """A model's languages as a count and whether it covers Japanese and the configured resident
    languages (a cut-off list of 99 codes looked as if Japanese were missing)."""
    if len(model_languages) <= 3:
        return ",".join(model_languages)
    missing = [code for code in ["ja", *residents] if code not in model_languages]
    covered = (f"not {','.join(missing)}" if missing
               else "incl. ja and every resident language" if residents else "incl. ja")
    return f"{len(model_languages)} languages, {covered}"
