"""Schema drift (issue 9), for every connector family: a missing optional field, a changed type and a changed date
format.

A platform leaves out the fields it has no value for (the sandbox's `missing_optional` fault drops every null, 0,
"", [] and {} field of each record, as Google Ads' proto3 JSON, Pinterest's and LinkedIn's ads analytics and
YouTube's hidden counts do), and the fields it documents as optional whatever their value (its `OPTIONAL_FIELDS`:
Instagram's caption, GA4's currency, TikTok's reach, ...): the load equals a clean one, row for row, but for such a
value, which loads as null where the clean run has its 0, empty or documented optional value. A platform serving an
object where a number was (`{"value": 12}` for `12` or `"12"`, the `changed_type` fault) fails the source with a
ColumnTypeError naming the source, table and column (Snapchat: a SourceApiError naming the endpoint and field), and
loads nothing. A platform serving its dates in another format (`01/05/2025` for `2025-01-05`, epoch seconds for an
ISO-8601 instant and the reverse, the `date_format` fault) fails the source with a DateFormatError naming the
source, table and field, and loads nothing: a changed date format is never read as a guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sandbox.faults import GROUPS, Faults
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from sources.common.errors import ColumnTypeError, DateFormatError, SourceApiError

AS_OF = dt.date(2025, 2, 12)  # every family has ad or post rows by then
NAMES = [spec.name for spec in SOURCES]
EMPTY = (0, "", "[]", "{}", Decimal(0))
# The raw columns of the fields sandbox.faults.OPTIONAL_FIELDS leaves out whatever their value: each loads as null.
LEFT_OUT = {
    "instagram": {"media": {"caption", "permalink"}},
    "ga4": {"traffic_daily": {"currency_code", "property_timezone"}},
    "tiktok_ads": {"ad_insights": {"reach", "video_play_actions"}},
    "tiktok_organic": {"videos": {"caption", "share_url"}},
    "pinterest_ads": {
        "ad_insights": {"total_checkout", "total_checkout_value_in_micro_dollar", "total_video_3sec_views"}
    },
}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SandboxServer]]:
    with (
        SandboxServer(AS_OF) as clean,
        SandboxServer(AS_OF, Faults(missing_optional=GROUPS)) as missing,
        SandboxServer(AS_OF, Faults(changed_type=GROUPS)) as changed,
        SandboxServer(AS_OF, Faults(date_format=GROUPS)) as dates,
    ):
        yield {"clean": clean, "missing": missing, "changed": changed, "dates": dates}


def _tables(name: str, server: SandboxServer, folder: Path, helpers: Any) -> dict[str, dict[str, list[Any]]]:
    """Load `name` from `server` into a warehouse in `folder`: its raw tables as {table: {column: values}}, without
    the columns kept as served JSON, the rows sorted by the values of the columns not in LEFT_OUT (empty as null)."""
    helpers.load_source(name, server, folder)
    skip, left_out = helpers.SERVED_JSON.get(name, {}), LEFT_OUT.get(name, {})
    tables = {}
    for table, (columns, rows) in helpers.raw_tables(folder / "warehouse.duckdb", f"raw_{name}").items():
        kept = [n for n, column in enumerate(columns) if column not in skip.get(table, set())]
        key = [n for n in kept if columns[n] not in left_out.get(table, set())]
        ordered = sorted(rows, key=lambda row: repr(_left_out_as_null(tuple(row[n] for n in key))))
        tables[table] = {columns[n]: [row[n] for row in ordered] for n in kept}
    return tables


def _left_out_as_null(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """`values` with every empty one (0, "", [] or {}) as null, as a field left out loads."""
    return tuple(None if not isinstance(value, bool) and value in EMPTY else value for value in values)


@pytest.mark.parametrize("name", NAMES)
def test_missing_optional_fields_load_as_a_clean_run_with_null(
    name: str, servers: dict[str, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    expected = _tables(name, servers["clean"], tmp_path / "clean", helpers)
    before = servers["missing"].fault_state.omitted
    loaded = _tables(name, servers["missing"], tmp_path / "missing", helpers)
    assert servers["missing"].fault_state.omitted > before, "the sandbox left no field out"
    assert loaded.keys() == expected.keys()
    left_out = LEFT_OUT.get(name, {})
    assert all(columns <= expected[table].keys() for table, columns in left_out.items()), "LEFT_OUT names no column"
    for table, columns in expected.items():
        rows = len(next(iter(columns.values())))
        assert rows, f"{table} has rows"
        assert loaded[table].keys() == columns.keys(), f"{table} has other columns"
        assert len(next(iter(loaded[table].values()))) == rows, f"{table} has another row count"
        for column, values in columns.items():
            if column in left_out.get(table, set()):  # served whatever its value, then left out: loads as null
                assert any(value is not None for value in values), f"{table}.{column} is null in the clean load"
                assert loaded[table][column] == [None] * rows, f"{table}.{column} is not null"
            else:  # left out where empty: null there, the clean value elsewhere
                assert _left_out_as_null(tuple(loaded[table][column])) == _left_out_as_null(tuple(values)), (
                    f"{table}.{column} differs"
                )


@pytest.mark.parametrize("name", NAMES)
def test_a_number_served_as_an_object_fails_naming_source_table_and_column(
    name: str, servers: dict[str, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    error = helpers.failed_load(name, servers["changed"], tmp_path)
    message = str(error)
    if isinstance(error, SourceApiError):  # a connector that checks the served shape itself names the field
        assert message.startswith(f"{name}: GET {error.endpoint}") and "={'value': " in message, message
        return
    assert isinstance(error, ColumnTypeError), repr(error)
    assert message.startswith(f"{name}: table {error.table}, column {error.column!r} "), message
    assert "got {'value': " in message and "nothing of this run was loaded" in message, message
    assert f"convert the value in sources/{name}/helpers.py" in message


@pytest.mark.parametrize("name", NAMES)
def test_a_changed_date_format_fails_naming_source_table_and_field(
    name: str, servers: dict[str, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    before = servers["dates"].fault_state.redated
    error = helpers.failed_load(name, servers["dates"], tmp_path)  # asserts nothing was loaded
    assert servers["dates"].fault_state.redated > before, "the sandbox changed no date"
    assert isinstance(error, DateFormatError), repr(error)
    message = str(error)
    assert message.startswith(f"{name}: table {error.table}, field {error.field!r} got {error.value!r}, "), message
    assert error.table in helpers.catalog_source(name, servers["clean"]).resources, error.table
    assert "which is not a date in the format the connector reads" in message, message
    assert (
        "nothing of this run was loaded" in message and f"read the new format in sources/{name}/helpers.py" in message
    )
