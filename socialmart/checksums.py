"""Order-independent checksums of the published marts, to prove that two runs built the same data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

MARTS_SCHEMA = "marts"


def mart_checksums(connection: Any, schema: str = MARTS_SCHEMA) -> dict[str, tuple[int, str]]:
    """Return (row count, checksum) per table and view of `schema`, through a DuckDB or psycopg connection.

    The checksum is the md5 of the sorted md5s of every row's text form, so it ignores row order and counts
    duplicate rows. Two equal checksums mean equal contents, column order and types included.
    """
    names = connection.execute(
        f"select table_name from information_schema.tables where table_schema = '{schema}' order by table_name"
    ).fetchall()
    result: dict[str, tuple[int, str]] = {}
    for (name,) in names:
        relation = f'"{schema}"."{name}"'
        [(rows, checksum)] = connection.execute(
            f"select count(*), md5(coalesce(string_agg(row_md5, '' order by row_md5), '')) "
            f"from (select md5(cast(t as text)) as row_md5 from {relation} as t) as hashed"
        ).fetchall()
        result[name] = (int(rows), checksum)
    return result


def duckdb_mart_checksums(warehouse_file: Path, schema: str = MARTS_SCHEMA) -> dict[str, tuple[int, str]]:
    """`mart_checksums` of a DuckDB warehouse file, opened read-only."""
    with duckdb.connect(str(warehouse_file), read_only=True) as connection:
        return mart_checksums(connection, schema)
