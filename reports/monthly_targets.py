"""The monthly target report: a closed month's targets against actuals, as a self-contained HTML page and CSV.

Reads `marts.rpt_monthly_targets` (grain: month x metric x channel x segment, docs/design.md) from the
published DuckDB warehouse, read-only, and closes the connection before rendering. The HTML embeds its CSS
and its chart (inline SVG), so it can be forwarded by e-mail and opened offline.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from reports.charts import ChartBar, ChartPanel, actual_vs_target_svg
from reports.errors import ReportError
from reports.formatting import (
    METRICS,
    STATUS_STYLES,
    StatusStyle,
    channel_label,
    format_metric_value,
    format_percent,
    metric_spec,
    segment_label,
    status_style,
)

MODEL = "marts.rpt_monthly_targets"
COLUMNS = (
    "month",
    "metric",
    "channel",
    "segment",
    "target",
    "actual",
    "attainment",
    "days_elapsed",
    "days_in_month",
    "projection",
    "projected_attainment",
    "status",
    "is_month_closed",
)
# Status thresholds on projected attainment, as the dbt model applies them (docs/design.md).
ON_TRACK_MIN = 0.95
AT_RISK_MIN = 0.85
ALL = "all"
TEMPLATES_DIR = Path(__file__).parent / "templates"
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class ReportFiles:
    """The files one report build wrote."""

    html: Path
    csv: Path


@dataclass(frozen=True)
class TargetRow:
    """One row of `marts.rpt_monthly_targets`, with the fields the report shows."""

    metric: str
    channel: str
    segment: str
    target: float | None
    actual: float | None
    attainment: float | None
    status: str | None
    days_elapsed: int | None
    days_in_month: int | None
    is_month_closed: bool | None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TargetRow:
        """Build from a `{column: value}` record of the model; DECIMAL figures become floats."""
        values = {name: record[name] for name in cls.__dataclass_fields__}
        for name in ("target", "actual", "attainment"):
            values[name] = None if values[name] is None else float(values[name])
        return cls(**values)


@dataclass(frozen=True)
class GateNote:
    """One gate check that did not pass, as the data-quality section lists it."""

    check: str
    model: str
    severity: str
    message: str


def build_monthly_target_report(
    warehouse: Path,
    month: date,
    out_dir: Path,
    gate_summary: list[dict] | None = None,
    *,
    currency: str = "USD",
    generated_at: datetime | None = None,
) -> ReportFiles:
    """Write `monthly-targets-YYYY-MM.html` and `.csv` for a closed month into `out_dir`.

    `month` may be any day of the month. `currency` is the reporting currency the model's money is in
    (`[socialmart] reporting_currency`); the model has no currency column. `gate_summary` is the gate's check
    records (`GateResult.to_records()`): those whose `success` is not true are listed as data-quality
    warnings. `generated_at` defaults to now (UTC). Raises `ReportError` when the warehouse or the model is
    missing, when the month has no target rows, or when the month is not closed yet.
    """
    month = date(month.year, month.month, 1)
    columns, records = _read_month(Path(warehouse), month)
    rows = [TargetRow.from_record(record) for record in records]
    data_through = _data_through(rows, month)
    if not all(row.is_month_closed for row in rows):
        raise ReportError(
            f"{month:%Y-%m} is not a closed month in {MODEL} of warehouse {warehouse} (data through "
            f"{data_through.isoformat()}). The monthly target report covers closed months: build it on or "
            f"after {_next_month(month).isoformat()}, once the nightly run has loaded the whole month."
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(
        html=out_dir / f"monthly-targets-{month:%Y-%m}.html",
        csv=out_dir / f"monthly-targets-{month:%Y-%m}.csv",
    )
    html = render_monthly_target_html(
        rows,
        month=month,
        currency=currency,
        data_through=data_through,
        generated_at=generated_at or datetime.now(UTC),
        gate_summary=gate_summary,
        warehouse_name=Path(warehouse).name,
    )
    _write_atomic(files.html, lambda handle: handle.write(html))
    _write_atomic(files.csv, lambda handle: _write_csv(handle, columns, records))
    return files


def render_monthly_target_html(
    rows: Sequence[TargetRow],
    *,
    month: date,
    currency: str,
    data_through: date,
    generated_at: datetime,
    gate_summary: list[dict] | None,
    warehouse_name: str,
) -> str:
    """Render the report page from the month's rows (no I/O: the caller reads the warehouse)."""
    ordered = sorted(rows, key=_display_order)
    headlines = _headline_rows(ordered)
    panels = _chart_panels(ordered, currency)
    chart = None
    if panels:
        description = f"Actual vs target by channel, {month:%B %Y}"
        chart = Markup(actual_vs_target_svg(panels, currency, description))
    views = [_row_view(row, currency) for row in ordered]
    counts = Counter(view["status"].key for view in views)
    template = _ENV.get_template("monthly_targets.html.j2")
    return template.render(
        title=f"socialmart · Monthly targets · {month:%B %Y}",
        month_label=f"{month:%B %Y}",
        currency=currency.upper(),
        headlines=[_row_view(row, currency) for row in headlines],
        rows=views,
        chart=chart,
        status_styles=list(STATUS_STYLES.values()),
        status_counts=[(style, counts[style.key]) for style in STATUS_STYLES.values() if counts[style.key]],
        gate_notes=None if gate_summary is None else gate_notes(gate_summary),
        no_data_rows=[view for view in views if view["status"].key == "no_data"],
        on_track_min=format_percent(ON_TRACK_MIN, 0),
        at_risk_min=format_percent(AT_RISK_MIN, 0),
        data_through=data_through.isoformat(),
        generated_at=generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        model=MODEL,
        warehouse_name=warehouse_name,
    )


def gate_notes(gate_summary: list[dict]) -> list[GateNote]:
    """The gate results worth listing: every entry whose `success` is not true.

    Entries are `expectations.results.CheckResult.to_record()` dicts (`name`, `severity`, `success`,
    `evaluated`, `table_name`, `column_name`, `rule`, `message`); `check`, `model`/`table`, `level` and
    `details` are accepted as aliases. A check that could not be evaluated says so.
    """
    notes = []
    for entry in gate_summary:
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


def _read_month(warehouse: Path, month: date) -> tuple[list[str], list[dict[str, Any]]]:
    """Read the model's rows for `month` (ordered by metric, channel, segment) and close the warehouse."""
    if not warehouse.is_file():
        raise ReportError(
            f"Warehouse file not found: {warehouse}. Run the nightly flow to build and publish it, or pass "
            "the path of the published warehouse (warehouse/socialmart.duckdb)."
        )
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(
            f"Could not open warehouse {warehouse} read-only: {exc}. If another process holds it open for "
            "writing, close that process and retry."
        ) from exc
    try:
        present = {
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'rpt_monthly_targets'"
            ).fetchall()
        }
        if not present:
            raise ReportError(
                f"Model {MODEL} not found in warehouse {warehouse}. Run the nightly flow (dbt build of the "
                "reports layer) so the model exists before building the monthly target report."
            )
        missing = [name for name in COLUMNS if name not in present]
        if missing:
            raise ReportError(
                f"Model {MODEL} in warehouse {warehouse} lacks column(s) {', '.join(missing)} of its "
                "contract (docs/design.md). Rebuild the warehouse with the current dbt project."
            )
        query = f"select * from {MODEL} where month = ? order by metric, channel, segment"
        cursor = con.execute(query, [month])
        columns = [description[0] for description in cursor.description]
        records = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
        if not records:
            months = con.execute(f"select distinct month from {MODEL} order by month").fetchall()
            available = ", ".join(f"{m:%Y-%m}" for (m,) in months) or "none"
            raise ReportError(
                f"No targets for {month:%Y-%m} in {MODEL} of warehouse {warehouse}. Add rows for month "
                f"{month.isoformat()} to inputs/targets.csv (month,metric,channel,segment,target) and rerun "
                f"the nightly flow. Months with targets: {available}."
            )
    finally:
        con.close()
    return columns, records


def _data_through(rows: Sequence[TargetRow], month: date) -> date:
    """The last day the month's actuals cover: day `days_elapsed` of the month, else the month's last day."""
    month_end = _next_month(month) - timedelta(days=1)
    elapsed = [row.days_elapsed for row in rows if row.days_elapsed is not None]
    if not elapsed:
        return month_end
    return min(month_end, month + timedelta(days=max(elapsed) - 1))


def _next_month(month: date) -> date:
    """The first day of the month after `month`."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _display_order(row: TargetRow) -> tuple[Any, ...]:
    """Known metrics in canonical order, then the rest by name; 'all' first within channel and segment."""
    metric_rank = list(METRICS).index(row.metric) if row.metric in METRICS else len(METRICS)
    return (metric_rank, row.metric, row.channel != ALL, row.channel, row.segment != ALL, row.segment)


def _headline_rows(ordered: Sequence[TargetRow]) -> list[TargetRow]:
    """Per known metric: its channel 'all' x segment 'all' row, else its per-channel segment 'all' rows."""
    headlines: list[TargetRow] = []
    for metric in METRICS:
        overall = [row for row in ordered if row.metric == metric and row.segment == ALL]
        totals = [row for row in overall if row.channel == ALL]
        headlines.extend(totals or overall)
    return headlines


def _chart_panels(ordered: Sequence[TargetRow], currency: str) -> list[ChartPanel]:
    """One panel per metric with per-channel rows (segment 'all'), largest target first.

    When no metric has per-channel rows, each metric's channel 'all' row is charted instead, so a month whose
    targets are all totals still gets its chart.
    """
    overall = [row for row in ordered if row.segment == ALL]
    charted = [row for row in overall if row.channel != ALL] or overall
    panels = []
    for metric in dict.fromkeys(row.metric for row in charted):
        spec = metric_spec(metric)
        of_metric = [row for row in charted if row.metric == metric]
        of_metric.sort(key=lambda row: -(row.target or 0.0))
        bars = [ChartBar(label=_bar_label(row), target=row.target, actual=row.actual) for row in of_metric]
        title = f"{spec.label} ({currency.upper()})" if spec.kind == "money" else spec.label
        panels.append(ChartPanel(metric=metric, title=title, bars=bars))
    return panels


def _bar_label(row: TargetRow) -> str:
    """A chart category: the channel, with its attainment when there is one."""
    if row.attainment is None:
        return channel_label(row.channel)
    return f"{channel_label(row.channel)} · {format_percent(row.attainment)}"


def _row_view(row: TargetRow, currency: str) -> dict[str, Any]:
    """The formatted strings the template shows for one row."""
    style: StatusStyle = status_style(row.status)
    return {
        "metric": row.metric,
        "metric_label": metric_spec(row.metric).label,
        "channel": row.channel,
        "channel_label": channel_label(row.channel),
        "segment": row.segment,
        "segment_label": segment_label(row.segment),
        "target": format_metric_value(row.metric, row.target, currency),
        "actual": format_metric_value(row.metric, row.actual, currency),
        "attainment": format_percent(row.attainment),
        "lower_is_better": metric_spec(row.metric).lower_is_better,
        "status": style,
    }


def _first(entry: dict, *keys: str) -> str:
    """The first non-empty value among `keys` in `entry`, as text ('' if none)."""
    for key in keys:
        value = entry.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def _csv_value(value: Any) -> str:
    """One CSV cell: empty for NULL, lowercase booleans, ISO dates, full-precision numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _write_csv(handle: TextIO, columns: Sequence[str], records: Sequence[dict[str, Any]]) -> None:
    """Write the model's rows with a header, in the model's column order."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_csv_value(record[name]) for name in columns])


def _write_atomic(path: Path, write: Callable[[TextIO], object]) -> None:
    """Write `path` through a temporary file and `os.replace`, so a reader never sees half a report."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        write(handle)
    os.replace(tmp, path)
