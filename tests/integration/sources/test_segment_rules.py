"""segment_rules.csv: rules load in file order into raw_inputs, and every bad row names file, line, field and fix."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
import pytest

from sources.business_inputs import InputFileError, business_inputs_source, load_business_inputs

TARGETS = "month,metric,channel,segment,target\n2025-01,revenue,all,all,150000\n"
FX = "rate_date,base_currency,quote_currency,rate\n2025-01-01,EUR,USD,1.035\n"
PROMOS = "code,kind,channel,campaign_id,influencer\nANNA10,influencer,influencer,,anna\n"
HEADER = "applies_to,field,operator,value,segment\n"
RULES = HEADER + (
    "campaign,initiative,equals,kids-club,parents\n"
    "order,landing_path,starts_with,/products/kids-,parents\n"
    "order,discount_code,contains,MAYA,genz\n"
)


def _inputs(folder: Path, rules: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("targets.csv", TARGETS),
        ("fx_rates.csv", FX),
        ("promo_codes.csv", PROMOS),
        ("segment_rules.csv", rules),
    ):
        (folder / name).write_text(text)
    return folder


def test_rules_load_in_file_order_and_an_emptied_file_clears_them(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "inputs", RULES)
    db = tmp_path / "w.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="segment_rules_test",
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name="raw_inputs",
        pipelines_dir=str(tmp_path / "pipelines"),
    )
    pipeline.run(business_inputs_source(str(inputs)))
    sql = (
        'select applies_to, "field", operator, "value", segment, source_file, source_line from raw_inputs.segment_rules'
    )
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql(f"{sql} order by source_line").fetchall() == [
            ("campaign", "initiative", "equals", "kids-club", "parents", "inputs/segment_rules.csv", 2),
            ("order", "landing_path", "starts_with", "/products/kids-", "parents", "inputs/segment_rules.csv", 3),
            ("order", "discount_code", "contains", "MAYA", "genz", "inputs/segment_rules.csv", 4),
        ]
    # A header-only file means "no rules": the table is replaced by an empty one, never left with old rules.
    _inputs(inputs, HEADER)
    pipeline.run(business_inputs_source(str(inputs)))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.sql("select count(*) from raw_inputs.segment_rules").fetchone() == (0,)


def test_every_bad_rule_is_reported_with_file_line_field_and_fix(tmp_path: Path) -> None:
    rules = RULES + (
        "customer,landing_path,equals,/,genz\n"  # line 5: unknown kind
        "campaign,landing_path,equals,/,genz\n"  # line 6: an order field in a campaign rule
        "order,utm_source,matches,tik.*,genz\n"  # line 7: unknown operator
        "order,utm_source,equals,,genz\n"  # line 8: no value
        "order,utm_source,equals,tiktok,boomers\n"  # line 9: unknown segment
        "order,utm_source,equals,tiktok,all\n"  # line 10: not a segment a rule can give
        "order,discount_code,contains,maya,parents\n"  # line 11: repeats line 4 (case-insensitive value)
    )
    inputs = _inputs(tmp_path / "inputs", rules)
    with pytest.raises(InputFileError) as raised:
        load_business_inputs(str(inputs))
    message = str(raised.value)
    expected = [
        'inputs/segment_rules.csv line 5, field "applies_to": "customer" is not one of campaign, order',
        'inputs/segment_rules.csv line 6, field "field": "landing_path" is not a field of campaign rules — use one '
        "of campaign_name, campaign_id, initiative, platform, account_id",
        'inputs/segment_rules.csv line 7, field "operator": "matches" is not one of equals, contains, starts_with',
        'inputs/segment_rules.csv line 8, field "value": is empty — fill it in or delete the row',
        'inputs/segment_rules.csv line 9, field "segment": "boomers" is not one of genz, millennial, parents',
        'inputs/segment_rules.csv line 10, field "segment": "all" is not one of genz, millennial, parents',
        "inputs/segment_rules.csv line 11: repeats line 4 (applies_to order, field discount_code, operator contains, "
        "value maya) — keep one of the two rows",
    ]
    for line in expected:
        assert line in message, f"{line!r} not in:\n{message}"
    assert len(raised.value.problems) == len(expected)


def test_a_missing_rules_file_means_no_rules(tmp_path: Path) -> None:
    """The file is optional: without it segments come from campaign names alone (an empty rules table)."""
    inputs = _inputs(tmp_path / "inputs", RULES)
    (inputs / "segment_rules.csv").unlink()
    tables = load_business_inputs(str(inputs))
    assert tables["segment_rules"].num_rows == 0
    assert "segment" in tables["segment_rules"].column_names
