"""Building pyarrow tables with explicit schemas (dlt loads Arrow far faster than lists of dicts)."""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sources.common.errors import ColumnTypeError

__all__ = ["MONEY", "TIMESTAMP", "ColumnBuffer", "decimal_array", "field", "table_from_columns"]

MONEY = pa.decimal128(18, 2)
TIMESTAMP = pa.timestamp("us", tz="UTC")


def field(name: str, type_: pa.DataType, nullable: bool = True) -> pa.Field:
    """A schema field; primary-key columns are declared `nullable=False` to match dlt's hints."""
    return pa.field(name, type_, nullable=nullable)


def decimal_array(values: Sequence[Any], type_: pa.Decimal128Type = MONEY) -> pa.Array:
    """Decimal array from API money values (strings like "12.34", numbers or None).

    Values with more decimals than the type's scale are rounded half away from zero.
    """
    strings = [None if v is None or v == "" else str(v) for v in values]
    try:
        return pc.cast(pa.array(strings, type=pa.string()), type_)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        quantum = decimal.Decimal(1).scaleb(-type_.scale)
        exact = [
            None if s is None else decimal.Decimal(s).quantize(quantum, rounding=decimal.ROUND_HALF_UP) for s in strings
        ]
        return pa.array(exact, type=type_)


def _number(column: str, value: Any, type_: pa.DataType) -> Any:
    """A number a platform served as text ("12", "0.5") as the column's type; other text raises ColumnTypeError."""
    if not isinstance(value, str):
        return value
    try:
        number = decimal.Decimal(value.strip())
    except decimal.InvalidOperation:
        raise ColumnTypeError(column, value, type_) from None
    if not number.is_finite() or (pa.types.is_integer(type_) and number != number.to_integral_value()):
        raise ColumnTypeError(column, value, type_)
    return int(number) if pa.types.is_integer(type_) else float(number)


def _array(column: str, values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    """The column's values as an Arrow array of `type_`; numbers that came as text are read as numbers."""
    numeric = pa.types.is_integer(type_) or pa.types.is_floating(type_)
    try:
        if pa.types.is_decimal(type_):
            return decimal_array(values, type_)
        return pa.array(values, type=type_)
    except decimal.InvalidOperation:
        bad = next((v for v in values if isinstance(v, str) and v.strip() and not _is_decimal(v)), None)
        if bad is None:
            raise
        raise ColumnTypeError(column, bad, type_) from None
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if not numeric:
            raise
    return pa.array([_number(column, value, type_) for value in values], type=type_)


def _is_decimal(text: str) -> bool:
    try:
        decimal.Decimal(text.strip())
    except decimal.InvalidOperation:
        return False
    return True


def table_from_columns(columns: Mapping[str, Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """A table in `schema`'s column order from a mapping of column name to Python values.

    A platform that starts serving a number as text ("12" for 12) loads the same; a value that is no number in a
    numeric column raises ColumnTypeError naming the column and the value."""
    arrays = [_array(f.name, columns[f.name], f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


class ColumnBuffer:
    """Collects rows column by column and turns them into one Arrow table per flush."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        self._columns: dict[str, list[Any]] = {name: [] for name in schema.names}

    def __len__(self) -> int:
        return len(self._columns[self.schema.names[0]])

    def append(self, row: Mapping[str, Any]) -> None:
        """Add a row given as a mapping of every schema column to its value."""
        for name, column in self._columns.items():
            column.append(row[name])

    def extend(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Add several rows."""
        for row in rows:
            self.append(row)

    def flush(self) -> pa.Table:
        """Return the buffered rows as a table and empty the buffer."""
        table = table_from_columns(self._columns, self.schema)
        self._columns = {name: [] for name in self.schema.names}
        return table
