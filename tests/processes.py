"""Stopping the tests' server processes as systemd stops a service: SIGTERM and a bounded wait. One that
does not stop is never killed silently: a Python server is first asked for what it is doing (SIGABRT:
started with ``PYTHONFAULTHANDLER=1``, it writes every thread's stack into its log), then it is killed,
and the caller gets which process it was and the end of its log. (redis-server answers SIGABRT with a
crash report and a memory test that would push its stack out of the log's end: it is just killed.)"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import warnings
from pathlib import Path

STACKS_ON_ABORT = {"PYTHONFAULTHANDLER": "1"}  # in a Python server's environment
TAIL_CHARS = 4000
DUMP_WAIT_S = 5.0


class ServerDidNotStop(UserWarning):
    """A test server (not the relay) that ignored SIGTERM: said in the warnings summary, with its log."""


def log_tail(log: Path | None, chars: int = TAIL_CHARS) -> str:
    if log is None or not log.exists():
        return "(no log)"
    text = log.read_bytes()[-chars:].decode("utf-8", "replace")
    return text if text.strip() else "(empty log)"


def wait_or_describe(proc: subprocess.Popen[bytes], name: str, log: Path | None, timeout_s: float,
                     dump_stacks: bool = True) -> str | None:
    """Wait up to ``timeout_s`` for ``proc`` (already sent SIGTERM) to end: None when it did; otherwise its
    stacks are dumped (a Python process), it is killed, and the description (which one, what it was
    doing) is returned."""
    try:
        proc.wait(timeout=timeout_s)
        return None
    except subprocess.TimeoutExpired:
        pass
    if dump_stacks:
        proc.send_signal(signal.SIGABRT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=DUMP_WAIT_S)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    return (f"{name} (pid {proc.pid}) did not stop within {timeout_s:g} s of SIGTERM and was killed; "
            f"the end of its log {log}:\n{log_tail(log)}")


def stop(proc: subprocess.Popen[bytes] | None, name: str, log: Path | None, timeout_s: float = 10.0,
         dump_stacks: bool = True) -> None:
    """SIGTERM, wait, and a ``ServerDidNotStop`` warning naming the server and its log's end if it would not."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    problem = wait_or_describe(proc, name, log, timeout_s, dump_stacks)
    if problem is not None:
        warnings.warn(problem, ServerDidNotStop, stacklevel=2)
