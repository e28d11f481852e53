"""The tables a report shows: one definition drives the HTML table, the CSV file and the XLSX sheet.

A `Table` holds the rows as read from the warehouse (raw values: `Decimal`, `float`, `date`, keys such as
`meta`) and `Column`s that say how each value is labelled and formatted. The HTML shows formatted text and keeps the
raw value in a `data-value` attribute (so a test can compare the page with the marts to the cent); CSV and XLSX get
the raw values, XLSX with a number format per column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from reports.formatting import (
    NO_DATA,
    channel_label,
    format_count,
    format_metric_value,
    format_money,
    format_percent,
    format_ratio,
    metric_spec,
    segment_label,
    status_style,
)

ColumnKind = Literal[
    "text",
    "metric",
    "channel",
    "segment",
    "money",
    "count",
    "ratio",
    "percent",
    "metric_value",
    "status",
    "date",
    "link",
]


@dataclass(frozen=True)
class Column:
    """One column: `key` of the row dicts, header `label`, how it is shown (`kind`, `decimals`).

    `signed` puts a `+` before positive values (changes). `metric_field` names the row field whose metric formats
    a `metric_value` column. `href_field` names the row field holding a `link` column's address. `html=False` keeps
    a column out of the page (it still goes to CSV and XLSX).
    """

    key: str
    label: str
    kind: ColumnKind = "text"
    decimals: int | None = None
    signed: bool = False
    metric_field: str = "metric"
    href_field: str | None = None
    html: bool = True

    @property
    def is_numeric(self) -> bool:
        """True for columns shown right-aligned with tabular figures."""
        return self.kind in ("money", "count", "ratio", "percent", "metric_value")


@dataclass(frozen=True)
class Table:
    """A titled table of rows; `name` is its file and sheet name, `key` the columns that identify a row."""

    name: str
    title: str
    source: str
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    key: Sequence[str] = ()
    note: str = ""
    empty_note: str = "No rows."

    @property
    def html_columns(self) -> list[Column]:
        """The columns shown on the page."""
        return [column for column in self.columns if column.html]

    def row_key(self, row: dict[str, Any]) -> str:
        """The row's identity as `a|b|c` of its key columns (what the page's `data-key` holds)."""
        return "|".join(raw_text(row.get(name)) for name in self.key)


def is_missing(value: Any) -> bool:
    """True for SQL NULL and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def raw_text(value: Any) -> str:
    """A raw value as exact text: full-precision numbers, ISO dates, lowercase booleans, '' for NULL."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _signed(text: str, value: Any, column: Column) -> str:
    if column.signed and not is_missing(value) and float(value) > 0 and not text.startswith("-"):
        return "+" + text
    return text


def format_cell(column: Column, row: dict[str, Any], currency: str) -> str:
    """The text a page shows for `row`'s value in `column`."""
    value = row.get(column.key)
    kind = column.kind
    if kind == "metric":
        return metric_spec(value).label if value is not None else NO_DATA
    if kind == "channel":
        return channel_label(value) if value is not None else NO_DATA
    if kind == "segment":
        return segment_label(value) if value is not None else NO_DATA
    if kind == "status":
        return status_style(value).label
    if is_missing(value):
        return NO_DATA
    if kind == "money":
        text = format_money(float(value), currency, column.decimals or 0)
    elif kind == "count":
        text = format_count(float(value))
    elif kind == "ratio":
        text = format_ratio(float(value), 2 if column.decimals is None else column.decimals)
    elif kind == "percent":
        text = format_percent(float(value), 1 if column.decimals is None else column.decimals)
    elif kind == "metric_value":
        text = format_metric_value(row[column.metric_field], float(value), currency)
    elif kind == "date":
        text = value.isoformat() if isinstance(value, date) else str(value)
    else:
        text = str(value)
    return _signed(text, value, column)
