"""Timeouts and truncated JSON (issue 9), for every connector family, through the sandbox.

The sandbox's `timeout_first_n` fault answers a family's first requests only after the client has given up (the
test sets `[runtime] request_timeout` to 0.2 s): a burst shorter than the attempts is retried and the load equals a
clean one, row for row, nothing twice. Its `truncated_json` fault serves every response whole by its Content-Length
but with its JSON cut in half: the source fails at once with a SourceApiError naming the source and the endpoint,
and loads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.faults import GROUPS, Faults
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from sources.common.errors import SourceApiError

AS_OF = dt.date(2025, 2, 12)  # every family has ad or post rows by then
NAMES = [spec.name for spec in SOURCES]
BURST = 2  # timed-out requests per source, fewer than the 5 attempts


@pytest.fixture(autouse=True)
def _short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNTIME__REQUEST_TIMEOUT", "0.2")
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.01")


@pytest.fixture(scope="module")
def clean() -> Iterator[SandboxServer]:
    with SandboxServer(AS_OF) as server:
        yield server


@pytest.mark.parametrize("name", NAMES)
def test_a_timeout_burst_shorter_than_the_attempts_loads_everything_once(
    name: str, clean: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    expected = helpers.load_source(name, clean, tmp_path / "clean")
    faults = Faults(timeout_first_n=dict.fromkeys(GROUPS, BURST), timeout_seconds=1.0)
    with SandboxServer(AS_OF, faults) as slow:
        assert helpers.load_source(name, slow, tmp_path / "slow") == expected
        assert slow.fault_state.timed_out == BURST  # the burst was served, and retried


@pytest.mark.parametrize("name", NAMES)
def test_truncated_json_fails_naming_source_and_endpoint(name: str, helpers: Any, tmp_path: Path) -> None:
    with SandboxServer(AS_OF, Faults(truncated_json=GROUPS)) as server:
        error = helpers.failed_load(name, server, tmp_path)
    assert isinstance(error, SourceApiError), repr(error)
    message = str(error)
    assert message.startswith(f"{name}: {error.method} {error.endpoint}") and "/" in error.endpoint, message
    assert "response is not JSON" in message and "the body was cut short" in message, message
