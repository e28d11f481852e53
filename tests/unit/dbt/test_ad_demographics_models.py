"""fct_ad_demographics_daily built by dbt from the agency generator's Meta and TikTok breakdown files (loaded through
the raw Parquet file path): its totals equal the files' totals to the cent, in the account currency and in USD
(converted per ad day, as int_ad_demographics_unioned does)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bench import agency
from sources.business_inputs import business_inputs_source
from sources.exports.raw_files import load_raw_files, read_raw_files

RUN_DATE = date(2025, 3, 5)
CENT = Decimal("0.01")
COLUMNS = {"meta_ads": ("meta", "account_id", "date_start"), "tiktok_ads": ("tiktok", "advertiser_id", "stat_date")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("demographics")
    agency.generate(out, RUN_DATE, scale=0.01, since=RUN_DATE - timedelta(days=20))
    batch = read_raw_files(out / "exports")
    batch.files = {source: batch.files[source] for source in COLUMNS}
    warehouse = out / dbt_harness.WAREHOUSE_NAME
    load_raw_files(batch, dlt.destinations.duckdb(str(warehouse)), out / "pipelines")
    inputs = business_inputs_source(inputs_dir=str(out / "inputs"), segments=list(agency.SEGMENTS))
    dbt_harness.load_sources(warehouse, out, {"raw_inputs": inputs})
    dbt_harness.build_selected(warehouse, out, ["+fct_ad_demographics_daily"], RUN_DATE.isoformat())
    return out, warehouse


def _expected(out: Path) -> dict[tuple[str, str], tuple[Decimal, Decimal, int]]:
    """(platform, account) -> (spend in the account currency, spend in USD rounded per ad day, impressions)."""
    rates: dict[tuple[str, str], Decimal] = {}
    with (out / "inputs" / "fx_rates.csv").open() as handle:
        for row in csv.DictReader(handle):
            rates[(row["base_currency"], row["rate_date"])] = Decimal(row["rate"])
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    ad_days: dict[tuple[str, str, str, str, str], Decimal] = defaultdict(Decimal)
    for source, (platform, account_column, day_column) in COLUMNS.items():
        files = sorted((out / "exports" / "raw" / source / "ad_insights_age_gender").glob("*.parquet"))
        table = pa.concat_tables(pq.read_table(path) for path in files).to_pylist()
        currency_column = "account_currency" if source == "meta_ads" else "advertiser_currency"
        for row in table:
            total = totals[(platform, row[account_column])]
            total[0] += row["spend"]
            total[2] += row["impressions"]
            key = (platform, row[account_column], row["ad_id"], row[day_column].isoformat(), row[currency_column])
            ad_days[key] += row["spend"]
    for (platform, account, _, day, currency), spend in ad_days.items():
        rate = Decimal(1) if currency == "USD" else rates[(currency, day)]
        totals[(platform, account)][1] += (spend * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return {key: tuple(value) for key, value in totals.items()}


def test_demographics_mart_totals_equal_the_files_to_the_cent(built: tuple[Path, Path], dbt_harness: Any) -> None:
    out, warehouse = built
    rows = dbt_harness.query(
        warehouse,
        "select platform, account_id, sum(spend_local), sum(spend), sum(impressions) "
        "from marts.fct_ad_demographics_daily group by all",
    )
    assert {(p, a): (local, usd, int(impressions)) for p, a, local, usd, impressions in rows} == _expected(out)
    [(ages, genders)] = dbt_harness.query(
        warehouse, "select count(distinct age_range), count(distinct gender) from marts.fct_ad_demographics_daily"
    )
    assert (ages, genders) == (8, 2)  # 18-24 ... 65+ (Meta), 55+ and unknown (TikTok); female, male
