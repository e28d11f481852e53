"""Reading one export file column-oriented (pyarrow.csv) and converting its text columns with checks.

Every failure becomes an ExportFileError naming the file, the line (1 = the header row; data lines assume one
record per line, as the platforms write them) and the reason.
"""

from __future__ import annotations

import contextlib
import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from sources.common.arrow import MONEY
from sources.exports.errors import ExportFileError

__all__ = ["ExportFrame", "read_export", "read_header"]

_BOM = b"\xef\xbb\xbf"
_NUMBER = r"^-?\d+(\.\d{1,6})?$"
_INTEGER = r"^-?\d+$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TIMESTAMP = r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$"


class ExportFrame:
    """The rows of one export file as text columns, with checked conversions to typed Arrow arrays.

    It notes every column a parser asks for (`read`, shared with the frames made from it), so that the columns of
    the header no parser knows are found (`unknown`)."""

    def __init__(self, file: str, header: list[str], table: pa.Table, read: set[str] | None = None) -> None:
        self.file, self.header, self.table = file, header, table
        self.read = set() if read is None else read

    def subset(self, table: pa.Table) -> ExportFrame:
        """A frame of some of this file's rows (`table`), noting the columns it reads here too."""
        return ExportFrame(self.file, self.header, table, self.read)

    def known(self, *columns: str) -> None:
        """Note columns of the export's format that the parser leaves out on purpose."""
        self.read.update(columns)

    def unknown(self) -> list[str]:
        """The header's columns no parser asked for, in header order."""
        return [column for column in self.header if column not in self.read]

    @property
    def num_rows(self) -> int:
        """Number of data rows."""
        return self.table.num_rows

    def error(self, row: int | None, reason: str) -> ExportFileError:
        """An ExportFileError at data row `row` (0-based; None = the whole file)."""
        return ExportFileError(self.file, None if row is None else row + 2, reason)

    def header_error(self, reason: str) -> ExportFileError:
        """An ExportFileError on the header row (line 1)."""
        return ExportFileError(self.file, 1, reason)

    def lines(self) -> pa.Array:
        """The file line of every row (the header is line 1)."""
        return pa.array(np.arange(2, self.num_rows + 2, dtype=np.int64))

    def has(self, column: str) -> bool:
        """Whether the header has the column (noted as read)."""
        self.read.add(column)
        return column in self.table.column_names

    def require(self, *columns: str, hint: str = "") -> None:
        """Fail on line 1 when a column is missing from the header."""
        missing = [c for c in columns if not self.has(c)]
        if missing:
            names = ", ".join(repr(c) for c in missing)
            raise ExportFileError(self.file, 1, f"missing column(s) {names}{hint}")

    def first_of(self, *columns: str) -> str | None:
        """The first of the alternative column names the header has."""
        return next((c for c in columns if self.has(c)), None)

    def text(self, column: str | None, required: bool = False, mask: pa.Array | None = None) -> pa.Array:
        """A text column (None when absent); `required` fails on the first empty value (of the `mask` rows)."""
        if column is None or not self.has(column):
            return pa.nulls(self.num_rows, pa.string())
        values = self.table.column(column).combine_chunks()
        if required:
            empty = pc.is_null(values)
            self.fail_first(empty if mask is None else pc.and_(empty, mask), f"column {column!r} is empty")
        return values

    def decimal(self, column: str | None, required: bool = False, mask: pa.Array | None = None) -> pa.Array:
        """A money column as decimal(18,2) (more decimals are rounded half to even by Arrow's round)."""
        values = self._checked(column, _NUMBER, "a number like 1234.56", required, mask)
        return pc.round(pc.cast(values, pa.decimal128(28, 6)), 2).cast(MONEY)

    def integer(self, column: str | None, required: bool = False) -> pa.Array:
        """A count column as int64."""
        return pc.cast(self._checked(column, _INTEGER, "a whole number", required), pa.int64())

    def date(self, column: str | None, required: bool = False) -> pa.Array:
        """A YYYY-MM-DD column as date32."""
        values = self._checked(column, _DATE, "a date YYYY-MM-DD", required)
        return self._parse(values, column, "%Y-%m-%d").cast(pa.date32())

    def timestamp(self, column: str | None, required: bool = False, mask: pa.Array | None = None) -> pa.Array:
        """A 'YYYY-MM-DD HH:MM:SS +hhmm' column as a UTC timestamp."""
        values = self._checked(column, _TIMESTAMP, "a time like 2025-01-31 14:05:09 -0500", required, mask)
        return self._parse(values, column, "%Y-%m-%d %H:%M:%S %z").cast(pa.timestamp("us", tz="UTC"))

    def _parse(self, values: pa.Array, column: str | None, fmt: str) -> pa.Array:
        try:
            return pc.strptime(values, format=fmt, unit="s")
        except pa.ArrowInvalid as exc:
            raise self.error(None, f"column {column!r} has an impossible date or time ({exc})") from None

    def _checked(
        self, column: str | None, pattern: str, expected: str, required: bool, mask: pa.Array | None = None
    ) -> pa.Array:
        values = self.text(column, required, mask)
        bad = pc.invert(pc.fill_null(pc.match_substring_regex(values, pattern), True))
        row = self._first(bad)
        if row is not None:
            raise self.error(row, f"column {column!r} value {values[row].as_py()!r} is not {expected}")
        return values

    def _first(self, mask: pa.Array) -> int | None:
        hits = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        return int(hits[0]) if hits.size else None

    def fail_first(self, mask: pa.Array, reason: str) -> None:
        """Fail at the first row where `mask` is true (no-op when none is)."""
        row = self._first(mask)
        if row is not None:
            raise self.error(row, reason)


def read_header(path: Path, file: str) -> list[str]:
    """The header row (byte-order mark removed), checked for emptiness, encoding and duplicates."""
    with path.open("rb") as handle:
        first = handle.readline()
    if not first.strip():
        raise ExportFileError(file, 1, "the file is empty: export it again")
    try:
        text = first.removeprefix(_BOM).decode("utf-8")
    except UnicodeDecodeError:
        raise ExportFileError(file, 1, "the file is not UTF-8 encoded: export it again as CSV (UTF-8)") from None
    header = [c.strip() for c in next(csv.reader([text]))]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise ExportFileError(file, 1, f"duplicated column(s) {', '.join(map(repr, duplicated))}")
    return header


def _bad_utf8_row(column: pa.Array) -> int:
    """The first row of a binary column that is not valid UTF-8 (bisection with vectorised casts)."""
    lo, hi = 0, len(column)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            column.slice(lo, mid - lo).cast(pa.string())
            lo = mid
        except pa.ArrowInvalid:
            hi = mid
    return lo


def _line_of(path: Path, header: list[str], text: str) -> int | None:
    """The line number of a malformed row (re-read single-threaded: Arrow only numbers rows then)."""
    found: list[int | None] = []

    def handler(row: pacsv.InvalidRow) -> str:
        found.append(row.number)
        return "error"

    with contextlib.suppress(pa.ArrowInvalid):
        pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(invalid_row_handler=handler),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.binary())),
        )
    return found[0] if found else None


def read_export(path: Path, file: str, header: list[str]) -> ExportFrame:
    """Read one export file (its `header` from read_header) into an ExportFrame of text columns (empty cells are
    null)."""
    bad_rows: list[pacsv.InvalidRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.binary()),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise ExportFileError(file, None, f"not a readable CSV file ({exc})") from None
    if bad_rows:
        row = bad_rows[0]
        line = row.number or _line_of(path, header, row.text)
        more = "more" if row.actual_columns > row.expected_columns else "fewer"
        raise ExportFileError(
            file,
            line,
            f"{row.actual_columns} fields where the header has {row.expected_columns} ({more} than the header; "
            "an unquoted comma or an extra column): export the file again",
        )
    if table.num_rows == 0:
        raise ExportFileError(file, 2, "the file has a header but no rows: export a date range with data")
    columns = []
    for name in header:
        column = table.column(name).combine_chunks()
        try:
            columns.append(column.cast(pa.string()))
        except pa.ArrowInvalid:
            row = _bad_utf8_row(column)
            raise ExportFileError(
                file, row + 2, f"column {name!r} is not UTF-8 encoded text: export the file again as CSV (UTF-8)"
            ) from None
    return ExportFrame(file, header, pa.Table.from_arrays(columns, names=header))
