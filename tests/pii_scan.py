"""The sandbox's personal data, and a scan of a warehouse (every column of every table and view) and of the files a
run wrote for any of it (tests/e2e/test_privacy.py, tests/integration/test_exports_run.py and the connector tests)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import duckdb

from sandbox.constants import SHOPS_BY_HANDLE
from sandbox.people import browser_ip, shop_customer
from sandbox.stripe_payments import charges_before
from sandbox.world import build_world

# A query function: SQL in, rows out (a DuckDB file or a PostgreSQL database).
Query = Callable[[str], list[tuple]]
SYSTEM_SCHEMAS = ("information_schema", "pg_catalog", "pg_toast")
BINARY_SUFFIXES = (".duckdb", ".wal", ".lock", ".parquet")


def sandbox_personal_data(as_of: date, *, with_stripe: bool = True) -> set[str]:
    """Every identifying value the sandbox hands out up to `as_of`: each Shopify customer's email, full name, phone
    and street address, each order's browser IP, each Stripe buyer's, and the raw customer ids (Shopify's and
    Stripe's), which must reach the warehouse only hashed."""
    world = build_world(as_of)
    values: set[str] = set()
    for handle, orders in world.orders.items():
        geo = SHOPS_BY_HANDLE[handle].geo
        for order in orders:
            values.update(shop_customer(order.customer_id, geo).identifying_values())
            values.update((browser_ip(order.id), str(order.customer_id)))
    if with_stripe:
        for charges in charges_before(world.cutoff).values():
            for charge in charges:
                values.update(charge.buyer.identifying_values())
                values.update([charge.customer] if charge.customer else [])
    return values


def _trie_pattern(values: Iterable[str]) -> str:
    """One regular expression matching any of `values`, shaped as their prefix tree: at each text position the
    engine follows one branch per character instead of trying every value, so a scan costs about one step per
    character however many values there are. Longer values win over their own prefixes."""
    root: dict[str, dict] = {}
    for value in values:
        node = root
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


class PiiScanner:
    """Finds which of many values occur anywhere inside texts (substrings, exactly)."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = frozenset(v for v in values if v)
        self.regex = re.compile(_trie_pattern(self.values))

    def find(self, texts: Iterable[str | None]) -> set[str]:
        """The values found in `texts`. Scanning left to right, the leftmost occurrence of any value is always
        reported, so an empty result means none occurs."""
        return {match.group(0) for match in self.regex.finditer("\x00".join(t for t in texts if t))}

    def scan(self, query: Query) -> dict[str, set[str]]:
        """The values found per `schema.table.column` of a database (every table and view outside the system
        schemas, each column's distinct values read as text; a relation is read once for all its columns)."""
        columns: dict[tuple[str, str], list[str]] = defaultdict(list)
        for schema, table, column in query(
            "select table_schema, table_name, column_name from information_schema.columns "
            f"where table_schema not in {SYSTEM_SCHEMAS} order by table_schema, table_name, ordinal_position"
        ):
            columns[(str(schema), str(table))].append(str(column))
        found: dict[str, set[str]] = {}
        for (schema, table), names in columns.items():
            pairs = ", ".join(f"({_literal(name)}, cast(r.{_quoted(name)} as varchar))" for name in names)
            rows = query(
                f"select distinct x.c, x.v from {_quoted(schema)}.{_quoted(table)} as r, "
                f"lateral (values {pairs}) as x(c, v) where x.v is not null"
            )
            by_column: dict[str, list[str]] = defaultdict(list)
            for name, value in rows:
                by_column[name].append(value)
            for name, values in by_column.items():
                hits = self.find(values)
                if hits:
                    found[f"{schema}.{table}.{name}"] = hits
        return found

    def scan_files(self, folder: Path) -> dict[str, set[str]]:
        """The values found per file below `folder`: text files (reports, validation results, Data Docs) whole,
        Parquet files column by column (`file.parquet.column`). DuckDB files are scanned with `scan`."""
        found: dict[str, set[str]] = {}
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in BINARY_SUFFIXES):
            hits = self.find([path.read_text(encoding="utf-8", errors="replace")])
            if hits:
                found[str(path.relative_to(folder))] = hits
        for path in sorted(folder.rglob("*.parquet")):
            with duckdb.connect() as con:
                con.execute(f"create view parquet_file as select * from read_parquet({_literal(str(path))})")
                for where, hits in self.scan(lambda sql, con=con: con.execute(sql).fetchall()).items():
                    found[f"{path.relative_to(folder)}.{where.rsplit('.', 1)[1]}"] = hits
        return found


def duckdb_file(path: Path) -> Query:
    """A query function on a DuckDB file, opened read-only for each query."""

    def query(sql: str) -> list[tuple]:
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(sql).fetchall()

    return query


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def describe(found: dict[str, set[str]], limit: int = 3) -> str:
    """A failure message: where personal data was found, with a few of the values."""
    return "personal data found in " + "; ".join(
        f"{where}: {sorted(values)[:limit]}" for where, values in sorted(found.items())
    )
