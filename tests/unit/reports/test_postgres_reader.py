"""The same reports from a PostgreSQL warehouse: the hand-made marts copied into PostgreSQL give the same pages."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import psycopg2
import pytest
from report_warehouse import FEB, GENERATED_AT, JAN, make_warehouse

from reports.options import ReportOptions
from reports.periods import IsoWeek
from reports.reader import duckdb_reader, postgres_reader
from reports.render import ReportPage
from reports.schedule import ReportRequest, read_page
from reports.tables import format_cell

if TYPE_CHECKING:
    from postgres_support import PostgresServer

    from socialmart.config import PostgresConnection

pytestmark = pytest.mark.postgres
OPTIONS = ReportOptions(pdf=False, generated_at=GENERATED_AT)
PG_TYPES = {"VARCHAR": "text", "DOUBLE": "double precision", "TIMESTAMP WITH TIME ZONE": "timestamptz"}
GATE = [{"name": "fx_fresh", "severity": "warning", "success": False, "message": "rate 3 days old"}]


def _copy_marts(source: Path, target: PostgresConnection) -> None:
    """Copy every table of the DuckDB file's marts schema into PostgreSQL, with the same column types."""
    with duckdb.connect(str(source), read_only=True) as duck, closing(psycopg2.connect(target.dsn)) as pg:
        columns = duck.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = 'marts' order by table_name, ordinal_position"
        ).fetchall()
        tables: dict[str, list[tuple[str, str]]] = {}
        for table, column, data_type in columns:
            tables.setdefault(table, []).append((column, PG_TYPES.get(data_type, data_type)))
        with pg, pg.cursor() as cursor:
            cursor.execute("create schema marts")
            for table, defs in tables.items():
                cursor.execute(f"create table marts.{table} ({', '.join(f'{c} {t}' for c, t in defs)})")
                rows = duck.execute(f"select * from marts.{table}").fetchall()
                marks = ", ".join(["%s"] * len(defs))
                cursor.executemany(f"insert into marts.{table} values ({marks})", rows)


def _shown(page: ReportPage) -> dict[str, list[list[str]]]:
    """What the page shows of each table: every row's formatted cells, in order."""
    return {
        table.name: [
            [table.row_key(row), *(format_cell(column, row, OPTIONS.currency) for column in table.html_columns)]
            for row in table.rows
        ]
        for table in page.tables
    }


@pytest.mark.parametrize(
    "request_",
    [ReportRequest("monthly", JAN), ReportRequest("pacing", FEB), ReportRequest("weekly", IsoWeek(2026, 6))],
    ids=["monthly", "pacing", "weekly"],
)
def test_postgres_reader_gives_the_same_report(
    postgres_server: PostgresServer, tmp_path: Path, request_: ReportRequest
) -> None:
    source = make_warehouse(tmp_path / "socialmart.duckdb")
    with postgres_server.database("reports") as database:
        _copy_marts(source, database)
        with duckdb_reader(source) as reader:
            from_duckdb = read_page(request_, reader, GATE, OPTIONS)
        with postgres_reader(database) as reader:
            assert str(database) == reader.label and (database.password or "\0") not in reader.label
            from_postgres = read_page(request_, reader, GATE, OPTIONS)
    assert from_postgres.stem == from_duckdb.stem
    assert _shown(from_postgres) == _shown(from_duckdb)
    assert sum(len(rows) for rows in _shown(from_postgres).values()) > 5
