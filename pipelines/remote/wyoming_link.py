"""One synchronous Wyoming exchange over TCP: send events, read events until the answer is complete.

Wyoming servers (``wyoming-faster-whisper``, ``wyoming-piper``) close the connection after each
transcript or synthesis, so each request opens its own connection; the pool's per-server slots bound
how many are open at once. Every read has the request timeout: a server that stops answering mid-way
(killed, hung, overloaded) fails this request, and the pool tries the next server.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast
from urllib.parse import urlsplit

from wyoming.event import Event, read_event, write_event

from pipelines.remote.servers import RemoteFailure


def parse_tcp(address: str) -> tuple[str, int]:
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp" or not parts.hostname or not parts.port:
        raise ValueError(f"Wyoming server {address!r} must look like tcp://host:port")
    return parts.hostname, parts.port


@contextmanager
def connect(address: str, connect_timeout_s: float, request_timeout_s: float) -> Iterator[BinaryIO]:
    host, port = parse_tcp(address)
    try:
        sock = socket.create_connection((host, port), timeout=connect_timeout_s)
    except OSError as exc:
        raise RemoteFailure(f"cannot connect: {exc}") from exc
    sock.settimeout(request_timeout_s)
    stream = cast(BinaryIO, sock.makefile("rwb"))
    try:
        yield stream
    except TimeoutError as exc:
        raise RemoteFailure(f"no answer within {request_timeout_s:g} s") from exc
    except (ConnectionError, ValueError) as exc:  # reset, or a malformed event
        raise RemoteFailure(f"connection broken: {exc}") from exc
    finally:
        stream.close()
        sock.close()


def exchange(stream: BinaryIO, events: Iterable[Event], done: Callable[[Event], bool],
             deadline_s: float) -> list[Event]:
    """Write ``events``, then read until ``done(event)``; the whole answer must come within ``deadline_s``
    (a server trickling bytes must not hold a decode forever)."""
    for request in events:
        write_event(request, stream)
    stream.flush()
    deadline = time.monotonic() + deadline_s
    answer: list[Event] = []
    while True:
        event: Event | None = read_event(stream)
        if event is None:
            raise RemoteFailure("the server closed the connection before answering")
        if event.type == "error":
            raise RemoteFailure(f"the server says: {event.data.get('text', event.data)}")
        answer.append(event)
        if done(event):
            return answer
        if time.monotonic() > deadline:
            raise RemoteFailure(f"answer not complete within {deadline_s:g} s")
