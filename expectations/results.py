"""Results of the data-quality gate: one CheckResult per check, gathered in a GateResult."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


def to_jsonable(value: Any) -> Any:
    """Convert a value from a validation result into plain JSON types (dates as ISO text, decimals as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    return str(value)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: Stable check name, e.g. ``spend_non_negative.raw_meta_ads.ad_insights``.
        suite: The Great Expectations suite the check belongs to, e.g. ``raw.meta_ads_ad_insights``.
        severity: ``error`` checks fail the gate; ``warning`` checks are only reported.
        success: True when the check passed. A check that could not be evaluated is not a success.
        table: Qualified table the check is about (``schema.table``).
        column: Column(s) the check is about, if any.
        rule: What the check expects, in words.
        observed_value: What was observed (a count of bad rows, a lag in days, a share).
        samples: Up to ``GateParams.sample_rows`` bad rows (key columns and the offending value).
        message: A one-line human explanation of the outcome.
        evaluated: False when the check could not run (a table is missing or the query failed).
    """

    name: str
    suite: str
    severity: Severity
    success: bool
    table: str
    column: str | None
    rule: str
    observed_value: Any = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    evaluated: bool = True

    def describe(self) -> str:
        """Return a multi-line human description of this check's outcome."""
        where = f"{self.table}.{self.column}" if self.column else self.table
        status = "passed" if self.success else ("NOT EVALUATED" if not self.evaluated else "FAILED")
        lines = [f"[{self.severity.upper()}] {self.name} {status}: {where}"]
        lines.append(f"    rule: {self.rule}")
        if self.evaluated:
            lines.append(f"    observed: {json.dumps(to_jsonable(self.observed_value))} - {self.message}")
        else:
            lines.append(f"    reason: {self.message}")
        for row in self.samples:
            lines.append(f"    sample: {json.dumps(to_jsonable(row), sort_keys=True)}")
        return "\n".join(lines)

    def to_record(self) -> dict[str, Any]:
        """Return this result as a flat, JSON-serializable dict (samples as a JSON text)."""
        return {
            "name": self.name,
            "suite": self.suite,
            "severity": self.severity,
            "success": self.success,
            "evaluated": self.evaluated,
            "table_name": self.table,
            "column_name": self.column,
            "rule": self.rule,
            "observed_value": json.dumps(to_jsonable(self.observed_value)),
            "samples": json.dumps(to_jsonable(self.samples), sort_keys=True),
            "message": self.message,
        }


@dataclass(frozen=True)
class GateResult:
    """The outcome of a gate run.

    Attributes:
        success: True when no error-level check failed (warnings never make it False).
        checks: Every check's result, in suite order.
        run_date: The run date the gate was evaluated for.
        duration_s: Wall time of the gate run (Great Expectations import excluded).
        docs_index: The Data Docs index page, when Data Docs were built.
    """

    success: bool
    checks: list[CheckResult]
    run_date: date
    duration_s: float = 0.0
    docs_index: Path | None = None

    @classmethod
    def from_checks(
        cls, checks: list[CheckResult], run_date: date, duration_s: float = 0.0, docs_index: Path | None = None
    ) -> GateResult:
        """Build a result whose success is derived from the error-level checks."""
        success = all(c.success for c in checks if c.severity == "error")
        return cls(success, checks, run_date, duration_s, docs_index)

    def check(self, name: str) -> CheckResult:
        """The result of the check named ``name``; KeyError when the gate ran no such check."""
        for result in self.checks:
            if result.name == name:
                return result
        raise KeyError(f"the gate ran no check named {name!r}")

    @property
    def failed(self) -> set[str]:
        """Names of the checks that did not pass (errors, warnings and checks that could not be evaluated)."""
        return {c.name for c in self.checks if not c.success}

    @property
    def errors(self) -> list[CheckResult]:
        """Failed error-level checks (these fail the gate)."""
        return [c for c in self.checks if not c.success and c.severity == "error"]

    @property
    def warnings(self) -> list[CheckResult]:
        """Failed warning-level checks (reported, but the gate still passes)."""
        return [c for c in self.checks if not c.success and c.severity == "warning"]

    def summary(self) -> str:
        """Return a human-readable report naming every failed check with its table, column, value and samples."""
        passed = sum(c.success for c in self.checks)
        verdict = "PASSED" if self.success else "FAILED"
        lines = [
            f"Data-quality gate {verdict} for run date {self.run_date.isoformat()}: "
            f"{passed}/{len(self.checks)} checks passed, {len(self.errors)} error(s), "
            f"{len(self.warnings)} warning(s)."
        ]
        for title, group in (("Errors", self.errors), ("Warnings", self.warnings)):
            if group:
                lines.append(f"{title}:")
                lines.extend(c.describe() for c in group)
        if self.docs_index is not None:
            lines.append(f"Data Docs: {self.docs_index}")
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, Any]]:
        """Return one flat JSON-serializable dict per check, with the run date, for storage."""
        return [{"run_date": self.run_date.isoformat(), **c.to_record()} for c in self.checks]
