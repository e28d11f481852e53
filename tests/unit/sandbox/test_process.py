"""The sandbox in a child process (sandbox/process.py), as the nightly run starts it: it serves the same world as the
in-process server, stops with the `with` block, and a child that cannot start is reported with its error."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from sandbox import credentials
from sandbox.process import SandboxProcess, SandboxStartError
from sandbox.server import SandboxServer

AS_OF = date(2025, 2, 10)


def _ad_account(url: str) -> dict:
    response = httpx.get(
        f"{url}/graph/{credentials.GRAPH_API_VERSION}/act_1001",
        params={"access_token": credentials.META_ACCESS_TOKEN, "fields": "account_id,name,currency,timezone_name"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def test_the_child_serves_the_same_world_and_stops_with_the_block() -> None:
    with SandboxServer(as_of=AS_OF) as in_process:
        expected = _ad_account(in_process.url)
    with SandboxProcess(AS_OF) as sandbox:
        assert sandbox.url.startswith("http://127.0.0.1:")
        assert _ad_account(sandbox.url) == expected
        process = sandbox._process
    assert process is not None and process.returncode is not None, "the child ends with the block"
    with pytest.raises(httpx.TransportError):
        _ad_account(sandbox.url)


def test_a_child_that_cannot_start_is_reported_with_its_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sandbox.process.sys.executable", "/bin/false")  # exits at once, printing nothing
    with pytest.raises(SandboxStartError, match=r"the sandbox process did not start \(exit code 1\)"):
        SandboxProcess(AS_OF).__enter__()
