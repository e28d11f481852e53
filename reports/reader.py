"""The one way the report builders read the warehouse: a `Reader` runs SQL and returns rows as dicts.

A report opens a reader, reads everything it shows, and closes it before rendering, so the published DuckDB file
is held open (read-only) for as short a time as possible. `duckdb_reader` opens the published DuckDB file and
`postgres_reader` the PostgreSQL warehouse: the builders' SQL uses only what both run (information_schema, date
literals, `nullif`, window-free aggregates), so either can be passed. Values come back as the driver gives them:
DECIMAL as `Decimal`, DATE as `date`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reports.errors import ReportError
from socialmart.config import PostgresConnection

Row = dict[str, Any]


@dataclass(frozen=True)
class Reader:
    """A query function on one warehouse, and how to name that warehouse in a message (never with a password)."""

    label: str
    query: Callable[[str], list[Row]]

    def columns(self, schema: str, table: str) -> list[str]:
        """The columns of `schema.table` in order; empty when the table does not exist."""
        rows = self.query(
            "select column_name from information_schema.columns "
            f"where table_schema = {sql_text(schema)} and table_name = {sql_text(table)} order by ordinal_position"
        )
        return [row["column_name"] for row in rows]

    def require(self, model: str, columns: Sequence[str], report: str) -> None:
        """Raise ReportError unless `model` (`schema.table`) exists with every column in `columns`."""
        schema, table = model.split(".")
        present = self.columns(schema, table)
        if not present:
            raise ReportError(
                f"Model {model} not found in warehouse {self.label}. Run the nightly flow (dbt build of the marts "
                f"and reports layers) so the model exists before building the {report}."
            )
        missing = [name for name in columns if name not in present]
        if missing:
            raise ReportError(
                f"Model {model} in warehouse {self.label} lacks column(s) {', '.join(missing)} of its contract "
                "(dbt_project/models). Rebuild the warehouse with the current dbt project."
            )


def sql_text(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def sql_date(value: date) -> str:
    """A SQL date literal both DuckDB and PostgreSQL read."""
    return f"date '{value.isoformat()}'"


@contextmanager
def duckdb_reader(path: Path) -> Iterator[Reader]:
    """A reader on the DuckDB file at `path`, opened read-only and closed on exit."""
    import duckdb

    path = Path(path)
    if not path.is_file():
        raise ReportError(
            f"Warehouse file not found: {path}. Run the nightly flow (socialmart run) to build and publish it, "
            "or pass the published warehouse's path with --warehouse."
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(
            f"Could not open warehouse {path} read-only: {exc}. If another process holds it open for writing, "
            "wait for it to finish and retry."
        ) from exc

    def query(sql: str) -> list[Row]:
        cursor = con.execute(sql)
        names = [description[0] for description in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    with closing(con):
        yield Reader(label=str(path), query=query)


@contextmanager
def postgres_reader(connection: PostgresConnection) -> Iterator[Reader]:
    """A reader on the PostgreSQL warehouse of `connection`, in a read-only transaction, closed on exit."""
    import psycopg2
    import psycopg2.extras

    try:
        con = psycopg2.connect(connection.dsn, connect_timeout=10)
    except psycopg2.Error as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ReportError(
            f"Could not connect to the PostgreSQL warehouse {connection}: {first_line}. Check [socialmart] "
            "postgres_dsn and that the server is running."
        ) from exc
    con.set_session(readonly=True, autocommit=False)

    def query(sql: str) -> list[Row]:
        with con.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cursor:
            cursor.execute(sql)
            return [dict(row) for row in cursor.fetchall()]

    with closing(con):
        yield Reader(label=str(connection), query=query)
