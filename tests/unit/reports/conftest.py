"""Fixtures of the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_warehouse import make_warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """A fresh copy of the hand-made warehouse (tests/report_warehouse.py)."""
    return make_warehouse(tmp_path / "socialmart.duckdb")
