"""Bad export files (issue 9): a column the export format does not have is ignored with a warning, and the file
loads the same.

Ads Manager and Shopify let a user add columns to an export; the reader maps the columns it knows by their header
names, so an extra one (anywhere in the header) changes nothing that is loaded, but the run warns naming the file
and the column, and its summary lists the warning. The other bad files (empty, wrong delimiter, missing column, not
UTF-8, header without rows, a row with an extra field) are rejected with file, line and reason:
test_exports_parsing.py::test_bad_file_is_rejected_with_file_line_and_reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.nightly import RunSummary
from sources.exports import ExportBatch, read_exports

HEADER = ["Reporting starts", "Reporting ends", "Account ID", "Campaign name", "Campaign ID", "Ad set ID", "Ad ID",
          "Day", "Amount spent (USD)", "Impressions"]  # fmt: skip
ROWS = [
    ["2025-01-01", "2025-01-01", "1001", "spring", "1", "2", "3", "2025-01-01", "1.00", "10"],
    ["2025-01-02", "2025-01-02", "1001", "spring", "1", "2", "3", "2025-01-02", "2.50", "20"],
]


def _read(folder: Path, header: list[str], rows: list[list[str]]) -> ExportBatch:
    folder.mkdir()
    lines = [",".join(header), *(",".join(row) for row in rows)]
    (folder / "meta.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = read_exports(folder, pii_salt=None)
    assert batch.errors == [] and batch.loaded == {"meta.csv": "meta_ads_manager"}
    return batch


def _rows(batch: ExportBatch) -> list[dict]:
    return [row for table in batch.tables["meta_ads_manager"] for row in table.to_pylist()]


@pytest.mark.parametrize("position", [0, 4, len(HEADER)], ids=["first", "middle", "last"])
def test_an_unexpected_extra_column_is_ignored_with_a_warning(tmp_path: Path, position: int) -> None:
    plain = _read(tmp_path / "plain", HEADER, ROWS)
    header = [*HEADER[:position], "Notes", *HEADER[position:]]
    rows = [[*row[:position], "free text", *row[position:]] for row in ROWS]
    extra = _read(tmp_path / "extra", header, rows)
    assert _rows(extra) == _rows(plain)
    assert len(_rows(plain)) == 2 and all("notes" not in row and "Notes" not in row for row in _rows(plain))
    assert plain.warnings == []
    assert extra.warnings == [
        "meta.csv: column(s) 'Notes' ignored: not part of the meta_ads_manager export, so not loaded (the other "
        "columns were) — remove it from the export, or add it to sources/exports/meta_ads_manager.py if it should "
        "be loaded"
    ]


def test_the_run_summary_lists_the_warnings() -> None:
    warning = "meta.csv: column(s) 'Notes' ignored: ..."
    summary = RunSummary("run-1", dt.date(2025, 1, 9), sandbox=True, export_warnings=[warning])
    assert f"Export warnings:\n- {warning}" in summary.markdown()
    assert "Export warnings" not in RunSummary("run-2", dt.date(2025, 1, 9), sandbox=True).markdown()
