"""Schema-swap publishing and the read-only role (socialmart/postgres_publish.py) on a small hand-made database.

Each test gets its own database and its own reader role (roles are shared by every database of a server, so the
tests never touch the `socialmart_reader` the nightly run sets up).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace

import psycopg2
import pytest
from postgres_support import PostgresServer, query

from socialmart.config import PostgresConnection
from socialmart.postgres_publish import PublishError, analyze_tables, prepare_build, publish, run_lock
from socialmart.warehouse import RunLockedError

pytestmark = pytest.mark.postgres

RUN_ID = "20260310-061500-a1b2c3"
REPLACED = "marts__previous_20260310_061500_a1b2c3"
READER_PASSWORD = "publish-reader-never-shown-77c1"
SETUP_SQL = """
create schema raw_shopify;
create table raw_shopify.orders (id int, email text);
insert into raw_shopify.orders values (1, 'ann@example.com');
create schema staging;
create view staging.stg_shopify__orders as select id from raw_shopify.orders;
create schema intermediate;
create view intermediate.int_orders as select id from staging.stg_shopify__orders;
create schema marts;
create table marts.fct_orders (id int, version text);
insert into marts.fct_orders values (1, 'published');
create schema ops;
create table ops.dq_results (check_name text, success boolean);
insert into ops.dq_results values ('spend_non_negative', true);
"""
BUILD_SQL = """
create schema marts__build;
create table marts__build.fct_orders (id int, version text);
insert into marts__build.fct_orders values (1, 'built'), (2, 'built');
create table marts__build.rpt_orders as select count(*) as orders from marts__build.fct_orders;
"""


def execute(database: PostgresConnection, statements: str) -> None:
    with closing(psycopg2.connect(database.dsn)) as con, con, con.cursor() as cur:
        cur.execute(statements)


@pytest.fixture
def reader_role(postgres_server: PostgresServer) -> Iterator[str]:
    """A reader role name of this test's own, dropped after the test's database."""
    role = f"socialmart_reader_test_{uuid.uuid4().hex[:8]}"
    yield role
    execute(postgres_server.admin, f'drop role if exists "{role}"')


@pytest.fixture
def database(postgres_server: PostgresServer, reader_role: str) -> Iterator[PostgresConnection]:
    """A database with raw, staging, intermediate, ops, published marts and a validated build in marts__build."""
    with postgres_server.database("publish") as created:
        execute(created, SETUP_SQL + BUILD_SQL)
        yield created


def schemas(database: PostgresConnection) -> set[str]:
    return {name for (name,) in query(database, "select nspname from pg_namespace where nspname like 'marts%'")}


def versions(database: PostgresConnection, schema: str = "marts") -> list[str]:
    return [version for (version,) in query(database, f"select version from {schema}.fct_orders order by id")]


def as_reader(database: PostgresConnection, role: str) -> PostgresConnection:
    return replace(database, user=role, password=READER_PASSWORD)


def test_publish_swaps_the_build_in_and_drops_the_replaced_marts(
    database: PostgresConnection, reader_role: str
) -> None:
    result = publish(database, RUN_ID, READER_PASSWORD, reader_role=reader_role)

    assert (result.replaced, result.left_behind, result.reader_can_log_in) == (REPLACED, (), True)
    assert schemas(database) == {"marts"}
    assert versions(database) == ["built", "built"]
    assert query(database, "select orders from marts.rpt_orders") == [(2,)]
    assert READER_PASSWORD not in repr(result)


def test_the_first_publish_has_nothing_to_replace(database: PostgresConnection, reader_role: str) -> None:
    execute(database, "drop schema marts cascade")

    result = publish(database, RUN_ID, reader_role=reader_role)

    assert (result.replaced, result.left_behind, result.reader_can_log_in) == (None, (), False)
    assert versions(database) == ["built", "built"]


@pytest.mark.parametrize(
    "allowed",
    ["select * from marts.fct_orders", "select * from marts.rpt_orders", "select * from ops.dq_results"],
)
def test_the_reader_reads_marts_reports_and_ops(database: PostgresConnection, reader_role: str, allowed: str) -> None:
    publish(database, RUN_ID, READER_PASSWORD, reader_role=reader_role)

    assert query(as_reader(database, reader_role), allowed)


@pytest.mark.parametrize(
    "denied",
    [
        "insert into marts.fct_orders values (3, 'forged')",
        "update marts.fct_orders set version = 'forged'",
        "delete from marts.fct_orders",
        "truncate marts.fct_orders",
        "drop table marts.fct_orders",
        "create table marts.forged (id int)",
        "create table public.forged (id int)",
        "create table ops.forged (id int)",
        "insert into ops.dq_results values ('forged', true)",
        "create schema forged",
        "select * from raw_shopify.orders",
        "select * from staging.stg_shopify__orders",
        "select * from intermediate.int_orders",
    ],
)
def test_the_reader_cannot_write_or_read_raw_staging_or_intermediate(
    database: PostgresConnection, reader_role: str, denied: str
) -> None:
    publish(database, RUN_ID, READER_PASSWORD, reader_role=reader_role)

    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        query(as_reader(database, reader_role), denied)
    assert versions(database) == ["built", "built"]


def test_ops_tables_created_after_the_publish_are_readable(database: PostgresConnection, reader_role: str) -> None:
    publish(database, RUN_ID, READER_PASSWORD, reader_role=reader_role)
    execute(database, "create table ops.pipeline_runs as select 'run-1' as run_id")

    assert query(as_reader(database, reader_role), "select run_id from ops.pipeline_runs") == [("run-1",)]


def test_the_reader_logs_in_only_with_a_configured_password(database: PostgresConnection, reader_role: str) -> None:
    def login() -> tuple[bool, str | None]:
        [(can_login, stored)] = query(
            database, f"select rolcanlogin, rolpassword from pg_authid where rolname = '{reader_role}'"
        )
        return can_login, stored

    publish(database, RUN_ID, reader_role=reader_role)
    assert login() == (False, None)

    execute(database, BUILD_SQL)
    publish(database, RUN_ID + "-2", READER_PASSWORD, reader_role=reader_role)
    can_login, stored = login()
    assert can_login and stored.startswith("SCRAM-SHA-256$") and READER_PASSWORD not in stored

    execute(database, BUILD_SQL)
    publish(database, RUN_ID + "-3", reader_role=reader_role)
    assert login() == (False, None)


def test_without_a_build_schema_nothing_changes(database: PostgresConnection, reader_role: str) -> None:
    execute(database, "drop schema marts__build cascade")

    with pytest.raises(PublishError, match=r"no schema marts__build to publish.*marts is unchanged"):
        publish(database, RUN_ID, reader_role=reader_role)
    assert versions(database) == ["published"]


def test_a_reader_role_that_could_write_is_refused(database: PostgresConnection, reader_role: str) -> None:
    execute(database, f'create role "{reader_role}" createdb')

    with pytest.raises(PublishError, match="exists with CREATEDB, so it would not be read-only"):
        publish(database, RUN_ID, reader_role=reader_role)
    assert schemas(database) == {"marts", "marts__build"} and versions(database) == ["published"]


def test_a_reader_of_the_old_marts_neither_blocks_the_swap_nor_makes_it_wait(
    database: PostgresConnection, reader_role: str
) -> None:
    """A BI query on the published marts holds its tables: the swap still commits at once, the reader keeps its
    snapshot, dropping the replaced schema gives up after the lock timeout, and the next run drops it."""
    with closing(psycopg2.connect(database.dsn)) as bi, bi.cursor() as cur:
        cur.execute("select version from marts.fct_orders")  # opens a transaction that holds the old table
        started = time.monotonic()
        result = publish(database, RUN_ID, reader_role=reader_role, lock_timeout_seconds=1)
        elapsed = time.monotonic() - started
        cur.execute(f"select version from {REPLACED}.fct_orders")
        assert cur.fetchall() == [("published",)]
        bi.rollback()

    assert elapsed < 5, f"publishing waited {elapsed:.1f} s for the reader"
    assert (result.replaced, result.left_behind) == (REPLACED, (REPLACED,))
    assert versions(database) == ["built", "built"]
    execute(database, BUILD_SQL)  # what a failed run would leave behind
    assert prepare_build(database) == ()
    assert schemas(database) == {"marts"}


def test_a_locked_build_schema_times_out_the_swap_and_changes_nothing(
    database: PostgresConnection, reader_role: str
) -> None:
    with closing(psycopg2.connect(database.dsn)) as other, other.cursor() as cur:
        cur.execute("grant usage on schema marts__build to public")  # uncommitted: holds the schema's catalog row
        with pytest.raises(PublishError, match=r"could not lock .* within 1 s.*marts is unchanged"):
            publish(database, RUN_ID, reader_role=reader_role, lock_timeout_seconds=1)
        other.rollback()

    assert schemas(database) == {"marts", "marts__build"} and versions(database) == ["published"]
    [(granted,)] = query(database, f"select has_schema_privilege('{reader_role}', 'marts__build', 'usage')")
    assert granted is False


def test_prepare_build_refuses_a_build_schema_someone_reads(database: PostgresConnection) -> None:
    with closing(psycopg2.connect(database.dsn)) as other, other.cursor() as cur:
        cur.execute("select * from marts__build.fct_orders")
        with pytest.raises(PublishError, match="schema marts__build of an earlier run is in use"):
            prepare_build(database, lock_timeout_seconds=1)
        other.rollback()
    assert versions(database) == ["published"]


def test_analyze_tables_gives_the_planner_statistics_of_the_matching_schemas_only(
    database: PostgresConnection,
) -> None:
    def analyzed() -> set[str]:
        """Tables with statistics (reltuples is -1 until a table is first analyzed)."""
        rows = query(
            database,
            "select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind = 'r' and c.reltuples >= 0 "
            "and n.nspname in ('raw_shopify', 'marts', 'marts__build', 'ops')",
        )
        return {name for (name,) in rows}

    assert analyzed() == set()
    assert analyze_tables(database, r"raw\_%") == 1
    assert analyzed() == {"raw_shopify.orders"}
    assert analyze_tables(database, "marts__build") == 2
    assert analyzed() == {"raw_shopify.orders", "marts__build.fct_orders", "marts__build.rpt_orders"}


def test_one_run_at_a_time_per_database(database: PostgresConnection) -> None:
    """The run lock keeps a second run (from another machine, say) out of the database's marts__build; the message
    names the session that holds it, and the lock goes with the holder's connection."""
    with run_lock(database, "20260310-061500-first"):
        with pytest.raises(RunLockedError) as refused, run_lock(database, "20260310-061501-second"):
            pass
        message = str(refused.value)
        assert f"another socialmart run is building in {database}" in message
        assert "socialmart run 20260310-061500-first" in message and "wait for it to finish" in message
    with run_lock(database, "20260310-061502-third"):
        [(held,)] = query(database, "select count(*) from pg_locks where locktype = 'advisory' and granted")
        assert held == 1
