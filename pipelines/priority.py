"""Work that can wait runs at a lower CPU priority than work a person is waiting for.

On a busy node the cores are shared by the recogniser (a speaker waits for the final), the translator
(a listener waits for the text) and the speech synthesiser (whose audio only starts once the text is on
the screen, and which costs most: Kokoro takes 1.7 CPU s for a short Japanese sentence, more than the
recogniser spends on the whole turn). The kernel decides which thread runs; a thread's nice value
tells it what matters less. On Linux nice is per thread, and a thread starts with the nice value of
the thread that created it, so both the thread that calls an engine and the engine's own worker
threads (onnxruntime's, created with the model) must be lowered: ``lower_this_thread`` for the
first, ``made_lowered`` to create the model in a thread that is lowered already.

Raising a nice value needs no privilege; lowering it again would, so a lowered thread stays lowered
(the relay keeps such threads for that kind of work only). Elsewhere than Linux, nice applies to the
whole process, and these functions do nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

log = logging.getLogger("madoguchi.priority")

MAX_NICE = 19


def lower_this_thread(nice: int) -> None:
    """Add ``nice`` to the calling thread's nice value (Linux; at most 19)."""
    if nice <= 0 or not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(MAX_NICE, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except OSError as exc:  # a sandbox that forbids it: the work runs at the usual priority
        log.warning("cannot lower the priority of a thread: %s", exc)


def thread_nice() -> int:
    """The calling thread's nice value (the process's elsewhere than Linux)."""
    who = threading.get_native_id() if sys.platform.startswith("linux") else 0
    return os.getpriority(os.PRIO_PROCESS, who)


def made_lowered(nice: int, make: Callable[[], T]) -> T:
    """``make()`` run in a new thread lowered by ``nice``, so that the threads it creates (an ONNX
    session's intra-op pool) are lowered too; returns its result or raises its exception."""
    if nice <= 0:
        return make()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        lower_this_thread(nice)
        try:
            outcome.append(make())
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="lowered-load")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
