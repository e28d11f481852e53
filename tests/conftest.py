"""Shared test fixtures: one Prefect test server for the session, and an isolated warehouse per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import socialmart  # noqa: F401  (sets dlt/dbt/GX/Prefect environment defaults)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Run flows against one temporary Prefect server for the whole session (starting one takes ~20 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def isolated_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the warehouse and reports at a temporary folder, keeping the committed config and inputs."""
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("SOCIALMART__REPORTS_DIR", str(tmp_path / "reports"))
    for key in list(os.environ):
        if key.startswith("SOURCES__"):
            monkeypatch.delenv(key)
    return tmp_path
