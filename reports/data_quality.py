"""The data-quality section every report ends with: what the quality gate said about the data it shows.

The gate's results come from `ops.dq_results` of the warehouse (the checks of the latest run that published it,
per `ops.pipeline_runs`) when those tables exist, else from the gate records the caller passes
(`GateResult.to_records()`). Reports are only built from a published warehouse, so the gate passed: the section
lists the checks that did not pass (warnings) and counts the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reports.reader import Reader, sql_text
from reports.tables import Column, Table

RUNS_MODEL = "ops.pipeline_runs"
RESULTS_MODEL = "ops.dq_results"


@dataclass(frozen=True)
class GateNote:
    """One gate check that did not pass."""

    check: str
    model: str
    severity: str
    message: str


@dataclass(frozen=True)
class DataQuality:
    """The gate's verdict on the data of a report: where it was read, how many checks ran, which did not pass."""

    source: str
    checks: int
    notes: Sequence[GateNote]

    def table(self) -> Table:
        """The checks that did not pass, as a report table."""
        rows = [
            {"check": note.check, "model": note.model, "severity": note.severity, "message": note.message}
            for note in self.notes
        ]
        return Table(
            name="data_quality",
            title="Quality checks that did not pass",
            source=self.source,
            columns=[
                Column("check", "Check"),
                Column("model", "Table"),
                Column("severity", "Severity"),
                Column("message", "Details"),
            ],
            rows=rows,
            key=("check",),
            empty_note="Every check passed.",
        )


def read_data_quality(reader: Reader, gate_records: Sequence[dict[str, Any]] | None) -> DataQuality | None:
    """The gate results from the warehouse's ops tables, else from `gate_records`; None when neither has any."""
    from_warehouse = _from_ops_tables(reader)
    if from_warehouse is not None:
        return from_warehouse
    if gate_records is None:
        return None
    return DataQuality(
        source="the run's quality gate results", checks=len(gate_records), notes=gate_notes(gate_records)
    )


def _from_ops_tables(reader: Reader) -> DataQuality | None:
    if not reader.columns("ops", "dq_results") or not reader.columns("ops", "pipeline_runs"):
        return None
    runs = reader.query(
        f"select run_id, run_date from {RUNS_MODEL} where is_published order by started_at desc limit 1"
    )
    if not runs:
        return None
    run_id = runs[0]["run_id"]
    records = reader.query(f"select * from {RESULTS_MODEL} where run_id = {sql_text(run_id)} order by name")
    source = f"{RESULTS_MODEL} (run {run_id} of {runs[0]['run_date']:%Y-%m-%d}, which published this warehouse)"
    return DataQuality(source=source, checks=len(records), notes=gate_notes(records))


def gate_notes(gate_records: Sequence[dict[str, Any]]) -> list[GateNote]:
    """The gate results worth listing: every entry whose `success` is not true.

    Entries are `CheckResult.to_record()` dicts or `ops.dq_results` rows (`name`, `severity`, `success`,
    `evaluated`, `table_name`, `column_name`, `rule`, `message`); `check`, `model`/`table`, `level` and `details`
    are accepted as aliases. A check that could not be evaluated says so.
    """
    notes = []
    for entry in gate_records:
        if entry.get("success") is True:
            continue
        where = _first(entry, "table_name", "table", "model")
        column = _first(entry, "column_name", "column")
        message = _first(entry, "message", "details", "rule")
        if entry.get("evaluated") is False:
            message = f"not evaluated: {message}" if message else "not evaluated"
        notes.append(
            GateNote(
                check=_first(entry, "name", "check"),
                model=f"{where}.{column}" if where and column else where or column,
                severity=_first(entry, "severity", "level") or "warning",
                message=message,
            )
        )
    return notes


def _first(entry: dict[str, Any], *keys: str) -> str:
    """The first non-empty value among `keys` in `entry`, as text ('' if none)."""
    for key in keys:
        value = entry.get(key)
        if value not in (None, ""):
            return str(value)
    return ""
