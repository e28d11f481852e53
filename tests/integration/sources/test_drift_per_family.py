"""Schema drift (issue 9), for every connector family: a missing optional field and a changed type.

A platform leaves out the fields it has no value for (the sandbox's `missing_optional` fault drops every null, 0,
"", [] and {} field of each record, as Google Ads' proto3 JSON, Pinterest's and LinkedIn's ads analytics and
YouTube's hidden counts do): the load equals a clean one, row for row, with such a metric at 0 or null as a clean
run has it. A platform serving an object where a number was (`{"value": 12}` for `12`, the `changed_type` fault)
fails the source with a ColumnTypeError naming the source, table and column, and loads nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.faults import GROUPS, Faults
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from sources.common.errors import ColumnTypeError

AS_OF = dt.date(2025, 1, 9)
NAMES = [spec.name for spec in SOURCES]


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, SandboxServer]]:
    with (
        SandboxServer(AS_OF) as clean,
        SandboxServer(AS_OF, Faults(missing_optional=GROUPS)) as missing,
        SandboxServer(AS_OF, Faults(changed_type=GROUPS)) as changed,
    ):
        yield {"clean": clean, "missing": missing, "changed": changed}


@pytest.mark.parametrize("name", NAMES)
def test_missing_optional_fields_load_as_a_clean_run(
    name: str, servers: dict[str, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    expected = helpers.load_source(name, servers["clean"], tmp_path / "clean")
    before = servers["missing"].fault_state.omitted
    loaded = helpers.load_source(name, servers["missing"], tmp_path / "missing")
    assert servers["missing"].fault_state.omitted > before, "the sandbox left no field out"
    assert loaded == expected


@pytest.mark.parametrize("name", NAMES)
def test_a_number_served_as_an_object_fails_naming_source_table_and_column(
    name: str, servers: dict[str, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    error = helpers.failed_load(name, servers["changed"], tmp_path)
    assert isinstance(error, ColumnTypeError), repr(error)
    message = str(error)
    assert message.startswith(f"{name}: table {error.table}, column {error.column!r} "), message
    assert "got {'value': " in message and "nothing of this run was loaded" in message
