"""Under ``CI=true`` a test that cannot run is an error, never a silent skip.

A missing service or binary (redis-server, espeak-ng, chromium, a registry model package) makes the
tests that need it skip on a developer's machine, with the reason; in CI the same skip is turned into
a failure that names the reason, so a green run means every test ran. Parametrised cases that do not
apply are not generated in the first place (see ``tests/queue/conftest.py``), so they never skip.

This module is a pytest plugin: ``tests/conftest.py`` imports its hooks.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

CI_VALUES = {"1", "true", "yes"}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in CI_VALUES


def _as_ci_failure(report: Any) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = (f"could not run under CI=true (skips are errors in CI): {reason}\n"
                       "Install what it needs (`make test` does) or fix the test.")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        _as_ci_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped:  # a module-level skip or importorskip
        _as_ci_failure(report)


def pytest_report_header(config: pytest.Config) -> str | None:
    return "CI=true: a skipped test fails the run" if in_ci() else None
