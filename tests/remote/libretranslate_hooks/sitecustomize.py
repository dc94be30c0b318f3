"""Imported by Python at the test LibreTranslate server's start-up (this folder is first on its ``PYTHONPATH``).

Runs the loopback guard (``tests/netguard/sitecustomize.py``, which Python no longer finds itself: only
the first ``sitecustomize`` on the path is imported), then makes waitress, LibreTranslate's HTTP server,
print ``handling POST /translate`` into the server's log when it starts running a request's handler:
``LibreTranslateServer.wait_for_request`` waits for that line.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

REQUEST_LINE = "madoguchi-test: handling {method} {path}"

runpy.run_path(str(Path(__file__).resolve().parents[2] / "netguard" / "sitecustomize.py"))


def report_requests() -> None:
    try:
        from waitress.task import WSGITask
    except ImportError:  # not the LibreTranslate environment: nothing to report
        return
    handle = WSGITask.execute

    def execute(self: Any) -> Any:
        print(REQUEST_LINE.format(method=self.request.command, path=self.request.path), flush=True)
        return handle(self)

    WSGITask.execute = execute  # type: ignore[method-assign]


report_requests()
