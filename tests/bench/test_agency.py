"""The agency generator (bench/agency.py) at tiny scale: deterministic, every table in its connector's declared
schema, a day's rows the same whichever window is generated, and the breakdown cells adding up to their ad rows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from bench import agency
from sources.exports.raw_tables import RAW_TABLES

RUN_DATE = date(2025, 3, 5)


def _table(out: Path, source: str, table: str) -> pa.Table:
    files = sorted((out / "exports" / "raw" / source / table).glob("*.parquet"))
    return pa.concat_tables(pq.read_table(path) for path in files)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("agency")
    return out, agency.generate(out, RUN_DATE, scale=0.01, since=RUN_DATE - timedelta(days=40))


def test_generation_is_deterministic(generated: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    out, rows = generated
    again = agency.generate(tmp_path, RUN_DATE, scale=0.01, since=RUN_DATE - timedelta(days=40))
    assert again == rows
    for key in ("meta_ads.ad_insights_age_gender", "shopify.orders", "instagram.media"):
        source, table = key.split(".")
        assert _table(tmp_path, source, table).equals(_table(out, source, table)), key


def test_every_table_has_its_connector_schema_and_the_profile_shape(generated: tuple[Path, dict[str, int]]) -> None:
    out, rows = generated
    for key in rows:
        source, table = key.split(".")
        assert _table(out, source, table).schema.equals(RAW_TABLES[source][table].schema), key
    ad_sources = {key.split(".")[0] for key in rows if key.endswith(".ad_insights")}
    assert ad_sources == set(agency.AD_PLATFORMS)
    accounts = sum(len(pc.unique(_table(out, source, "ad_insights")[0])) for source in ad_sources)
    assert accounts == 50
    days = 40
    assert rows["meta_ads.ad_insights_age_gender"] == rows["meta_ads.ad_insights"] * 12 == 8 * days * 12
    assert rows["shopify.orders"] == agency.SHOPS * days * 2  # round(183 x 0.01) orders a shop a day
    names = pc.unique(_table(out, "meta_ads", "ad_insights")["campaign_name"]).to_pylist()
    _, segment, objective, _, month = names[0].split("_")
    assert segment in agency.SEGMENTS and objective in agency.OBJECTIVES and len(month) == 6


def test_a_day_is_the_same_in_the_full_history_and_in_a_nightly_window(
    generated: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    out, _ = generated
    agency.generate(tmp_path, RUN_DATE, scale=0.01, since=RUN_DATE - timedelta(days=3))
    for source, table, column in (("tiktok_ads", "ad_insights", "stat_date"), ("shopify", "orders", "created_at")):
        window = _table(tmp_path, source, table)
        start = pc.min(window[column])
        full = _table(out, source, table)
        assert full.filter(pc.greater_equal(full[column], start)).equals(window), f"{source}.{table}"


def test_breakdown_cells_add_up_to_their_ad_rows(generated: tuple[Path, dict[str, int]]) -> None:
    out, _ = generated
    for source, keys in (("meta_ads", ["account_id", "ad_id", "date_start"]), ("tiktok_ads", None)):
        keys = keys or ["advertiser_id", "ad_id", "stat_date"]
        cells = _table(out, source, "ad_insights_age_gender").group_by(keys).aggregate([("spend", "sum")])
        ads = _table(out, source, "ad_insights").select([*keys, "spend"])
        joined = ads.join(cells, keys)
        assert joined.num_rows == ads.num_rows
        assert pc.all(pc.equal(joined["spend"], joined["spend_sum"])).as_py(), source
