"""`socialmart run --sources exports`: the sandbox's platform CSV exports for as_of 2025-03-01 built and published
into a warehouse file, checked against sandbox.truth to the cent; a bad file is rejected by name and line while the
others load; the same files dropped again do not double count; the customers' names, emails, phones and addresses in
the Shopify exports reach no column of the warehouse and no file the run wrote."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from pii_scan import PiiScanner, describe, duckdb_file, sandbox_personal_data

from sandbox import fx
from sandbox.constants import month_key
from sandbox.exports import write_exports
from sandbox.truth import Truth
from sandbox.world import build_world
from socialmart.cli import main

AS_OF = date(2025, 3, 1)
PROJECT = Path(__file__).resolve().parents[2]
BAD_FILE = "bad-semicolons.csv"
# Export files hold real customers: loading a Shopify export needs a configured salt (never the sandbox's).
PII_SALT = "exports-run-salt-6a0c93f1e2d7"


@pytest.fixture(scope="module")
def truth() -> Truth:
    return Truth(AS_OF, known_platforms=("meta", "tiktok"))


def _run(exports: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch, tmp: Path):
    monkeypatch.setenv("SOCIALMART__REPORTS_DIR", str(tmp / "reports"))
    monkeypatch.setenv("SOCIALMART__PII_SALT", PII_SALT)
    args = ["run", "--date", AS_OF.isoformat(), "--sources", "exports", "--exports-dir", str(exports)]
    args += ["--warehouse", str(warehouse), "--inputs-dir", str(PROJECT / "inputs")]
    return CliRunner().invoke(main, args)


def _ad_totals(warehouse: Path) -> dict[tuple[str, str], tuple[Decimal, int, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select platform, strftime(date_day, '%Y-%m'), sum(spend), sum(impressions), sum(clicks) "
            "from marts.fct_ad_performance_daily group by all"
        ).fetchall()
    return {(p, m): (s, int(i), int(c)) for p, m, s, i, c in rows}


def _order_totals(warehouse: Path) -> dict[str, tuple[int, Decimal, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select strftime(order_date, '%Y-%m'), count(*), sum(revenue), count(*) filter (where is_new_customer) "
            "from marts.fct_orders_attributed group by all"
        ).fetchall()
    return {m: (int(n), r, int(new)) for m, n, r, new in rows}


def _expected_orders(truth: Truth) -> dict[str, tuple[int, Decimal, int]]:
    """Orders per month and net sales by the export refund rule: each order's refund (tax-inclusive Refunded
    Amount x Subtotal / (Subtotal + Taxes), rounded half up to the cent) is a refund on the order's date."""
    world = build_world(AS_OF)
    orders = {(o.shop.handle, o.id): o for shop in world.orders.values() for o in shop}
    refunded: dict[tuple[str, int], int] = defaultdict(int)
    for r in truth.refund_facts():
        refunded[(r.shop, r.order_id)] += int(-r.amount_local * 100)
    out: dict[str, list] = defaultdict(lambda: [0, Decimal("0.00"), 0])
    for fact in truth.order_facts():
        o = orders[(fact.shop, fact.order_id)]
        subtotal, gross = o.subtotal_cents, o.subtotal_cents + o.tax_cents
        refund_gross = refunded[(fact.shop, fact.order_id)] + sum(
            rl.tax_cents for r in world.refunds(o) for rl in r.lines
        )
        refund_net = (2 * refund_gross * subtotal + gross) // (2 * gross) if refund_gross else 0
        month = out[month_key(fact.order_date)]
        month[0] += 1
        # the sale and its refund are two revenue events, each converted and rounded on its own (design.md)
        for cents in (subtotal, -refund_net):
            month[1] += fx.convert(Decimal(cents) / 100, fact.currency, fact.order_date, "USD") if cents else 0
        month[2] += int(fact.is_new_customer)
    return {m: tuple(v) for m, v in out.items()}


def _assert_matches_truth(warehouse: Path, truth: Truth) -> None:
    ads = _ad_totals(warehouse)
    for platform in ("meta", "tiktok"):
        for month in truth.months():
            spend, impressions, clicks = ads.get((platform, month), (Decimal("0.00"), 0, 0))
            assert spend == truth.spend(platform, month), (platform, month)
            assert impressions == truth.impressions(platform, month), (platform, month)
            assert clicks == truth.clicks(platform, month), (platform, month)
    assert {p for p, _ in ads} == {"meta", "tiktok"}
    assert _order_totals(warehouse) == _expected_orders(truth)


def test_exports_run_matches_truth_rejects_bad_file_and_does_not_double_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, truth: Truth
) -> None:
    exports, warehouse = tmp_path / "exports", tmp_path / "wh" / "socialmart.duckdb"
    files = write_exports(exports, AS_OF)
    (exports / BAD_FILE).write_text("Campaign name;Ad ID;Amount spent (USD)\nspring;1;2.00\n", encoding="utf-8")

    first = _run(exports, warehouse, monkeypatch, tmp_path)
    assert first.exit_code == 1, first.output
    assert f"{BAD_FILE}, line 1: the columns are separated by semicolons" in first.output
    assert "Published, but these sources failed to load: exports" in first.output
    _assert_matches_truth(warehouse, truth)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = {r[0] for r in con.execute("select distinct source_file from raw_exports.meta_ads_manager").fetchall()}
    assert loaded == {f.name for f in files if f.name.endswith("-Feb-28-2025.csv")}

    # The same files downloaded again (browser copies "(1)") next to the originals, and the bad file fixed.
    (exports / BAD_FILE).unlink()
    for f in files:
        shutil.copyfile(f, f.with_name(f"{f.stem} (1).csv"))
    second = _run(exports, warehouse, monkeypatch, tmp_path)
    assert second.exit_code == 0, second.output
    _assert_matches_truth(warehouse, truth)

    scanner = PiiScanner(sandbox_personal_data(AS_OF, with_stripe=False))
    assert len(scanner.scan_files(exports)) == 6  # the control: every Shopify export (and its copy) is full of it
    found = (
        scanner.scan(duckdb_file(warehouse))
        | scanner.scan_files(warehouse.parent)
        | scanner.scan_files(tmp_path / "reports")
    )
    assert not found, describe(found)
    assert PII_SALT not in first.output + second.output
