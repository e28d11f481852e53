"""Schema drift, a changed type (issue 9): a platform starts serving its numbers as strings (`12` -> `"12"`).

For every connector family, a load from a sandbox whose records carry every number as text (the `numbers_as_text`
fault) equals a clean load, row for row. A value that is no number at all in a numeric column fails the source with
ColumnTypeError naming the column and the value, so nothing of that run is loaded. (A known column whose loaded type
changes is refused by the dlt schema contract: the `test_schema_contract_...` tests of each family.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from sandbox.faults import GROUPS, Faults, FaultState
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from sources.common.arrow import MONEY, table_from_columns
from sources.common.errors import ColumnTypeError, find_source_error

AS_OF = dt.date(2025, 2, 12)  # every family has ad or post rows by then, so every raw table is compared


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[SandboxServer, SandboxServer]]:
    with SandboxServer(AS_OF) as clean, SandboxServer(AS_OF, Faults(numbers_as_text=GROUPS)) as drifted:
        yield clean, drifted


@pytest.mark.parametrize("name", [spec.name for spec in SOURCES])
def test_numbers_served_as_text_load_the_same(
    name: str, servers: tuple[SandboxServer, SandboxServer], helpers: Any, tmp_path: Path
) -> None:
    clean, drifted = servers
    expected = helpers.load_source(name, clean, tmp_path / "clean", helpers.SERVED_JSON.get(name))
    assert all(expected.values()), {table: len(rows) for table, rows in expected.items()}
    assert helpers.load_source(name, drifted, tmp_path / "drifted", helpers.SERVED_JSON.get(name)) == expected


def test_the_fault_serves_every_number_as_text() -> None:
    state = FaultState(Faults(numbers_as_text=("x",)))
    record = {"id": 7, "metrics": {"likes": 3, "rate": 0.5}, "flags": [True, 2], "text": "a"}
    assert state.drifted("x_tweets", record) == {
        "id": "7", "metrics": {"likes": "3", "rate": "0.5"}, "flags": [True, "2"], "text": "a"
    }  # fmt: skip
    assert state.drifted("li_posts", record) is record


@pytest.mark.parametrize(
    ("type_", "values", "loaded"),
    [
        (pa.int64(), [1, "2", " 3 ", None], [1, 2, 3, None]),
        (pa.float64(), [0.5, "0.25", None], [0.5, 0.25, None]),
        (MONEY, ["1.50", 2, None], [Decimal("1.50"), Decimal("2.00"), None]),
    ],
)
def test_numbers_as_text_are_read_as_numbers(type_: pa.DataType, values: list[Any], loaded: list[Any]) -> None:
    table = table_from_columns({"value": values}, pa.schema([pa.field("value", type_)]))
    assert table.column("value").to_pylist() == loaded


@pytest.mark.parametrize(
    ("type_", "value"),
    [(pa.int64(), "n/a"), (pa.int64(), "1.5"), (pa.float64(), "NaN"), (MONEY, "twelve")],
)
def test_a_value_that_is_no_number_names_its_column(type_: pa.DataType, value: str) -> None:
    expected = rf"^column 'impressions' \({re.escape(str(type_))}\) got '{value}', which is not a number"
    with pytest.raises(ColumnTypeError, match=expected) as raised:
        table_from_columns({"impressions": [1, value]}, pa.schema([pa.field("impressions", type_)]))
    try:  # as dlt raises it, wrapped: the nightly run finds it and reports it under the source's name
        raise RuntimeError("Pipeline execution failed at stage extract") from raised.value
    except RuntimeError as wrapped:
        assert find_source_error(wrapped) is raised.value
