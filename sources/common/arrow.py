"""Building pyarrow tables with explicit schemas (dlt loads Arrow far faster than lists of dicts)."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from sources.common.errors import ColumnTypeError

__all__ = [
    "MONEY",
    "TIMESTAMP",
    "ColumnBuffer",
    "decimal_array",
    "field",
    "first_object",
    "keeps_objects",
    "table_from_columns",
    "to_float",
]

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
    """A number a platform served as text ("12", "0.5") as the column's type; other text, an object or a list
    raises ColumnTypeError."""
    if isinstance(value, dict | list):
        raise ColumnTypeError(column, value, type_)
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
        bad = next((v for v in values if isinstance(v, dict | list) or (isinstance(v, str) and _is_text(v))), None)
        if bad is None:
            raise
        raise ColumnTypeError(column, bad, type_) from None
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if not numeric:
            bad = first_object(values)
            if bad is None:
                raise
            raise ColumnTypeError(column, bad, type_) from None
    return pa.array([_number(column, value, type_) for value in values], type=type_)


def _is_text(value: str) -> bool:
    """Whether `value` is text that is no decimal number."""
    return bool(value.strip()) and not _is_decimal(value)


def first_object(values: Iterable[Any]) -> Any:
    """The first object or list among `values` (where numbers belong), or None."""
    return next((value for value in values if isinstance(value, dict | list)), None)


def keeps_objects(convert: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a connector's number conversion so that an object or a list the platform served where a number was
    passes through unconverted: its raw column's Arrow conversion then raises ColumnTypeError naming the column,
    instead of a bare TypeError from int() or float()."""

    @functools.wraps(convert)
    def converted(value: Any, *args: Any, **kwargs: Any) -> Any:
        return value if isinstance(value, dict | list) else convert(value, *args, **kwargs)

    return converted


@keeps_objects
def to_float(value: Any) -> float | None:
    """A JSON number or numeric text as a float; None when absent or empty."""
    return None if value in (None, "") else float(value)


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
