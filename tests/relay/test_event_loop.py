"""The event loop and thread switch interval of ``madoguchi serve`` (relay.runtime.event_loop): uvloop
when chosen (or by default) and installed, Python's own loop otherwise (with a warning when uvloop was
chosen but is missing); the switch interval as configured, Python's own with 0."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from relay.runtime.event_loop import loop_factory, new_event_loop, say_event_loop, set_switch_interval


@pytest.fixture
def switch_interval() -> Iterator[None]:
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)


def _loop_module(choice: str) -> str:
    loop = loop_factory(choice)()
    try:
        return type(loop).__module__.split(".")[0]
    finally:
        loop.close()


def test_uvloop_is_used_when_chosen_or_by_default_and_pythons_loop_when_asked_for() -> None:
    pytest.importorskip("uvloop")  # a test dependency: installed by `make test`
    assert _loop_module("uvloop") == "uvloop"
    assert _loop_module("auto") == "uvloop", "the default takes uvloop when it is installed"
    assert _loop_module("asyncio") == "asyncio"


def test_the_default_runs_on_pythons_loop_without_a_warning_when_uvloop_is_missing(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed
    with caplog.at_level(logging.INFO, logger="madoguchi.runtime"):
        assert _loop_module("auto") == "asyncio"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "uvloop is optional: nothing to warn of"


def test_uvloop_chosen_but_missing_falls_back_to_pythons_loop_and_says_so(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed
    with caplog.at_level(logging.INFO, logger="madoguchi.runtime"):
        loop = new_event_loop("uvloop")
        try:
            assert type(loop).__module__.startswith("asyncio")
            loop.run_until_complete(say_event_loop(None))
        finally:
            loop.close()
    warning = next(r for r in caplog.records if r.levelno == logging.WARNING)
    assert "uvloop is not installed" in warning.getMessage()
    said = next(r for r in caplog.records if r.getMessage() == "event loop")
    assert said.loop == "asyncio"  # type: ignore[attr-defined]


def test_the_switch_interval_is_set_as_configured_and_0_keeps_pythons(switch_interval: None) -> None:
    set_switch_interval(0.5)
    assert sys.getswitchinterval() == pytest.approx(0.0005)
    set_switch_interval(0)
    assert sys.getswitchinterval() == pytest.approx(0.0005), "0 leaves the interval as it is"
