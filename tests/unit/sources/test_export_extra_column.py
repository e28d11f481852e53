"""Bad export files (issue 9): a column the export format does not have is ignored, and the file loads the same.

Ads Manager and Shopify let a user add columns to an export; the reader maps the columns it knows by their header
names, so an extra one (anywhere in the header) changes nothing that is loaded. The other bad files (empty, wrong
delimiter, missing column, not UTF-8, header without rows, a row with an extra field) are rejected with file, line
and reason: test_exports_parsing.py::test_bad_file_is_rejected_with_file_line_and_reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sources.exports import read_exports

HEADER = ["Reporting starts", "Reporting ends", "Account ID", "Campaign name", "Campaign ID", "Ad set ID", "Ad ID",
          "Day", "Amount spent (USD)", "Impressions"]  # fmt: skip
ROWS = [
    ["2025-01-01", "2025-01-01", "1001", "spring", "1", "2", "3", "2025-01-01", "1.00", "10"],
    ["2025-01-02", "2025-01-02", "1001", "spring", "1", "2", "3", "2025-01-02", "2.50", "20"],
]


def _loaded(folder: Path, header: list[str], rows: list[list[str]]) -> list[dict]:
    folder.mkdir()
    lines = [",".join(header), *(",".join(row) for row in rows)]
    (folder / "meta.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_exports(folder, pii_salt=None)
    assert batch.errors == [] and batch.loaded == {"meta.csv": "meta_ads_manager"}
    return [row for table in batch.tables["meta_ads_manager"] for row in table.to_pylist()]


@pytest.mark.parametrize("position", [0, 4, len(HEADER)], ids=["first", "middle", "last"])
def test_an_unexpected_extra_column_is_ignored(tmp_path: Path, position: int) -> None:
    plain = _loaded(tmp_path / "plain", HEADER, ROWS)
    header = [*HEADER[:position], "Notes", *HEADER[position:]]
    rows = [[*row[:position], "free text", *row[position:]] for row in ROWS]
    assert _loaded(tmp_path / "extra", header, rows) == plain
    assert len(plain) == 2 and all("notes" not in row and "Notes" not in row for row in plain)
