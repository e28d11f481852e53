"""Small helpers that render portable SQL (DuckDB and Postgres)."""

from __future__ import annotations

from datetime import date


def date_literal(value: date) -> str:
    """Render a date as a typed SQL literal."""
    return f"DATE '{value.isoformat()}'"


def string_literal(value: str) -> str:
    """Render a string as a SQL literal, escaping quotes."""
    escaped = value.replace("'", "''")
    return f"'{escaped}'"


def quote_ident(name: str) -> str:
    """Quote an identifier (needed for columns named like keywords, such as ``date``)."""
    escaped = name.replace('"', '""')
    return f'"{escaped}"'


def qualified(table: str) -> str:
    """Quote a ``schema.table`` name part by part."""
    return ".".join(quote_ident(part) for part in table.split("."))


def utc_date(column: str) -> str:
    """SQL for the UTC calendar date of a timestamptz column."""
    return f"CAST(({quote_ident(column)} AT TIME ZONE 'UTC') AS DATE)"


def as_date(column: str) -> str:
    """SQL casting a date-like column to DATE."""
    return f"CAST({quote_ident(column)} AS DATE)"
