"""What ``madoguchi serve`` checks before it loads the models (tens of seconds), so that a mistake IT
can fix — a store folder it cannot create, a second relay on the same store, a port already taken —
is one line at once instead of a traceback after the wait; and what ``madoguchi check`` says of a store
it must not open (a missing one is created by the relay, not by a check)."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import socket
import sqlite3
import time
from pathlib import Path
from typing import IO, Any

from relay.settings import StoreConfig


class CommandFailed(Exception):
    """A command that could not do its work, for a reason the administrator can act on: printed as
    ``madoguchi: <reason>`` with exit status 1, not a traceback."""


def store_folder_ready(store_path: str) -> Path:
    """The store's folder, created when missing; a folder that cannot be created is a CommandFailed."""
    path = Path(store_path).absolute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandFailed(f"store.path {path}: cannot create its folder {path.parent}: {_why(exc)}") from exc
    if (unusable := store_unusable(path)) is not None:
        raise CommandFailed(f"store.path {path}: {unusable}")
    return path


def store_unusable(path: Path) -> str | None:
    """Why this user cannot use an existing store (a file root made, read-only, immutable), or None. What
    ``serve`` refuses to start on, ``check`` reports as a failure (SQLite itself would open such a file
    and read it, and the relay would fail at the first write)."""
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        return f"this user ({_user()}) may not read and write it"
    return None


def store_before_opening(store_path: str) -> dict[str, Any] | None:
    """What ``madoguchi check`` says of a store it must not open: one that does not exist yet (opening
    would create it: the relay does that when it starts) or one this user cannot use; None otherwise."""
    path = Path(store_path).absolute()
    if store_path != ":memory:" and not path.exists():
        return store_to_be_created(path)
    if (unusable := store_unusable(path)) is not None:
        return {"ready": False, "detail": f"{path}: {unusable}"}
    return None


def store_to_be_created(path: Path) -> dict[str, Any]:
    """What ``madoguchi check`` says of a store that does not exist yet, without creating it: the relay
    creates it when it starts, unless no folder on the way can be created by this user."""
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return {"ready": False, "detail": f"{path}: cannot be created: {folder} is a file, not a folder"}
    if not os.access(folder, os.W_OK | os.X_OK):
        return {"ready": False, "detail": f"{path}: cannot be created: this user ({_user()}) may not write "
                                          f"in {folder}"}
    return {"ready": True, "detail": f"{path}: none yet — will be created at {path} when the relay starts"}


def create_store(config: StoreConfig) -> None:
    """Create the store (its tables) if it is new, before the models load: a ``token add`` run while the
    relay is still loading finds it, instead of being refused as a store that does not exist."""
    from relay.storage.records import StoreUnavailable
    from relay.storage.store import Store

    if config.path == ":memory:" or Path(config.path).exists():
        return

    async def open_and_close() -> None:
        store = await Store.configured(config).open()
        await store.close()

    try:
        asyncio.run(open_and_close())
    except (StoreUnavailable, sqlite3.Error, OSError) as exc:
        raise CommandFailed(f"store.path {Path(config.path).absolute()}: cannot create it: {exc}") from exc


def claim_store(store_path: str) -> IO[str] | None:
    """Hold the store's lock file (``<store>.lock``) for as long as this relay runs: a second relay on
    the same SQLite file (a manual copy beside the systemd one) would interleave its sessions, resume
    and purges with the first one's, so it is refused, naming the first. Each node of the two-node
    topology has its own store (they share Redis, not SQLite). The kernel drops the lock when the
    process ends, however it ends; the file itself stays (removing it would let two holders in)."""
    if store_path == ":memory:":
        return None
    path = store_folder_ready(store_path)
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock = lock_path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise CommandFailed(f"store.path {path}: cannot write beside it ({lock_path}): {_why(exc)}") from exc
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "a process that has not yet written its pid"
        lock.close()
        raise CommandFailed(f"another relay already uses the store {path} ({holder}) — stop it, "
                            "or give this one its own [store] path") from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
    lock.flush()
    return lock


def port_free(host: str, port: int) -> None:
    """Bind the address the relay will listen on, and let it go again: a port in use is said before
    the models load. (aiohttp binds with SO_REUSEADDR, so does this: a port left in TIME_WAIT by a
    relay that just stopped is not in use.)"""
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CommandFailed(f"cannot listen on {host}: {exc.strerror} — set [server] host") from exc
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                raise CommandFailed(cannot_listen(host, port, exc)) from exc


def cannot_listen(host: str, port: int, exc: OSError) -> str:
    """One line for a port the relay cannot listen on (also when it is taken between the check and the
    relay's own bind)."""
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use (another relay?) — stop it, or set [server] port"
    if exc.errno == errno.EACCES:
        return f"port {port} on {host}: permission denied (ports below 1024 need privileges) — set [server] port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: no interface of this machine has that address — set [server] host"
    return f"cannot listen on port {port} on {host}: {_why(exc)}"


def _why(exc: OSError) -> str:
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return "a file is in the way (a part of that path is a file, not a folder)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{exc.strerror} (this user: {_user()})"
    return exc.strerror or str(exc)


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return str(os.getuid())
