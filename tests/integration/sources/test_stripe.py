"""Stripe connector against the sandbox Stripe API replica."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sandbox.stripe_payments import STRIPE_ACCOUNTS, balance_transactions_before, charges_before, refunds_before
from sandbox.truth import Truth
from sources.common import rows_extracted
from sources.stripe import settings as stripe_settings
from sources.stripe import stripe_source

DATASET = "raw_stripe"
US, EU = (a.account_id for a in STRIPE_ACCOUNTS)
# Stripe-only revenue per account and reporting-tz month, in the account currency, from raw rows: captured amounts of
# charges without Shopify metadata on their date, minus their refunds on the refund's date.
REVENUE = f"""
with sales as (
    select account_id, id, created, amount_captured as amount from {DATASET}.charges where shopify_order_id is null
)
select account_id, month, sum(amount) from (
    select account_id, strftime(timezone('America/New_York', created), '%Y-%m') as month, amount from sales
    union all
    select r.account_id, strftime(timezone('America/New_York', r.created), '%Y-%m'), -r.amount
    from {DATASET}.refunds r join sales s on r.account_id = s.account_id and r.charge = s.id
) group by 1, 2
"""


def stripe_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        **credentials.source_settings(server.url)["stripe"],
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
        "pii_salt": helpers.PII_SALT,
    }
    return {**kwargs, **overrides}


def expected_revenue(as_of: dt.date) -> dict[tuple[str, str], Decimal]:
    truth = Truth(as_of, with_stripe=True)
    return {
        (account, m): truth.revenue_local(f"stripe:{account}", m)
        for account in (US, EU)
        for m in truth.months()
        if truth.revenue_local(f"stripe:{account}", m)
    }


def loaded_revenue(helpers: Any, db: Path) -> dict[tuple[str, str], Decimal]:
    return {(a, m): Decimal(total) / 100 for a, m, total in helpers.query(db, REVENUE)}


def world_counts(server: SandboxServer) -> dict[str, tuple[int, int, int, int]]:
    """Per account: charges, captured minor units, refunds, balance transactions."""
    cutoff = server.world.cutoff
    charges, refunds, txns = charges_before(cutoff), refunds_before(cutoff), balance_transactions_before(cutoff)
    return {
        a: (len(charges[a]), sum(c.amount_captured for c in charges[a]), len(refunds[a]), len(txns[a]))
        for a in (US, EU)
    }


def loaded_counts(helpers: Any, db: Path) -> dict[str, tuple[int, int, int, int]]:
    rows = helpers.query(
        db,
        f"select c.account_id, c.n, c.captured, coalesce(r.n, 0), coalesce(b.n, 0) from "
        f"(select account_id, count(*) n, sum(amount_captured) captured from {DATASET}.charges group by 1) c "
        f"left join (select account_id, count(*) n from {DATASET}.refunds group by 1) r using (account_id) "
        f"left join (select account_id, count(*) n from {DATASET}.balance_transactions group by 1) b "
        "using (account_id)",
    )
    return {a: (n, int(captured), refunds, txns) for a, n, captured, refunds, txns in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages (so every list needs several pages)."""
    base = tmp_path_factory.mktemp("stripe_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/stripe/v1/")
    patch = pytest.MonkeyPatch()
    patch.setattr(stripe_settings, "PAGE_LIMIT", 20)
    try:
        pipeline.run(stripe_source(**stripe_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "requests": helpers.count_requests(sandbox, "/stripe/v1/") - before,
    }


def test_full_load_equals_the_world_per_account(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    counts = world_counts(sandbox)
    assert loaded_counts(helpers, first_run["db"]) == counts
    assert first_run["extracted"]["charges"] == sum(n for n, *_ in counts.values())
    assert first_run["requests"] >= sum(n for n, *_ in counts.values()) // 20  # paged with starting_after


def test_stripe_only_revenue_equals_truth_to_the_cent(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    expected = expected_revenue(sandbox.as_of)
    assert expected and loaded_revenue(helpers, first_run["db"]) == expected
    truth = Truth(sandbox.as_of)
    assert truth.stripe_revenue("2025-02", US) == expected[(US, "2025-02")]  # USD: local = reporting currency
    shopify_paid = helpers.query(
        first_run["db"],
        f"select count(*), count(distinct shopify_order_id) from {DATASET}.charges where shopify_shop = 'northwind-us'",
    )
    assert shopify_paid[0][0] > 0 and shopify_paid[0][0] == shopify_paid[0][1]


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = {
        (t, c): d
        for t, c, d in helpers.query(
            first_run["db"],
            "select table_name, column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}'",
        )
    }
    assert types[("charges", "created")] == "TIMESTAMP WITH TIME ZONE"
    assert types[("charges", "amount_captured")] == "BIGINT" and types[("charges", "captured")] == "BOOLEAN"
    assert types[("refunds", "amount")] == "BIGINT" and types[("balance_transactions", "fee")] == "BIGINT"
    assert {("charges", "_dlt_load_id"), ("charges", "account_id"), ("refunds", "account_id")} <= set(types)


def test_second_run_rereads_lookback_without_duplicates(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pending_before = set(helpers.query(db, f"select id from {DATASET}.balance_transactions where status = 'pending'"))
    pipeline.run(stripe_source(**stripe_kwargs(helpers, sandbox_next)))

    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    window = [c for a in (US, EU) for c in charges_before(sandbox_next.world.cutoff)[a] if c.created_at >= since]
    assert rows_extracted(pipeline)["charges"] == len(window)
    assert 0 < len(window) < sum(n for n, *_ in world_counts(sandbox_next).values())
    assert loaded_counts(helpers, db) == world_counts(sandbox_next) != world_counts(sandbox)
    assert loaded_revenue(helpers, db) == expected_revenue(sandbox_next.as_of)
    assert helpers.query(db, f"select count(*) = count(distinct id) from {DATASET}.charges") == [(True,)]
    # Funds of the transactions created two days before the cutoff became available: a status change re-read.
    pending_after = set(helpers.query(db, f"select id from {DATASET}.balance_transactions where status = 'pending'"))
    assert pending_before - pending_after


def test_later_run_picks_up_new_refunds_and_refunded_amounts(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    later_as_of = sandbox.as_of + dt.timedelta(days=4)  # the first days after AS_OF with a new refund
    with SandboxServer(later_as_of) as later:
        db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
        pipeline.run(stripe_source(**stripe_kwargs(helpers, later)))
        old = {r.id for a in (US, EU) for r in refunds_before(sandbox.world.cutoff)[a]}
        new = [r for a in (US, EU) for r in refunds_before(later.world.cutoff)[a] if r.id not in old]
        assert new, "refunds were created after AS_OF"
        refunded = dict(helpers.query(db, f"select id, amount_refunded from {DATASET}.charges"))
        assert all(refunded[r.charge_id] >= r.amount for r in new)  # the refunded charges were re-read
        assert loaded_counts(helpers, db) == world_counts(later)
        assert loaded_revenue(helpers, db) == expected_revenue(later_as_of)


def test_429_and_500_bursts_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(rate_limit_first_n={"stripe_charges": 2, "stripe_refunds": 1}, server_errors_first_n={"stripe": 3})
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(stripe_source(**stripe_kwargs(helpers, server)))
    assert loaded_counts(helpers, tmp_path / "w.duckdb") == world_counts(server)
    assert loaded_revenue(helpers, tmp_path / "w.duckdb") == expected_revenue(server.as_of)


def test_duplicate_page_loads_no_duplicates(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(Faults(duplicate_page=("stripe",)))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(stripe_source(**stripe_kwargs(helpers, server)))
    assert loaded_counts(helpers, tmp_path / "w.duckdb") == world_counts(server)
    assert rows_extracted(pipeline)["charges"] == sum(n for n, *_ in world_counts(server).values())


def test_new_field_keeps_rows_equal(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(Faults(extra_field=("stripe",)))
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(stripe_source(**stripe_kwargs(helpers, server)))
    assert loaded_counts(helpers, tmp_path / "w.duckdb") == world_counts(server)
    assert loaded_revenue(helpers, tmp_path / "w.duckdb") == expected_revenue(server.as_of)


def test_invalid_key_gives_clear_error_without_the_key(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    key = "sk_live_51Abcdefghijklmnopqrstuvwxyz0123456789rolledKey"
    kwargs = stripe_kwargs(helpers, sandbox, api_keys={EU: key})
    message = helpers.auth_failure(tmp_path, DATASET, stripe_source, kwargs, key)
    assert message.startswith("stripe: GET /charges") and f"for account {EU}" in message
    assert "HTTP 401" in message and "Invalid API Key provided" in message
    assert "sources.stripe.api_keys" in message and key not in message
