"""Business-input CSVs: loading into raw_inputs, and validation errors naming file, line, field and fix."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pytest

from sources.business_inputs import InputFileError, business_inputs_source, load_business_inputs

TARGETS = """month,metric,channel,segment,target
2025-01,revenue,all,all,150000
2025-01,spend,meta,all,20000.5
2025-02,roas,meta,genz,3.2
"""
FX = """rate_date,base_currency,quote_currency,rate
2025-01-01,EUR,USD,1.03512345
2025-01-01,GBP,USD,1.25
"""
PROMOS = """code,kind,channel,campaign_id,influencer
ANNA10,influencer,influencer,,anna
SPRING,campaign,meta,120000001,
"""


def write_inputs(folder: Path, targets: str = TARGETS, fx: str = FX, promos: str | None = PROMOS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "targets.csv").write_text(targets)
    (folder / "fx_rates.csv").write_text(fx)
    if promos is not None:
        (folder / "promo_codes.csv").write_text(promos)
    (folder / "segment_rules.csv").write_text("applies_to,field,operator,value,segment\n")
    return folder


def test_valid_inputs_load_with_types_and_replace(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "inputs")
    db = tmp_path / "w.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="inputs_test",
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name="raw_inputs",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    pipeline.run(business_inputs_source(str(inputs)))
    write_inputs(inputs, targets=TARGETS.splitlines()[0] + "\n2025-03,orders,all,all,900\n")
    pipeline.run(business_inputs_source(str(inputs)))
    with duckdb.connect(str(db), read_only=True) as con:
        targets = con.sql("select month, metric, target, source_file, source_line from raw_inputs.targets").fetchall()
        assert [(str(m), metric, t, f, n) for m, metric, t, f, n in targets] == [
            ("2025-03-01", "orders", 900.0, "inputs/targets.csv", 2)
        ]
        kinds = dict(
            con.sql(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw_inputs' and table_name in ('fx_rates', 'targets')"
            ).fetchall()
        )
        assert kinds["rate"] == "DECIMAL(18,8)" and kinds["month"] == "DATE" and kinds["rate_date"] == "DATE"
        assert "_dlt_load_id" in kinds
        rate = con.sql("select rate from raw_inputs.fx_rates where base_currency = 'EUR'").fetchone()
        assert str(rate[0]) == "1.03512345"
        assert con.sql("select count(*) from raw_inputs.promo_codes").fetchone() == (2,)


def test_every_problem_is_reported_with_file_line_field_and_fix(tmp_path: Path) -> None:
    targets = TARGETS + (
        "2025-13,revenue,all,all,5\n"  # line 5: bad month
        "2025-04,profit,all,all,5\n"  # line 6: unknown metric
        "2025-04,revenue,all,all,abc\n"  # line 7: not a number
        "2025-04,orders,all,all,-3\n"  # line 8: negative
        "2025-01,revenue,all,all,1\n"  # line 9: duplicate of line 2
    )
    fx = FX + "2025-02-30,EUR,USD,1.1\n2025-01-02,usd,EUR,1\n2025-01-03,EUR,USD,0\n"
    promos = PROMOS + "X1,coupon,,,\nX2,campaign,meta,,\nanna10,influencer,,,anna\n"
    inputs = write_inputs(tmp_path / "inputs", targets, fx, promos)
    with pytest.raises(InputFileError) as raised:
        load_business_inputs(str(inputs))
    message = str(raised.value)
    expected = [
        'inputs/targets.csv line 5, field "month": "2025-13" is not a month in YYYY-MM format',
        'inputs/targets.csv line 6, field "metric": "profit" is not one of revenue, orders',
        'inputs/targets.csv line 7, field "target": "abc" is not a number — fix the value or delete the row',
        'inputs/targets.csv line 8, field "target": "-3" is negative',
        "inputs/targets.csv line 9: repeats line 2 (month 2025-01, metric revenue, channel all, segment all)",
        'inputs/fx_rates.csv line 4, field "rate_date": "2025-02-30" is not a date',
        'inputs/fx_rates.csv line 5, field "base_currency": "usd" is not an ISO 4217 currency code (did you mean USD?)',
        'inputs/fx_rates.csv line 6, field "rate": "0" is not a positive number',
        'inputs/promo_codes.csv line 4, field "kind": "coupon" is not one of influencer, campaign',
        'inputs/promo_codes.csv line 5, field "campaign_id": is empty for a campaign code',
        "inputs/promo_codes.csv line 6: repeats line 2 (code ANNA10)",
    ]
    for line in expected:
        assert line in message, f"{line!r} not in:\n{message}"
    assert len(raised.value.problems) == len(expected)


def test_missing_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "inputs", targets="", promos=None)
    with pytest.raises(InputFileError) as raised:
        load_business_inputs(str(inputs))
    message = str(raised.value)
    assert "inputs/targets.csv: the file is empty — add the header month,metric,channel,segment,target" in message
    assert "inputs/promo_codes.csv: file not found" in message
    header_only = write_inputs(tmp_path / "more", targets="month,metric,channel,segment,target\n")
    with pytest.raises(InputFileError, match=r"more/targets.csv line 1: the file has a header but no rows"):
        load_business_inputs(str(header_only))
    no_column = write_inputs(tmp_path / "cols", targets="month,metric,channel,segment\n2025-01,revenue,all,all\n")
    with pytest.raises(InputFileError, match=r"cols/targets.csv line 1: missing column target — the header must"):
        load_business_inputs(str(no_column))


def test_source_raises_before_anything_is_extracted(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "inputs", targets=TARGETS + "2025-05,revenue,all,all,abc\n")
    with pytest.raises(InputFileError, match=r'targets.csv line 5, field "target"'):
        business_inputs_source(str(inputs))
