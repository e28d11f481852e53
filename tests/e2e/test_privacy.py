"""No personal data anywhere a run writes: the sandbox hands out names, emails, phones, street addresses and browser
IPs with its orders and charges (sandbox/people.py), and not one of them, nor a raw customer id, is in any column of
any table or view of the published warehouse (raw, staging, intermediate, marts, reports, dlt's tables) or in the
reports and validation files; on PostgreSQL likewise. Reads the session's nightly runs (`scenario`,
`postgres_nightly`): no run of its own."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from e2e_scenario import NEXT_DATE, Scenario, query
from pii_scan import PiiScanner, describe, duckdb_file, sandbox_personal_data
from postgres_support import PostgresRun

from sandbox.people import shop_customer
from sandbox.world import build_world
from socialmart.config import SANDBOX_PII_SALT, load_settings
from sources.common.privacy import pseudonymise

pytestmark = pytest.mark.e2e

# The columns that carry a customer: each must hold only hashes.
CUSTOMER_COLUMNS = (
    ("raw_shopify", "orders", "customer_id"),
    ("raw_stripe", "charges", "customer"),
    ("staging", "stg_shopify__orders", "customer_id"),
    ("staging", "stg_stripe__charges", "customer_id"),
    ("marts", "fct_orders_attributed", "customer_id"),
)


@pytest.fixture(scope="module")
def scanner() -> PiiScanner:
    """Every identifying value the sandbox served up to the second run (a superset of the first run's)."""
    return PiiScanner(sandbox_personal_data(NEXT_DATE))


def test_the_scan_finds_personal_data_wherever_it_is(scanner: PiiScanner, tmp_path: Path) -> None:
    """The control: a raw customer id in a numeric column, an email inside longer text in a view, a name in a
    Parquet file."""
    order = build_world(NEXT_DATE).orders["northwind-us"][0]
    person = shop_customer(order.customer_id, "us")
    email, name = person.email, person.name
    db = tmp_path / "leaky.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema raw_shop; create table raw_shop.orders (note varchar, customer_id bigint)")
        con.execute("insert into raw_shop.orders values ('Leave it by the door', ?), ('x', 1)", [order.customer_id])
        con.execute(f"create schema marts; create view marts.v as select 'Mail: {email}!' as contact")
        con.execute(f"copy (select 42 as n, 'Dear {name}' as greeting) to '{tmp_path / 'rpt.parquet'}'")
    assert scanner.scan(duckdb_file(db)) == {
        "raw_shop.orders.customer_id": {str(order.customer_id)},
        "marts.v.contact": {email},
    }
    assert scanner.scan_files(tmp_path) == {"rpt.parquet.greeting": {name}}
    assert len(scanner.values) > 50_000


def test_no_personal_data_in_any_column_of_the_published_warehouse(scenario: Scenario, scanner: PiiScanner) -> None:
    found = scanner.scan(duckdb_file(scenario.published))
    assert not found, describe(found)
    columns = {
        tuple(r)
        for r in query(
            scenario.published, "select table_schema, table_name, column_name from information_schema.columns"
        )
    }
    assert set(CUSTOMER_COLUMNS) <= columns  # the scan read every layer that carries a customer


def test_customers_arrive_as_salted_hashes(scenario: Scenario) -> None:
    for schema, table, column in CUSTOMER_COLUMNS:
        [(rows, hashes)] = query(
            scenario.published,
            f"select count({column}), count(*) filter (where regexp_full_match({column}, '[0-9a-f]{{64}}')) "
            f"from {schema}.{table}",
        )
        assert rows > 100 and hashes == rows, (schema, table, column)
    order = next(o for o in build_world(NEXT_DATE).orders["northwind-uk"] if not o.test)
    [(customer_id,)] = query(
        scenario.published,
        f"select customer_id from marts.fct_orders_attributed where order_key = 'northwind-uk:{order.id}'",
    )
    assert customer_id == pseudonymise(order.customer_id, load_settings().customer_salt(sandbox=True))


def test_no_personal_data_in_reports_or_validation_results(scenario: Scenario, scanner: PiiScanner) -> None:
    written = [p for p in scenario.root.rglob("*") if p.is_file()]
    assert {".html", ".csv", ".json"} <= {p.suffix for p in written}  # the reports and the gate results are there
    assert all(path.exists() for path in scenario.second.reports)
    found = scanner.scan_files(scenario.root)
    assert not found, describe(found)


@pytest.mark.postgres
def test_no_personal_data_in_the_postgres_warehouse(postgres_nightly: PostgresRun, scanner: PiiScanner) -> None:
    found = scanner.scan(postgres_nightly.query)
    assert not found, describe(found)
    [(rows, hashes)] = postgres_nightly.query(
        "select count(customer_id), count(*) filter (where customer_id ~ '^[0-9a-f]{64}$') "
        "from marts.fct_orders_attributed"
    )
    assert rows > 100 and hashes == rows
    assert SANDBOX_PII_SALT not in postgres_nightly.log
