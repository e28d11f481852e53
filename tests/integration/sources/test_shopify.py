"""Shopify connector against the sandbox Admin REST replica."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox.faults import Faults
from sandbox.server import SandboxServer
from sources.common import SourceAuthError, find_source_error, rows_extracted
from sources.common.privacy import pseudonymise
from sources.shopify import shopify_source

DATASET = "raw_shopify"


def world_orders(server: SandboxServer) -> dict[tuple[str, int], tuple[str, Decimal, str, int, int]]:
    """(shop, id) -> (name, subtotal, financial_status, line items, refund lines) as served at as_of."""
    world = server.world
    out = {}
    for shop, orders in world.orders.items():
        for order in orders:
            refund_lines = sum(len(r.lines) for r in world.refunds(order))
            out[(shop, order.id)] = (
                order.name,
                Decimal(order.subtotal_cents) / 100,
                world.financial_status(order),
                len(order.line_items),
                refund_lines,
            )
    return out


def loaded_orders(helpers: Any, db: Path) -> dict[tuple[str, int], tuple[str, Decimal, str, int, int]]:
    rows = helpers.query(
        db,
        f"""
        select o.shop, o.id, o.name, o.subtotal_price, o.financial_status,
               (select count(*) from {DATASET}.order_line_items l
                where l.shop = o.shop and l.order_id = o.id),
               (select count(*) from {DATASET}.order_refund_line_items r
                where r.shop = o.shop and r.order_id = o.id)
        from {DATASET}.orders o
        """,
    )
    return {(shop, oid): (name, sub, status, n, r) for shop, oid, name, sub, status, n, r in rows}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("shopify_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/orders.json")
    started = time.perf_counter()
    pipeline.run(shopify_source(**helpers.source_kwargs("shopify", sandbox)))
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "order_requests": helpers.count_requests(sandbox, "/orders.json") - before,
        "seconds": time.perf_counter() - started,
    }


def test_first_run_pages_through_every_order_in_one_pass(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any
) -> None:
    db = first_run["db"]
    expected = world_orders(sandbox)
    assert loaded_orders(helpers, db) == expected
    extracted = first_run["extracted"]
    assert extracted["orders"] == len(expected)
    assert extracted["order_line_items"] == sum(v[3] for v in expected.values())
    assert extracted["order_refund_line_items"] == sum(v[4] for v in expected.values())
    # One pass: a request per page of 250 orders and shop, none for line items or refunds.
    per_shop = [len(orders) for orders in sandbox.world.orders.values()]
    assert first_run["order_requests"] == sum(-(-n // 250) for n in per_shop)
    shops = helpers.query(db, f"select shop, name, currency, iana_timezone from {DATASET}.shops order by shop")
    assert [(s, c, tz) for s, _, c, tz in shops] == [
        ("northwind-eu", "EUR", "Europe/Berlin"),
        ("northwind-uk", "GBP", "Europe/London"),
        ("northwind-us", "USD", "America/New_York"),
    ]


def test_raw_contract_types_and_values(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    db = first_run["db"]
    types = dict(
        helpers.query(
            db,
            "select table_name || '.' || column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}'",
        )
    )
    assert types["orders.created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["orders.total_shipping"] == "DECIMAL(18,2)" and types["orders.id"] == "BIGINT"
    assert types["orders.test"] == "BOOLEAN"
    assert types["order_refund_line_items.subtotal"] == "DECIMAL(18,2)"
    assert types["order_line_items.quantity"] == "BIGINT"
    order = sandbox.world.orders["northwind-eu"][0]
    row = helpers.query(
        db,
        f"select created_at, customer_id, test, landing_site from {DATASET}.orders "
        f"where shop = 'northwind-eu' and id = {order.id}",
    )[0]
    assert row[0] == order.created_at.replace(microsecond=0)
    assert row[1:] == (pseudonymise(order.customer_id, helpers.PII_SALT), order.test, order.landing_site)
    assert types["orders.customer_id"] == "VARCHAR"
    # Click ids (fbclid, gclid, ...) identify a visit: the landing site keeps only its path and UTMs.
    landings = [o.landing_site for orders in sandbox.world.orders.values() for o in orders]
    with_click_ids = sum(1 for landing in landings if "clid=" in landing)
    loaded = helpers.query(
        db, f"select count(*) filter (where landing_site like '%clid=%'), count(*) from {DATASET}.orders"
    )
    assert with_click_ids > 100 and loaded == [(0, len(landings))]
    utms = helpers.query(db, f"select count(*) from {DATASET}.orders where landing_site like '%utm_campaign=%'")
    assert utms == [(sum(1 for landing in landings if "utm_campaign=" in landing),)]
    codes = helpers.query(db, f"select count(*) from {DATASET}.orders where discount_codes is not null")[0][0]
    assert codes == sum(1 for orders in sandbox.world.orders.values() for o in orders if o.discount)


def test_second_run_reads_only_orders_updated_since_the_cursor(
    first_run: dict[str, Any], sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db = helpers.copy_db(first_run["db"], tmp_path)
    cursors = dict(helpers.query(db, f"select shop, max(updated_at) from {DATASET}.orders group by 1"))
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    pipeline.run(shopify_source(**helpers.source_kwargs("shopify", sandbox_next)))
    extracted = rows_extracted(pipeline)

    world = sandbox_next.world
    changed = [
        (shop, order)
        for shop, orders in world.orders.items()
        for order in orders
        if world.updated_at(order) >= cursors[shop]
    ]
    assert extracted["orders"] == len(changed)
    assert 0 < len(changed) < sum(len(o) for o in world.orders.values()) / 10
    assert extracted["order_line_items"] == sum(len(o.line_items) for _, o in changed)
    assert extracted.get("order_refund_line_items", 0) == sum(
        len(r.lines) for _, o in changed for r in world.refunds(o)
    )
    # New orders added, refunded orders updated (status and refund lines), nothing lost.
    assert loaded_orders(helpers, db) == world_orders(sandbox_next)


def test_429_with_retry_after_and_500s_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"shopify_orders": 2},
            server_errors_first_n={"shopify_orders": 1, "shopify_shop": 2},
            retry_after_seconds=0.5,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(shopify_source(**helpers.source_kwargs("shopify", server)))
    assert time.perf_counter() - started >= 1.0  # two Retry-After waits of 0.5 s
    assert rows_extracted(pipeline)["orders"] == sum(len(o) for o in server.world.orders.values())


def test_bad_token_names_the_shop_and_the_setting(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    kwargs = helpers.source_kwargs("shopify", sandbox)
    kwargs["access_tokens"] = {**kwargs["access_tokens"], "northwind-eu": "shpat_revoked_0000"}
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(shopify_source(**kwargs))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceAuthError)
    message = str(error)
    assert message.startswith("shopify: GET /admin/api/2024-10/shop.json for account northwind-eu failed (HTTP 401")
    assert "Invalid API key or access token" in message
    assert "set sources.shopify.access_tokens.northwind-eu" in message
    assert "shpat_revoked_0000" not in str(raised.value)


def test_missing_token_is_reported_before_any_request(sandbox: SandboxServer, helpers: Any) -> None:
    kwargs = helpers.source_kwargs("shopify", sandbox)
    kwargs["access_tokens"] = {"northwind-us": "x"}
    with pytest.raises(Exception, match=r"no access token for shop 'northwind-eu'.*sources.shopify.access_tokens"):
        shopify_source(**kwargs)


def test_cutoff_bounds_updated_at(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    """An earlier cutoff leaves later orders for the next run."""
    cutoff = dt.datetime(2025, 2, 1, 5, tzinfo=dt.UTC)
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    pipeline.run(shopify_source(**helpers.source_kwargs("shopify", sandbox, cutoff=cutoff.isoformat())))
    world = sandbox.world
    expected = sum(1 for orders in world.orders.values() for o in orders if world.updated_at(o) <= cutoff)
    assert rows_extracted(pipeline)["orders"] == expected


def test_duplicate_page_loads_every_order_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each order is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("shopify",)), DATASET, lambda s: shopify_source(**helpers.source_kwargs("shopify", s))
    )
    assert loaded_orders(helpers, db) == world_orders(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(
        Faults(extra_field=("shopify",)), DATASET, lambda s: shopify_source(**helpers.source_kwargs("shopify", s))
    )
    assert loaded_orders(helpers, db) == world_orders(server)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_schema_contract_freezes_known_types_and_lets_new_columns_evolve(
    first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    """A known column arriving with another type fails naming source, table and column; a new column evolves."""
    error, db = helpers.contract_runs(
        first_run["db"],
        tmp_path,
        DATASET,
        lambda: shopify_source(**helpers.source_kwargs("shopify", sandbox)),
        retyped=("orders", "total_price"),
        evolving="shops",
    )
    assert (error.source, error.table, error.column) == ("shopify", "orders", "total_price")
    message = str(error)
    assert "raw_shopify.orders" in message and "decimal" in message and "sources/shopify" in message
    assert loaded_orders(helpers, db) == world_orders(sandbox)
    new = helpers.query(db, f"select count(new_field) > 0, bool_and(new_field = 'x') from {DATASET}.shops")
    assert new == [(True, True)]  # the rows of the run carry it; older rows have null
