"""``madoguchi models list|fetch|install|remove`` over the model managers of each engine area."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipelines.base import EngineError
from pipelines.download import ModelSources
from pipelines.models import model_managers


class _Progress:
    """A one-line progress bar on stderr."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "." * (30 - filled)
            sys.stderr.write(f"\r{self.label} [{bar}] {done / 1e6:7.1f}/{total / 1e6:.1f} MB")
        else:
            sys.stderr.write(f"\r{self.label} {done / 1e6:7.1f} MB")
        sys.stderr.flush()


def run_models_command(args: argparse.Namespace, models_dir: Path, sources: ModelSources | None = None) -> int:
    managers = model_managers(sources)
    if args.models_command == "list":
        found = False
        for kind, manager in managers.items():
            for model in manager.list_installed(models_dir):
                found = True
                print(f"{kind:8} {model.name:36} {','.join(model.languages):24} {model.size_bytes / 1e6:8.1f} MB")
        if not found:
            print(f"no models installed in {models_dir.resolve()}")
        return 0
    chosen = managers.get(args.kind)
    if chosen is None:
        print(f"madoguchi: no {args.kind} support in this installation", file=sys.stderr)
        return 2
    manager = chosen
    try:
        if args.models_command == "install":
            model = manager.install(models_dir, args.path)
        elif args.models_command == "fetch":
            model = manager.fetch(models_dir, args.name, _Progress(f"{args.kind} {args.name}"))
            sys.stderr.write("\n")
        else:
            manager.remove(models_dir, args.name)
            print(f"removed {args.kind} {args.name}")
            return 0
    except (ValueError, OSError, RuntimeError, EngineError) as exc:  # a clear line, never a traceback
        print(f"madoguchi: {exc}", file=sys.stderr)
        return 1
    print(f"installed {model.kind} {model.name} ({', '.join(model.languages)}) in {model.path}")
    return 0
