"""The test harness itself: skips are errors under CI=true, and the network guard reaches subprocesses."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.netguard import guarded_env

pytest_plugins = ["pytester"]
# the inner runs load the CI rules, and configure pytest-asyncio as pyproject.toml does (left unset, it
# warns in the outer run's summary)
INNER_ARGS = ("-p", "tests.ci_rules", "-o", "asyncio_default_fixture_loop_scope=fixture-scope")

SKIPPING_TESTS = """
import pytest

def test_needs_a_service():
    pytest.skip("redis-server is not installed")

def test_runs():
    assert True

@pytest.mark.xfail(reason="documented limitation", strict=True)
def test_known_limitation():
    assert False
"""


@pytest.mark.parametrize("ci,failed,skipped", [("true", 1, 0), ("", 0, 1)])
def test_a_skip_fails_the_run_only_under_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                            ci: str, failed: int, skipped: int) -> None:
    monkeypatch.setenv("CI", ci)
    pytester.makepyfile(test_example=SKIPPING_TESTS)
    result = pytester.runpytest(*INNER_ARGS)
    result.assert_outcomes(passed=1, failed=failed, skipped=skipped, xfailed=1)
    if failed:
        result.stdout.fnmatch_lines(["*could not run under CI=true*redis-server is not installed*"])


def test_a_module_level_skip_fails_the_run_under_ci(pytester: pytest.Pytester,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile(test_module="import pytest\npytest.importorskip('no_such_module_here')\n")
    result = pytester.runpytest(*INNER_ARGS)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*could not run under CI=true*no_such_module_here*"])


def test_the_guard_blocks_the_network_in_this_process() -> None:
    with socket.socket() as sock, pytest.raises(RuntimeError, match="test tried to connect"):
        sock.connect(("192.0.2.1", 80))  # TEST-NET-1, never routed


PROBE = """
import socket
try:
    socket.socket().connect(("192.0.2.1", 80))
except Exception as exc:
    print(type(exc).__name__, exc)
try:
    socket.getaddrinfo("huggingface.co", 443)
except Exception as exc:
    print(type(exc).__name__, exc)
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
socket.create_connection(server.getsockname(), timeout=1).close()
print("loopback ok")
"""


@pytest.mark.parametrize("env", [None, "guarded_env"])
def test_every_subprocess_a_test_starts_has_the_guard(env: str | None) -> None:
    # None: the plain inherited environment (tests/conftest.py sets it up for the whole run)
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                            env=guarded_env() if env else None, check=True)
    lines = result.stdout.splitlines()
    assert lines == ["NetworkAccessBlocked test tried to connect to ('192.0.2.1', 80)",
                     "NetworkAccessBlocked test tried to resolve 'huggingface.co'",
                     "loopback ok"], result.stderr
