"""The event loop ``madoguchi serve`` runs on, and how often Python lets another thread run.

One event loop carries every session of a node: each typed or spoken turn is a dozen callbacks of that
loop (socket reads and writes, the turn's steps, the answers of the store's and the engines' threads),
each waiting behind everything else ready. ``relay.event_loop = "auto"`` (the default) runs it on uvloop
(libuv, in C: the loop's own scheduling and the socket I/O cost less per callback; at 1,000 sessions it
measured a quarter less CPU per message on a busy machine and no difference on a quiet one:
docs/performance.md, "Fifth round") when uvloop is installed, and on Python's own loop when it is not, without a word: uvloop is a package the relay does
not need (``pip install uvloop``, or the project's ``fast`` extra). ``"uvloop"`` insists on it (chosen
but not installed, the relay says so in its log and runs on Python's loop); ``"asyncio"`` keeps Python's
loop.

``relay.switch_interval_ms`` is Python's thread switch interval (``sys.setswitchinterval``). The engines
and the store run in worker threads, and a worker that wakes up (a translation asked for, a commit to
make, its answer to hand back) needs the interpreter lock, which the event loop thread holds while it
runs sessions' callbacks. A busy loop drops the lock at every system call, but takes it straight back
before a woken thread gets to run, so that thread waits until the interval has passed and it may ask the
loop to yield: up to 5 ms (Python's default) per thread trip, two or three trips per turn. The same
bound applies the other way round: a worker running Python code (the やさしい日本語 rewriter, the
tokenisers) keeps the loop — every session — waiting for up to one interval at a time. A shorter
interval bounds both waits; the price is more switches between threads that both want to run Python
(each a few microseconds), which a relay whose heavy engines run in C (CTranslate2, onnxruntime, with the
lock released) hardly pays.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable

log = logging.getLogger("madoguchi.runtime")

EVENT_LOOPS = ("auto", "asyncio", "uvloop")


def uvloop_installed() -> bool:
    return importlib.util.find_spec("uvloop") is not None


def loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop]:
    """What makes the relay's event loop: uvloop's when chosen (or ``auto``) and installed, else Python's
    own."""
    if choice == "auto":
        choice = "uvloop" if uvloop_installed() else "asyncio"
    if choice == "uvloop":
        try:
            uvloop = importlib.import_module("uvloop")
        except ImportError as exc:
            log.warning("relay.event_loop is uvloop but uvloop is not installed (pip install uvloop); "
                        "running on Python's asyncio loop", extra={"error": str(exc)})
        else:
            return uvloop.new_event_loop  # type: ignore[no-any-return]
    return asyncio.new_event_loop


def event_loop_status(choice: str) -> dict[str, str]:
    """For ``madoguchi check``: the loop chosen, the loop the relay would run on, and why."""
    installed = uvloop_installed()
    if choice == "auto":
        runs_on = "uvloop" if installed else "asyncio"
        detail = "uvloop (installed)" if installed else "Python's asyncio loop (uvloop is not installed)"
        return {"chosen": choice, "runs_on": runs_on, "detail": detail}
    if choice == "uvloop" and not installed:
        return {"chosen": choice, "runs_on": "asyncio", "detail": "uvloop chosen but not installed (pip install uvloop)"}
    return {"chosen": choice, "runs_on": choice, "detail": "uvloop" if choice == "uvloop" else "Python's asyncio loop"}


def set_switch_interval(milliseconds: float) -> None:
    """Python's thread switch interval (``relay.switch_interval_ms``); 0 keeps Python's own (5 ms)."""
    if milliseconds > 0:
        sys.setswitchinterval(milliseconds / 1000)


def new_event_loop(choice: str) -> asyncio.AbstractEventLoop:
    """The relay's event loop (``relay.event_loop``)."""
    return loop_factory(choice)()


async def say_event_loop(_: object) -> None:
    """A start-up hook: the log says which loop the relay runs on, and the switch interval in force."""
    log.info("event loop", extra={"loop": type(asyncio.get_running_loop()).__module__.split(".")[0],
                                  "switch_interval_ms": round(sys.getswitchinterval() * 1000, 3)})
