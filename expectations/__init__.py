"""Data-quality gate for the socialmart warehouse (Great Expectations 1.x over DuckDB or PostgreSQL).

Importing this package sets ``GX_ANALYTICS_ENABLED=false`` for the process before anything imports Great
Expectations. Great Expectations itself (about 10 s to import) is only imported when :func:`run_gate` runs.

Public API::

    from expectations import GateParams, run_gate

    result = run_gate(Path("warehouse/.build/run.duckdb"), GateParams(run_date=date(2025, 3, 6)))
    if not result.success:
        raise RuntimeError(result.summary())
"""

from __future__ import annotations

import os

os.environ["GX_ANALYTICS_ENABLED"] = "false"

from expectations.gate import GateConnectionError, run_gate
from expectations.params import GateParams
from expectations.results import CheckResult, GateResult

__all__ = ["CheckResult", "GateConnectionError", "GateParams", "GateResult", "run_gate"]
