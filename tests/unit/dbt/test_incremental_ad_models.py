"""The incremental ad-performance models (int_ad_performance_unioned, fct_ad_performance_daily,
fct_ad_demographics_daily) built by run_dbt_build night after night equal, row for row, a full-refresh build of the
same raw data, whatever changed in the raw tables; and the rebuild window is the one the raw changes call for.

One small raw warehouse (Meta insights, age/gender breakdowns, ad accounts, FX rates) goes through the nights in
order, each a scenario the rejected fixed look-back got wrong or a reason for a full refresh. After each night a
copy of the same file without the rebuild state is built from scratch (a full refresh) and compared.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest
from nightly_dbt import nightly_build, stateless_copy

from socialmart import rebuild_window
from socialmart.dbt import DbtBuildError, invoke_dbt
from socialmart.warehouse import BuildTarget

# Every incremental model: the rebuild decision makes a full refresh when one is missing.
SELECT = ["+fct_ad_performance_daily", "+fct_ad_demographics_daily", "+fct_orders_attributed"]
MODELS = {
    "int_ad_performance_unioned": "intermediate",
    "fct_ad_performance_daily": "marts",
    "fct_ad_demographics_daily": "marts",
}
VARS = {"reporting_currency": "USD", "reporting_timezone": "America/New_York", "calendar_start_date": "2025-01-01"}
FIRST_DAY = date(2025, 2, 20)

RAW = """
create schema raw_meta_ads;
create schema raw_inputs;
create table raw_meta_ads.ad_accounts as
select * from (values
    ('act_1', 'Brand EU', 'EUR', 'Europe/Berlin', 'load_1', 'dlt_a1'),
    ('act_2', 'Brand US', 'USD', 'America/New_York', 'load_1', 'dlt_a2'),
    ('act_3', 'Brand UK', 'EUR', 'Europe/London', 'load_1', 'dlt_a3')
) as accounts(account_id, name, currency, timezone_name, _dlt_load_id, _dlt_id);
create table raw_meta_ads.ad_insights (
    account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar,
    campaign_name varchar, adset_id varchar, adset_name varchar, ad_id varchar, ad_name varchar, date_start date,
    spend decimal(18, 2), impressions bigint, clicks bigint, reach bigint, conversions double,
    conversion_value decimal(18, 2), video_views bigint, _dlt_load_id varchar, _dlt_id varchar
);
create table raw_meta_ads.ad_insights_age_gender (
    account_id varchar, ad_id varchar, date_start date, age varchar, gender varchar, account_currency varchar,
    campaign_id varchar, adset_id varchar, spend decimal(18, 2), impressions bigint, clicks bigint,
    conversions double, conversion_value decimal(18, 2), _dlt_load_id varchar, _dlt_id varchar
);
create table raw_inputs.fx_rates as
select
    cast(day as date) as rate_date, 'EUR' as base_currency, 'USD' as quote_currency,
    cast(1.05 + 0.001 * datediff('day', date '2025-01-01', day) as decimal(18, 8)) as rate,
    'fx_rates_csv' as rate_source, 'fx_rates.csv' as source_file, cast(row_number() over () as bigint) as source_line,
    'load_1' as _dlt_load_id, 'dlt_' || row_number() over () as _dlt_id
from generate_series(timestamp '2025-01-01', timestamp '2025-03-31', interval 1 day) as days(day);
"""


def _insert_days(con: duckdb.DuckDBPyConnection, accounts: list[str], first: date, last: date, version: int) -> None:
    """Insights and breakdown rows of `accounts` (2 ads each) for the days first..last, replacing any there; a
    different `version` gives different numbers. act_3's insights carry no time zone: its account's applies."""
    for table in ("ad_insights", "ad_insights_age_gender"):
        con.execute(
            f"delete from raw_meta_ads.{table} where date_start between ? and ? and list_contains(?, account_id)",
            [first, last, accounts],
        )
    spend = (
        "cast(((datediff('day', date '2025-01-01', day) * 7 + ad * 13 + length(account_id) + {v}) % 89) * 1.37"
        " + 0.01 as decimal(18, 2))"
    )
    common = """
        from (select unnest(?) as account_id) as accounts
        cross join range(2) as ads(ad)
        cross join generate_series(cast(? as timestamp), cast(? as timestamp), interval 1 day) as days(day)
    """
    con.execute(
        f"""
        insert into raw_meta_ads.ad_insights
        select
            account_id, case account_id when 'act_2' then 'USD' else 'EUR' end,
            case account_id when 'act_2' then 'America/New_York' when 'act_1' then 'Europe/Berlin' end,
            account_id || '_c', 'spring_genz_conv_us_202502', account_id || '_s', 'set', account_id || '_ad' || ad,
            'ad ' || ad, cast(day as date), {spend.format(v=version)}, 1000 + ad * 10 + {version},
            20 + ad, 800, 2.0 + ad, cast(12.5 + ad as decimal(18, 2)), 50, 'load_{version}', 'dlt_' || random()
        {common}
        """,
        [accounts, first, last],
    )
    con.execute(
        f"""
        insert into raw_meta_ads.ad_insights_age_gender
        select
            account_id, account_id || '_ad' || ad, cast(day as date), age, gender,
            case account_id when 'act_2' then 'USD' else 'EUR' end,
            account_id || '_c', account_id || '_s', {spend.format(v=version)} / 4, 250 + {version}, 5, 0.5,
            cast(3.25 as decimal(18, 2)), 'load_{version}', 'dlt_' || random()
        {common}
        cross join (values ('18-24'), ('25-34')) as ages(age)
        cross join (values ('female'), ('male')) as genders(gender)
        """,
        [accounts, first, last],
    )


def _build(warehouse: Path, run_date: date, dbt_vars: dict[str, Any] | None = None) -> str:
    """The nightly dbt step on `warehouse`; returns what it said about the incremental models."""
    return nightly_build(warehouse, run_date, SELECT, {**VARS, **(dbt_vars or {})})


def _rows(warehouse: Path) -> dict[str, list[tuple[Any, ...]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: con.execute(f"select * from {schema}.{name} order by all").fetchall()
            for name, schema in MODELS.items()
        }


def _full_refresh_rows(warehouse: Path, work: Path, run_date: date, dbt_vars: dict[str, Any] | None) -> dict:
    """The three models built from scratch from a copy of `warehouse`."""
    reference = stateless_copy(warehouse, work, [f"{schema}.{name}" for name, schema in MODELS.items()])
    assert _build(reference, run_date, dbt_vars).startswith("full refresh: no rebuild state")
    return _rows(reference)


@pytest.fixture(scope="module")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Run a night: mutate the raw tables, build incrementally, compare with a full refresh of the same data."""
    work = tmp_path_factory.mktemp("incremental")
    warehouse = work / "build" / "socialmart.duckdb"
    warehouse.parent.mkdir()
    with duckdb.connect(str(warehouse)) as con:
        con.execute(RAW)
        _insert_days(con, ["act_1", "act_2", "act_3"], FIRST_DAY, date(2025, 3, 4), version=1)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("DBT_TARGET_PATH", str(work / "target"))
        monkeypatch.setenv("DBT_LOG_PATH", str(work / "logs"))

        def night(run_date: date, change: str = "", dbt_vars: dict[str, Any] | None = None) -> str:
            if change:
                with duckdb.connect(str(warehouse)) as con:
                    con.execute(change) if isinstance(change, str) else change(con)
            said = _build(warehouse, run_date, dbt_vars)
            incremental = _rows(warehouse)
            assert all(incremental.values()), "a model is empty: the comparison would prove nothing"
            expected = _full_refresh_rows(warehouse, work, run_date, dbt_vars)
            for name in MODELS:
                assert incremental[name] == expected[name], f"{name} differs from a full refresh after: {said}"
            return said

        night.warehouse = warehouse
        yield night


# The nights run in this order, each on the raw data and the build the previous one left.


def test_first_build_is_a_full_refresh(nights: Any) -> None:
    said = nights(date(2025, 3, 5))
    assert said == ("full refresh: no rebuild state recorded in the build file (first build, or its last build failed)")


def test_next_nightly_rebuilds_the_restated_days_and_the_new_one(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        _insert_days(con, ["act_1", "act_2", "act_3"], date(2025, 3, 3), date(2025, 3, 5), version=2)
        # A reload of unchanged rows (new _dlt_ columns only) changes nothing.
        con.execute("update raw_meta_ads.ad_insights set _dlt_load_id = 'load_9' where date_start < '2025-03-03'")

    assert nights(date(2025, 3, 6), change) == (
        "dbt: rebuilding days from 2025-03-02 (meta_ads.ad_insights from 2025-03-03, "
        "meta_ads.ad_insights_age_gender from 2025-03-03 changed)"
    )


def test_a_new_accounts_whole_history(nights: Any) -> None:
    def change(con: duckdb.DuckDBPyConnection) -> None:
        # act_9 is not in ad_accounts: its rows carry their own currency; the account's history since 2025-01-10.
        _insert_days(con, ["act_2"], date(2025, 3, 6), date(2025, 3, 6), version=3)
        con.execute(
            "insert into raw_meta_ads.ad_insights select 'act_9', 'EUR', 'Europe/Berlin', 'c9', 'n', 's9', 'n', "
            "'ad9', 'n', cast(day as date), 10.55, 100, 3, 80, 1, 5.50, 0, 'load_3', 'x' "
            "from generate_series(timestamp '2025-01-10', timestamp '2025-03-06', interval 1 day) as days(day)"
        )

    assert nights(date(2025, 3, 7), change) == (
        "dbt: rebuilding days from 2025-01-09 (meta_ads.ad_insights from 2025-01-10, "
        "meta_ads.ad_insights_age_gender from 2025-03-06 changed)"
    )


def test_a_source_recovering_after_failed_nights_restates_old_days(nights: Any) -> None:
    # Three nights failed; the recovery loads the missed days and restates its look-back, from 2025-02-24.
    def change(con: duckdb.DuckDBPyConnection) -> None:
        _insert_days(con, ["act_1", "act_3"], date(2025, 2, 24), date(2025, 3, 9), version=4)

    assert nights(date(2025, 3, 10), change) == (
        "dbt: rebuilding days from 2025-02-23 (meta_ads.ad_insights from 2025-02-24, "
        "meta_ads.ad_insights_age_gender from 2025-02-24 changed)"
    )


def test_an_old_days_row_changed_in_place(nights: Any) -> None:
    change = (
        "update raw_meta_ads.ad_insights set spend = spend + 1 where date_start = '2025-02-21' and ad_id = 'act_2_ad1'"
    )
    assert nights(date(2025, 3, 10), change) == (
        "dbt: rebuilding days from 2025-02-20 (meta_ads.ad_insights from 2025-02-21 changed)"
    )


def test_an_old_days_fx_rate_revised(nights: Any) -> None:
    change = "update raw_inputs.fx_rates set rate = rate + 0.05 where rate_date = '2025-02-26'"
    assert nights(date(2025, 3, 10), change) == (
        "dbt: rebuilding days from 2025-02-25 (inputs.fx_rates from 2025-02-26 changed)"
    )


def test_a_vanished_row(nights: Any) -> None:
    change = "delete from raw_meta_ads.ad_insights_age_gender where date_start = '2025-02-22' and age = '18-24'"
    assert nights(date(2025, 3, 10), change) == (
        "dbt: rebuilding days from 2025-02-21 (meta_ads.ad_insights_age_gender from 2025-02-22 changed)"
    )


def test_the_day_keyed_tests_check_only_the_rebuilt_days(nights: Any) -> None:
    warehouse = nights.warehouse
    # An old day made wrong behind dbt's back (a duplicated ad day, a missing FX rate) is outside the next window:
    # the windowed tests do not read it again, which is what saves scanning three years of history every night.
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into marts.fct_ad_performance_daily select * from marts.fct_ad_performance_daily "
            "where date_day = '2025-02-21' and ad_id = 'act_2_ad1'"
        )
        con.execute("update intermediate.int_ad_performance_unioned set fx_rate = null where date_day = '2025-02-21'")
        _insert_days(con, ["act_2"], date(2025, 3, 9), date(2025, 3, 9), version=5)
    said = _build(warehouse, date(2025, 3, 10))
    assert said == (
        "dbt: rebuilding days from 2025-03-08 (meta_ads.ad_insights from 2025-03-09, "
        "meta_ads.ad_insights_age_gender from 2025-03-09 changed)"
    )
    # Faults inside the window fail the build, naming the tests: a duplicated ad day, an amount without a rate.
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw_meta_ads.ad_insights select * replace ('dlt_copy' as _dlt_id) "
            "from raw_meta_ads.ad_insights where date_start = '2025-03-09' and ad_id = 'act_2_ad0'"
        )
        con.execute(
            "update raw_meta_ads.ad_insights_age_gender set account_currency = 'GBP' "
            "where date_start = '2025-03-09' and account_id = 'act_1'"
        )
    with pytest.raises(DbtBuildError) as failed:
        _build(warehouse, date(2025, 3, 10))
    message = str(failed.value)
    assert "test primary_key_stg_meta_ads__ad_insights_" in message
    assert "test fx_rate_missing_for_ad_demographics" in message
    log = Path(message.rsplit("Logs: ", 1)[1].strip()).read_text()
    assert (
        "No FX rate into USD for GBP in int_ad_demographics_unioned (platform meta, account_id act_1): "
        "8 amount(s) from 2025-03-09 to 2025-03-09."
    ) in log
    # Put right: the failed build left no rebuild state, so the next night is a full refresh equal to one.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw_meta_ads.ad_insights where _dlt_id = 'dlt_copy'")
        con.execute(
            "update raw_meta_ads.ad_insights_age_gender set account_currency = 'EUR' where account_id = 'act_1'"
        )
    said = nights(date(2025, 3, 10))
    assert said.startswith("full refresh: no rebuild state")


def _by_row_upstream(manifest: Any, unique_ids: list[str]) -> set[str]:
    """The sources upstream of the nodes marked rebuild_by_row (not fingerprinted by the rebuild window)."""
    return {
        unique_id
        for unique_id in rebuild_window.upstream(manifest, unique_ids)
        if unique_id in manifest.sources
        and rebuild_window.source_meta(manifest.sources[unique_id]).get("rebuild_by_row")
    }


def test_only_models_whose_every_input_is_fingerprinted_window_their_tests(tmp_path: Path) -> None:
    """A windowed test skips the days before the window, so its model's old days may change only through raw rows
    the rebuild decision fingerprints: the day-window incremental models and the views upstream of them, with no raw
    table marked rebuild_by_row upstream. A table rebuilt whole every night (the FX spine grows with the run date)
    would not qualify. And every incremental model reading a rebuild_by_row table finds its changed rows by key."""
    project = Path(__file__).resolve().parents[3] / "dbt_project"
    env = {**BuildTarget(duckdb_file=tmp_path / "socialmart.duckdb").dbt_env(), "DBT_TARGET_PATH": str(tmp_path)}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        parsed = invoke_dbt(["parse", "--project-dir", str(project), "--profiles-dir", str(project), "--quiet"])
    assert parsed.success, parsed.exception
    manifest = parsed.result
    by_day, by_order = [], []
    for model in rebuild_window.incremental_models(manifest):
        (by_order if model.config.get("unique_key") else by_day).append(model.unique_id)
    assert len(by_day) == 3 and len(by_order) == 4, (by_day, by_order)  # int_shopify__orders and the three after it
    for unique_id in by_day:
        assert not _by_row_upstream(manifest, [unique_id]), f"{unique_id} reads a rebuild_by_row table"

    def fingerprinted_view(unique_id: str) -> bool:
        node = manifest.nodes.get(unique_id)
        return node is not None and node.config.materialized == "view" and not _by_row_upstream(manifest, [unique_id])

    allowed = {*by_day, *filter(fingerprinted_view, rebuild_window.upstream(manifest, by_day))}
    windowed = {}
    for node in manifest.nodes.values():
        kwargs = getattr(getattr(node, "test_metadata", None), "kwargs", None) or {}
        if kwargs.get("rebuild_window"):
            windowed[node.name] = node.attached_node
            if node.test_metadata.name == "primary_key":
                assert kwargs["rebuild_window"] in kwargs["columns"], f"{node.name}: the day must be part of the key"
    assert len(windowed) >= 15, windowed  # the ad staging, intermediate and mart keys and the two FX tests
    outside = {name: model for name, model in windowed.items() if model not in allowed}
    assert not outside, f"windowed tests on models not covered by the rebuild window: {outside}"
    assert _by_row_upstream(manifest, by_order), "the order models read the rebuild_by_row tables"


def test_an_account_changed_is_a_full_refresh(nights: Any) -> None:
    # act_3's insights carry no time zone, so its account's applies to every day of its history; its currency too.
    change = (
        "update raw_meta_ads.ad_accounts set currency = 'USD', timezone_name = 'Europe/Paris' "
        "where account_id = 'act_3'"
    )
    assert nights(date(2025, 3, 10), change) == "full refresh: dimension meta_ads.ad_accounts changed"


def test_a_changed_project_is_a_full_refresh(nights: Any) -> None:
    said = nights(date(2025, 3, 10), dbt_vars={"calendar_start_date": "2024-12-01"})
    assert said == "full refresh: the dbt project, its vars or the dbt/DuckDB versions changed"


def test_nothing_changed_rebuilds_nothing(nights: Any) -> None:
    # A marker in an old row of each model survives the run: no day was deleted and inserted again.
    warehouse = nights.warehouse
    with duckdb.connect(str(warehouse)) as con:
        for name, schema in MODELS.items():
            con.execute(f"update {schema}.{name} set impressions = -7 where date_day = '2025-03-05'")
    before = {name: len(rows) for name, rows in _rows(warehouse).items()}
    said = _build(warehouse, date(2025, 3, 10), {"calendar_start_date": "2024-12-01"})
    assert said == "dbt: nothing to rebuild in the incremental models (no raw day changed)"
    assert {name: len(rows) for name, rows in _rows(warehouse).items()} == before  # no row inserted
    with duckdb.connect(str(warehouse)) as con:
        for name, schema in MODELS.items():
            [(marked,)] = con.execute(f"select count(*) from {schema}.{name} where impressions = -7").fetchall()
            assert marked > 0, name
            con.execute(
                f"update {schema}.{name} set impressions = -8 where date_day = '2025-03-05'"
            )  # still wrong: the next night's full refresh must put it right
    said = nights(
        date(2025, 3, 10), "drop table marts.fct_ad_demographics_daily", {"calendar_start_date": "2024-12-01"}
    )
    assert said == "full refresh: incremental model(s) missing: fct_ad_demographics_daily"


def test_an_earlier_run_date_is_a_full_refresh(nights: Any) -> None:
    said = nights(date(2025, 3, 8), dbt_vars={"calendar_start_date": "2024-12-01"})
    assert said == "full refresh: run date 2025-03-08 is before the last build's 2025-03-10"


def test_deciding_drops_the_state_until_the_build_succeeded(nights: Any, tmp_path: Path) -> None:
    copy = tmp_path / "socialmart.duckdb"
    shutil.copyfile(nights.warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        assert rebuild_window._stored(con) is not None
    manifest = SimpleNamespace(nodes={}, sources={})
    rebuild_window.decide(copy, manifest, Path(__file__).resolve().parents[3] / "dbt_project", VARS, date(2025, 3, 10))
    with duckdb.connect(str(copy)) as con:
        assert rebuild_window._stored(con) is None  # a failed dbt build leaves none: the next run is a full refresh


def test_the_project_fingerprint_follows_the_models_macros_tests_and_vars(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(
        Path(__file__).resolve().parents[3] / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs")
    )
    before = rebuild_window.project_fingerprint(project, VARS)
    assert rebuild_window.project_fingerprint(project, dict(VARS)) == before
    assert rebuild_window.project_fingerprint(project, {**VARS, "reporting_currency": "EUR"}) != before
    money = project / "macros" / "money.sql"
    money.write_text(money.read_text() + "\n")
    after_macro = rebuild_window.project_fingerprint(project, VARS)
    assert after_macro != before
    # A data test's definition too: the windowed tests rely on the days before the window having passed it.
    key_test = project / "tests" / "generic" / "primary_key.sql"
    key_test.write_text(key_test.read_text() + "\n")
    assert rebuild_window.project_fingerprint(project, VARS) != after_macro
