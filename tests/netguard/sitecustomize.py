"""Loopback-only network guard (imported by Python at start-up when this folder is on ``PYTHONPATH``).

Any connection or name lookup outside the loopback range raises ``NetworkAccessBlocked``: engines and
the relay must never touch the network at run time, and tests must not either. Installed in a
subprocess only when ``TESTS_NETGUARD_LOOPBACK_ONLY=1`` (``tests/netguard/__init__.py`` sets both).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any


class NetworkAccessBlocked(RuntimeError):
    pass


def is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be network access


real_connect = socket.socket.connect
real_connect_ex = socket.socket.connect_ex
real_getaddrinfo = socket.getaddrinfo


def guarded_connect(self: socket.socket, address: Any) -> Any:
    if not is_local(address):
        raise NetworkAccessBlocked(f"test tried to connect to {address!r}")
    return real_connect(self, address)


def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    if not is_local(address):
        raise NetworkAccessBlocked(f"test tried to connect to {address!r}")
    return real_connect_ex(self, address)


def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if isinstance(host, bytes):
        host = host.decode()
    if host not in (None, "localhost") and not is_local((host,)):
        raise NetworkAccessBlocked(f"test tried to resolve {host!r}")
    return real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    os.environ["HF_HUB_OFFLINE"] = "1"


if os.environ.get("TESTS_NETGUARD_LOOPBACK_ONLY") == "1":
    install()
