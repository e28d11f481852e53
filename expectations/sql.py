"""Small helpers that render portable SQL (DuckDB and Postgres)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from types import MappingProxyType

# Logical schema -> the schema it is read from while the gate runs (set by run_gate; see reading_schemas).
_SCHEMAS: ContextVar[Mapping[str, str]] = ContextVar("socialmart_gate_schemas", default=MappingProxyType({}))


@contextmanager
def reading_schemas(schemas: Mapping[str, str]) -> Iterator[None]:
    """Within the block, :func:`qualified` reads each schema of ``schemas`` from the schema it maps to.

    On PostgreSQL the run builds the marts in ``marts__build`` and publishes them as ``marts`` afterwards, so the
    gate maps ``marts`` to ``marts__build`` while the suites keep naming ``marts.xxx``.
    """
    token = _SCHEMAS.set(MappingProxyType(dict(schemas)))
    try:
        yield
    finally:
        _SCHEMAS.reset(token)


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
    """Quote a ``schema.table`` name part by part, reading the schema from where :func:`reading_schemas` maps it."""
    schema, dot, rest = table.partition(".")
    parts = [_SCHEMAS.get().get(schema, schema), *rest.split(".")] if dot else [table]
    return ".".join(quote_ident(part) for part in parts)


def utc_date(column: str) -> str:
    """SQL for the UTC calendar date of a timestamptz column."""
    return f"CAST(({quote_ident(column)} AT TIME ZONE 'UTC') AS DATE)"


def as_date(column: str) -> str:
    """SQL casting a date-like column to DATE."""
    return f"CAST({quote_ident(column)} AS DATE)"


def median(expression: str) -> str:
    """SQL for the median of an expression (an ordered-set aggregate: DuckDB and Postgres both have it)."""
    return f"PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {expression})"


def union_all(selects: list[str]) -> str:
    """Join SELECT statements with UNION ALL."""
    return " UNION ALL ".join(selects)


def newest_load(table: str) -> str:
    """SQL for the id of the newest dlt load that wrote rows to a raw table (its ``_dlt_load_id``)."""
    return f"(SELECT MAX(_dlt_load_id) FROM {qualified(table)})"
