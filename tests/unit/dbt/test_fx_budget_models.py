"""ECB rates and budgets through the real loader and dbt: int_fx_rates_daily, int_budgets_converted,
fct_budget_pacing, the carry-forward warning of the gate, and the error of a currency without rates.

The inputs folder holds ECB files in their published layout (tests/fixtures/ecb, made-up values: TARGET days
2025-02-24..03-07 newest first, and 10 March 2025), an fx_rates.csv that overrides EUR->USD on 2025-03-05, and
budgets in USD, EUR and GBP. Meta ad rows in USD, EUR and GBP spend money on a Saturday (no ECB rate), a Monday,
and the overridden day. Expected numbers are computed here from the fixture values with Decimal, half away from
zero to the cent. Run date 2025-03-11: 10 days of March elapsed.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sources.business_inputs import business_inputs_source

RUN_DATE = "2025-03-11"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ecb"
SEGMENTS = ("genz", "millennial", "parents")
CENT = Decimal("0.01")
EDITABLE_EUR_USD_0305 = Decimal("1.10")

BUDGETS = """month,channel,budget,currency
2025-02,meta,4000,USD
2025-03,meta,5000,USD
2025-03,linkedin,1234.56,EUR
2025-03,snapchat,987.65,GBP
2025-03,all,10000,USD
2025-04,meta,100,USD
"""
META_INSIGHT_COLUMNS = (
    "account_id varchar, account_currency varchar, account_timezone varchar, campaign_id varchar, "
    "campaign_name varchar, adset_id varchar, adset_name varchar, ad_id varchar, ad_name varchar, "
    "date_start date, spend decimal(18,2), impressions bigint, clicks bigint, reach bigint, conversions double, "
    "conversion_value decimal(18,2), video_views bigint, actions varchar, action_values varchar"
)
# (account, currency, day, spend): a Saturday carried from Friday, a Monday, the day fx_rates.csv overrides, a GBP
# day through the EUR cross rate, a USD day, a closed-month day, and the run date (not counted).
AD_ROWS = [
    ("1002", "EUR", "2025-03-01", "100.00"),
    ("1002", "EUR", "2025-03-03", "200.00"),
    ("1002", "EUR", "2025-03-05", "50.00"),
    ("1003", "GBP", "2025-03-06", "80.00"),
    ("1001", "USD", "2025-03-04", "300.00"),
    ("1001", "USD", "2025-02-26", "4100.00"),
    ("1001", "USD", "2025-03-11", "999.00"),
]


def ecb_hist() -> dict[tuple[date, str], Decimal]:
    """The hist fixture's values, read independently of the loader: (day, currency) -> units per EUR."""
    with (FIXTURES / "eurofxref-hist.csv").open(newline="") as handle:
        return {
            (date.fromisoformat(row["Date"]), currency): Decimal(value)
            for row in csv.DictReader(handle)
            for currency, value in row.items()
            if currency and currency != "Date" and value != "N/A"
        }


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def write_inputs(folder: Path, budgets: str = BUDGETS) -> Path:
    (folder / "ecb").mkdir(parents=True)
    shutil.copy(FIXTURES / "eurofxref-hist.csv", folder / "ecb" / "eurofxref-hist.csv")
    shutil.copy(FIXTURES / "eurofxref.csv", folder / "eurofxref.csv")
    (folder / "fx_rates.csv").write_text("rate_date,base_currency,quote_currency,rate\n2025-03-05,EUR,USD,1.10\n")
    (folder / "targets.csv").write_text("month,metric,channel,segment,target\n2025-03,revenue,all,all,100\n")
    (folder / "promo_codes.csv").write_text("code,kind,channel,campaign_id,influencer\n")
    (folder / "budgets.csv").write_text(budgets)
    return folder


def add_meta_ads(warehouse: Path, rows: list[tuple[str, str, str, str]]) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists raw_meta_ads")
        con.execute(f"create table if not exists raw_meta_ads.ad_insights ({META_INSIGHT_COLUMNS})")
        con.execute(
            "create table if not exists raw_meta_ads.ad_accounts "
            "(account_id varchar, name varchar, currency varchar, timezone_name varchar)"
        )
        for i, (account, currency, day, spend) in enumerate(rows):
            con.execute(
                "insert into raw_meta_ads.ad_insights values "
                "(?, ?, 'UTC', '11', 'spring_genz_conv_us_202503', 'as1', 'adset', ?, 'ad', ?, ?, "
                "1000, 10, 500, 0, 0, 0, '[]', '[]')",
                [account, currency, f"{account}-{i}", day, Decimal(spend)],
            )
        con.execute(
            "insert into raw_meta_ads.ad_accounts select distinct account_id, 'acct', account_currency, 'UTC' "
            "from raw_meta_ads.ad_insights where account_id not in (select account_id from raw_meta_ads.ad_accounts)"
        )


@dataclass
class Built:
    warehouse: Path
    work_dir: Path

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, dbt_harness: Any) -> Iterator[Built]:
    work_dir = tmp_path_factory.mktemp("fx_budgets")
    warehouse = work_dir / dbt_harness.WAREHOUSE_NAME
    inputs = write_inputs(work_dir / "inputs")
    dbt_harness.load_sources(warehouse, work_dir, {"raw_inputs": business_inputs_source(str(inputs), SEGMENTS)})
    add_meta_ads(warehouse, AD_ROWS)
    dbt_harness.build_selected(warehouse, work_dir, ["+fct_budget_pacing"], RUN_DATE)
    yield Built(warehouse, work_dir)


def rate(built: Built, day: str, currency: str) -> tuple[Any, ...]:
    [row] = built.query(
        "select rate_to_reporting, rate_method, rate_source, cast(rate_date as varchar), rate_age_days, "
        f"is_carried_forward from intermediate.int_fx_rates_daily where date_day = '{day}' and currency_code = "
        f"'{currency}'"
    )
    return row


def test_ecb_rates_become_daily_rates_into_usd(built: Built) -> None:
    ecb = ecb_hist()
    usd_per_eur = ecb[(date(2025, 3, 3), "USD")]
    eur = rate(built, "2025-03-03", "EUR")
    assert (Decimal(eur[0]), *eur[1:]) == (usd_per_eur, "direct", "ecb", "2025-03-03", 0, False)
    # GBP through the EUR cross rate on the same day: USD per EUR / GBP per EUR.
    gbp = rate(built, "2025-03-03", "GBP")
    assert float(gbp[0]) == pytest.approx(float(usd_per_eur / ecb[(date(2025, 3, 3), "GBP")]), rel=1e-12)
    assert gbp[1:] == ("cross", "ecb", "2025-03-03", 0, False)
    # fx_rates.csv wins for its day; the ECB's own EUR legs still give GBP that day.
    assert rate(built, "2025-03-05", "EUR")[:3] == (EDITABLE_EUR_USD_0305, "direct", "fx_rates_csv")
    gbp_0305 = ecb[(date(2025, 3, 5), "USD")] / ecb[(date(2025, 3, 5), "GBP")]
    assert float(rate(built, "2025-03-05", "GBP")[0]) == pytest.approx(float(gbp_0305), rel=1e-12)
    # The weekend carries Friday's rate forward, and says so; 10 March comes from the daily file.
    assert rate(built, "2025-03-02", "EUR")[1:] == ("direct", "ecb", "2025-02-28", 2, True)
    assert Decimal(rate(built, "2025-03-10", "EUR")[0]) == Decimal("1.0441")
    # ISK is N/A on 2025-03-04: that day uses 03-03's rate.
    assert rate(built, "2025-03-04", "ISK")[3:] == ("2025-03-03", 1, True)
    # No rate before the first ECB day, and none for a currency the ECB does not quote.
    assert built.query(
        "select count(*) from intermediate.int_fx_rates_daily where currency_code in ('EUR', 'GBP') "
        "and date_day < '2025-02-24'"
    ) == [(0,)]
    assert built.query("select count(*) from intermediate.int_fx_rates_daily where currency_code = 'ARS'") == [(0,)]


def test_eur_and_gbp_amounts_convert_to_the_cent(built: Built) -> None:
    ecb = ecb_hist()
    friday = date(2025, 2, 28)  # March's first day is a Saturday: the budgets use Friday's rates
    expected_budgets = {
        "linkedin": cents(Decimal("1234.56") * ecb[(friday, "USD")]),
        "snapchat": cents(Decimal("987.65") * ecb[(friday, "USD")] / ecb[(friday, "GBP")]),
        "meta": Decimal("5000.00"),
        "all": Decimal("10000.00"),
    }
    budgets = dict(
        built.query("select channel, budget from intermediate.int_budgets_converted where budget_month = '2025-03-01'")
    )
    assert budgets == expected_budgets
    spend = dict(
        built.query(
            "select cast(date_day as varchar) || ' ' || currency_code, spend "
            "from intermediate.int_ad_performance_unioned"
        )
    )
    assert spend["2025-03-01 EUR"] == cents(Decimal("100.00") * ecb[(friday, "USD")])
    assert spend["2025-03-03 EUR"] == cents(Decimal("200.00") * ecb[(date(2025, 3, 3), "USD")])
    assert spend["2025-03-05 EUR"] == cents(Decimal("50.00") * EDITABLE_EUR_USD_0305)
    day = date(2025, 3, 6)
    assert spend["2025-03-06 GBP"] == cents(Decimal("80.00") * ecb[(day, "USD")] / ecb[(day, "GBP")])


def test_budget_pacing_of_the_run_month_and_a_closed_month(built: Built) -> None:
    ecb = ecb_hist()
    meta_march = (
        cents(Decimal("100.00") * ecb[(date(2025, 2, 28), "USD")])
        + cents(Decimal("200.00") * ecb[(date(2025, 3, 3), "USD")])
        + cents(Decimal("50.00") * EDITABLE_EUR_USD_0305)
        + cents(Decimal("80.00") * ecb[(date(2025, 3, 6), "USD")] / ecb[(date(2025, 3, 6), "GBP")])
        + Decimal("300.00")
    )
    rows = {
        (r[0], r[1]): r[2:]
        for r in built.query(
            "select cast(month as varchar), channel, currency_code, budget_local, spend_to_date, days_elapsed, "
            "days_in_month, expected_spend_to_date, projected_spend, projected_vs_budget, pacing_ratio, "
            "pacing_status, is_month_closed from marts.fct_budget_pacing"
        )
    }
    assert set(rows) == {("2025-02-01", "meta")} | {("2025-03-01", c) for c in ("meta", "linkedin", "snapchat", "all")}
    meta = rows[("2025-03-01", "meta")]
    projected = cents(meta_march * 31 / 10)
    assert meta[:8] == (
        "USD", Decimal("5000.00"), meta_march, 10, 31, cents(Decimal(5000) * 10 / 31), projected, projected - 5000
    )  # fmt: skip
    assert meta[8] == pytest.approx(float(meta_march / (Decimal(5000) * 10 / 31))) and meta[9:] == (
        "under_pacing",
        False,
    )
    assert rows[("2025-03-01", "all")][2] == meta_march  # every channel's spend: only Meta spent
    assert rows[("2025-03-01", "linkedin")][:3] == ("EUR", Decimal("1234.56"), Decimal("0.00"))
    # February is closed: its final spend 4100 against 4000 (ratio 1.025) is on pace.
    assert rows[("2025-02-01", "meta")][2:] == (
        Decimal("4100.00"), 28, 28, Decimal("4000.00"), Decimal("4100.00"), Decimal("100.00"), 1.025, "on_pace", True
    )  # fmt: skip


def test_gate_warns_about_money_converted_at_a_carried_forward_rate(built: Built, tmp_path: Path) -> None:
    from expectations import GateParams, run_gate

    name = "fx_rate_carried_forward.intermediate.int_fx_rates_daily"
    warehouse = tmp_path / built.warehouse.name
    shutil.copy(built.warehouse, warehouse)
    result = run_gate(warehouse, GateParams(run_date=date.fromisoformat(RUN_DATE), sources=()))
    check = next(c for c in result.checks if c.name == name)
    assert (check.severity, check.success) == ("warning", False)
    # The Saturday ad row (EUR) and the March budgets in EUR and GBP used Friday's rate; the weekend without money
    # and the ISK gap are not reported.
    assert check.observed_value == {
        "EUR": "1 day(s): 2025-03-01 (rate of 2025-02-28)",
        "GBP": "1 day(s): 2025-03-01 (rate of 2025-02-28)",
    }
    assert "EUR 1 day(s): 2025-03-01 (rate of 2025-02-28)" in check.message
    assert "inputs/fx_rates.csv" in check.message
    assert check not in result.errors
    relaxed = run_gate(
        warehouse, GateParams(run_date=date.fromisoformat(RUN_DATE), sources=(), fx_max_carry_forward_days=1)
    )
    assert next(c for c in relaxed.checks if c.name == name).success


def test_a_currency_without_rates_stops_the_build_naming_it(built: Built, tmp_path: Path) -> None:
    from socialmart.config import load_settings
    from socialmart.dbt import DbtBuildError, log_file, run_dbt_build
    from socialmart.warehouse import BuildTarget

    warehouse = tmp_path / built.warehouse.name
    shutil.copy(built.warehouse, warehouse)
    add_meta_ads(warehouse, [("1009", "ARS", "2025-03-04", "15000.00"), ("1009", "ARS", "2025-03-06", "1.00")])
    with duckdb.connect(str(warehouse)) as con:  # a budget in EUR for a month before the first ECB rate
        con.execute(
            "insert into raw_inputs.budgets (month, channel, budget, currency, source_file, source_line, "
            "_dlt_load_id, _dlt_id) values ('2025-01-01', 'google', 700, 'EUR', 'inputs/budgets.csv', 8, '1', 'b8')"
        )
    environment = dict(os.environ)
    with pytest.raises(DbtBuildError) as raised:
        run_dbt_build(
            load_settings(), BuildTarget(duckdb_file=warehouse), date.fromisoformat(RUN_DATE), log=lambda _: None
        )
    assert dict(os.environ) == environment, "the build target's settings must not outlive the dbt run"
    message = str(raised.value)
    assert (
        f"Logs: {log_file(load_settings().dbt_project_dir)}" in message
        and log_file(load_settings().dbt_project_dir).is_file()
    )
    assert (
        "No FX rate into USD for ARS in int_ad_performance_unioned (platform meta, account_id 1009): 2 amount(s) "
        "from 2025-03-04 to 2025-03-06. Add rates for ARS to inputs/fx_rates.csv"
    ) in message, message
    assert (
        "No FX rate into USD for EUR in int_budgets_converted (source_file inputs/budgets.csv): 1 amount(s) from "
        "2025-01-01 to 2025-01-01, e.g. source_line 8. Add rates for EUR to inputs/fx_rates.csv"
    ) in message, message
    # Only the two conversions fail: the marts after them are skipped, not built with null money.
    failures = [line.strip().split(":")[0] for line in message.splitlines() if line.startswith("  test ")]
    assert sorted(failures) == ["test fx_rate_missing_for_ad_spend", "test fx_rate_missing_for_budget"], message
