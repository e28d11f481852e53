"""Schema drift (issue 9), for every connector family: a missing optional field and a changed type.

A platform leaves out the fields it has no value for (the sandbox's `missing_optional` fault drops every null, 0,
"", [] and {} field of each record, as Google Ads' proto3 JSON, Pinterest's and LinkedIn's ads analytics and
YouTube's hidden counts do): the load equals a clean one, row for row, but for such a value, which loads as null
where the clean run has its 0 or empty value. A platform serving an object where a number was (`{"value": 12}` for
`12` or `"12"`, the `changed_type` fault) fails the source with a ColumnTypeError naming the source, table and
column (Snapchat: a SourceApiError naming the endpoint and field), and loads nothing.
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
from sources.common.errors import ColumnTypeError, SourceApiError

AS_OF = dt.date(2025, 2, 12)  # every family has ad or post rows by then
NAMES = [spec.name for spec in SOURCES]
EMPTY = (0, "", "[]", "{}", Decimal(0))
# Families whose sandbox records hold no empty field by AS_OF: the fault would leave nothing out, so they are not
# tested here (docs/reliability.md lists them as a gap until the sandbox drops their documented optional fields).
NOTHING_EMPTY = {"instagram", "ga4", "tiktok_ads", "tiktok_organic", "pinterest_ads"}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SandboxServer]]:
    with (
        SandboxServer(AS_OF) as clean,
        SandboxServer(AS_OF, Faults(missing_optional=GROUPS)) as missing,
        SandboxServer(AS_OF, Faults(changed_type=GROUPS)) as changed,
    ):
        yield {"clean": clean, "missing": missing, "changed": changed}


def _left_out_as_null(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows with every empty value (0, "", [] or {}) as null, as a field left out loads."""

    def null(value: Any) -> Any:
        return None if not isinstance(value, bool) and value in EMPTY else value

    return {table: sorted((tuple(map(null, row)) for row in rows), key=repr) for table, rows in tables.items()}


@pytest.mark.parametrize("name", [name for name in NAMES if name not in NOTHING_EMPTY])
def test_missing_optional_fields_load_as_a_clean_run_with_null(
    name: str, servers: dict[str, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    skip = helpers.SERVED_JSON.get(name)
    expected = helpers.load_source(name, servers["clean"], tmp_path / "clean", skip)
    before = servers["missing"].fault_state.omitted
    loaded = helpers.load_source(name, servers["missing"], tmp_path / "missing", skip)
    assert servers["missing"].fault_state.omitted > before, "the sandbox left no field out"
    assert {table: len(rows) for table, rows in loaded.items()} == {t: len(rows) for t, rows in expected.items()}
    assert all(expected.values()), "every raw table has rows"
    assert _left_out_as_null(loaded) == _left_out_as_null(expected)


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
