"""What ``madoguchi serve`` checks before it loads the models (tens of seconds), so that a mistake IT
can fix — a store folder it cannot create, a second relay on the same store, a port already taken —
is one line at once instead of a traceback after the wait."""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import time
from pathlib import Path
from typing import IO


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
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise CommandFailed(f"store.path {path}: this user ({_user()}) may not read and write it")
    return path


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
