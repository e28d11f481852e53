"""Publishing on PostgreSQL: build the marts in a schema of their own, swap it in, and keep BI read-only.

A run builds the marts and reports into schema ``marts__build`` (dbt_project/macros/generate_schema_name.sql reads
it from BuildTarget.dbt_env), the gate validates that schema, and :func:`publish` then swaps it in with one
transaction: ``marts`` becomes ``marts__previous_<run id>``, ``marts__build`` becomes ``marts``, and the read-only
role ``socialmart_reader`` gets SELECT on it. A reader sees the old marts or the new, never a mix, and renaming a
schema does not wait for readers of its tables. A failed gate never reaches :func:`publish`: ``marts`` stays as it
was, and the rejected build stays in ``marts__build`` for inspection until the next run replaces it.

The replaced schema is dropped after the swap has committed, in a transaction of its own with a lock timeout: a BI
query still reading the old tables holds them, and the drop gives up after the timeout instead of making the run
hang. The run then says which schema is left, and the next run drops it (:func:`prepare_build`). See
docs/postgres.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass

import psycopg2
from psycopg2 import errors, sql
from psycopg2.extensions import connection as Connection
from psycopg2.extensions import encrypt_password

from socialmart.config import PostgresConnection

PUBLISHED_SCHEMA = "marts"
BUILD_SCHEMA = "marts__build"
PREVIOUS_PREFIX = "marts__previous_"
OPS_SCHEMA = "ops"  # the run history and gate results (ops.pipeline_runs, ops.dq_results) BI may trend
READER_ROLE = "socialmart_reader"
LOCK_TIMEOUT_SECONDS = 10
# The advisory lock a run holds on its database for its whole length: two runs (from two machines, say) would
# otherwise rebuild the same marts__build under each other. Advisory locks are per database, like marts__build.
RUN_LOCK_KEY = 0x736D_6172_7472_756E  # "smartrun"
# Role attributes that would let the reader do more than read.
_POWERFUL_ATTRIBUTES = ("rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls")


class PublishError(RuntimeError):
    """Publishing on PostgreSQL failed; the message says what is left where and what to do."""


@dataclass(frozen=True)
class PublishResult:
    """What :func:`publish` did.

    Attributes:
        replaced: The name the previously published marts got in the swap (None on the first publish).
        left_behind: Replaced schemas a reader still held, so they could not be dropped; the next run drops them.
        reader_can_log_in: Whether ``socialmart_reader`` can log in (a reader password is configured).
    """

    replaced: str | None
    left_behind: tuple[str, ...]
    reader_can_log_in: bool


@contextmanager
def run_lock(database: PostgresConnection, run_id: str) -> Iterator[None]:
    """Hold the database's socialmart run lock (a session advisory lock) for the block.

    Raises RunLockedError naming the other run's session when another run holds it; the lock goes with the
    connection, so a run that crashes or is killed releases it.
    """
    from socialmart.warehouse import RunLockedError

    with closing(_connect(database, application_name=f"socialmart run {run_id}")) as con:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("SELECT pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,))
            [(locked,)] = cur.fetchall()
            if not locked:
                raise RunLockedError(
                    f"another socialmart run is building in {database} ({_lock_holder(cur)}); wait for it to finish, "
                    "or end that session if its run is gone"
                )
        yield  # the session (and so the lock) ends when the connection closes


def _lock_holder(cur: psycopg2.extensions.cursor) -> str:
    """Who holds the run lock, for the message: its application name, client address and start."""
    cur.execute(
        "SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s",
        (RUN_LOCK_KEY,),
    )
    row = cur.fetchone()
    if row is None:
        return "its session has just ended"
    pid, name, client, started = row
    since = f"{started:%Y-%m-%d %H:%M:%S %Z}"
    return f"session pid {pid}, {name or 'no application name'}, from {client or 'a local socket'}, since {since}"


def prepare_build(database: PostgresConnection, lock_timeout_seconds: int = LOCK_TIMEOUT_SECONDS) -> tuple[str, ...]:
    """Drop what earlier runs left before dbt builds: their rejected build schema and the replaced marts schemas.

    Returns the replaced schemas a reader still holds (they stay until a later run can drop them). Raises
    PublishError when someone holds the old build schema, because dbt could not rebuild it.
    """
    with closing(_connect(database)) as con:
        try:
            with _transaction(con, lock_timeout_seconds) as cur:
                cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(BUILD_SCHEMA)))
        except errors.LockNotAvailable as exc:
            raise PublishError(
                f"schema {BUILD_SCHEMA} of an earlier run is in use by another session (waited "
                f"{lock_timeout_seconds} s), so this run cannot rebuild it: close that session (see pg_stat_activity "
                f"on {database}) and run again. The published schema {PUBLISHED_SCHEMA} is unchanged."
            ) from exc
        return _drop_previous(con, lock_timeout_seconds)


def analyze_tables(database: PostgresConnection, schema_pattern: str) -> int:
    """Refresh the planner statistics of every table in the schemas matching the LIKE pattern; return how many.

    dlt's loads and dbt's tables leave fresh tables without statistics until autovacuum gets to them (never, where
    it is off), and PostgreSQL then plans dbt's views and the gate's queries for a few rows: on the sandbox brand
    one dbt test over an intermediate view took minutes instead of seconds. ANALYZE samples at most 30,000 rows a
    table, so it takes seconds whatever the size.
    """
    with closing(_connect(database)) as con, con, con.cursor() as cur:
        cur.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname LIKE %s ORDER BY 1, 2",
            (schema_pattern,),
        )
        tables = [sql.Identifier(schema, table) for schema, table in cur.fetchall()]
        if tables:
            cur.execute(sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(tables)))
    return len(tables)


def publish(
    database: PostgresConnection,
    run_id: str,
    reader_password: str = "",
    *,
    reader_role: str = READER_ROLE,
    lock_timeout_seconds: int = LOCK_TIMEOUT_SECONDS,
) -> PublishResult:
    """Swap the validated build schema in as ``marts`` in one transaction, grant the reader role, then drop the
    replaced schema (outside that transaction, giving up after ``lock_timeout_seconds`` when a reader holds it).

    The reader role is created when absent. With ``reader_password`` it can log in with that password, else it is
    NOLOGIN (an administrator grants it to BI users). ``reader_role`` is for tests: roles are shared by every
    database of a server.

    Raises:
        PublishError: No build schema, the role cannot be created or is not read-only, or the swap could not get
            its locks in time; ``marts`` is then unchanged.
    """
    with closing(_connect(database)) as con:
        _ensure_reader_role(con, database, reader_role, reader_password)
        replaced = _swap(con, run_id, reader_role, lock_timeout_seconds)
        left_behind = _drop_previous(con, lock_timeout_seconds)
    return PublishResult(replaced, left_behind, bool(reader_password))


def _connect(database: PostgresConnection, application_name: str = "socialmart publish") -> Connection:
    return psycopg2.connect(database.dsn, connect_timeout=10, application_name=application_name)


@contextmanager
def _transaction(con: Connection, lock_timeout_seconds: int) -> Iterator[psycopg2.extensions.cursor]:
    """One transaction (committed when the block ends, rolled back on an error) whose lock waits time out."""
    with con, con.cursor() as cur:
        cur.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{lock_timeout_seconds}s")))
        yield cur


def _ensure_reader_role(con: Connection, database: PostgresConnection, role: str, password: str) -> None:
    """Create the reader role when absent, and make its login follow the configured password.

    The password is sent as a SCRAM verifier computed here (as psql's \\password does), so the clear text reaches
    neither the server's statement log nor an error message.
    """
    ident = sql.Identifier(role)
    login = (
        sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(encrypt_password(password, role, con)))
        if password
        else sql.SQL("NOLOGIN PASSWORD NULL")
    )
    attributes = _role_attributes(con, role)
    try:
        if attributes is None:
            try:
                with con, con.cursor() as cur:
                    cur.execute(sql.SQL("CREATE ROLE {} ").format(ident) + login)
                return
            except (errors.DuplicateObject, errors.UniqueViolation):
                attributes = _role_attributes(con, role)  # another run created it meanwhile
        powerful = [name.removeprefix("rol") for name in _POWERFUL_ATTRIBUTES if attributes and attributes[name]]
        if powerful:
            raise PublishError(
                f"role {role} exists with {', '.join(powerful).upper()}, so it would not be read-only: remove those "
                f"attributes (ALTER ROLE {role} NO{' NO'.join(powerful).upper()}) or drop the role, and run again."
            )
        if password or (attributes and attributes["rolcanlogin"]):
            with con, con.cursor() as cur:
                cur.execute(sql.SQL("ALTER ROLE {} ").format(ident) + login)
    except errors.InsufficientPrivilege as exc:
        raise PublishError(
            f"user {database.user} may not create or alter role {role} on {database}: give it CREATEROLE, or have a "
            f"superuser run CREATE ROLE {role} NOLOGIN once (docs/postgres.md). The published schema "
            f"{PUBLISHED_SCHEMA} is unchanged; the build is in {BUILD_SCHEMA}."
        ) from exc


def _role_attributes(con: Connection, role: str) -> dict[str, bool] | None:
    columns = ("rolcanlogin", *_POWERFUL_ATTRIBUTES)
    with con, con.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM pg_roles WHERE rolname = %s", (role,))
        row = cur.fetchone()
    return dict(zip(columns, row, strict=True)) if row else None


def _swap(con: Connection, run_id: str, role: str, lock_timeout_seconds: int) -> str | None:
    """The one transaction that grants the reader on the build and renames it to ``marts``; returns the name the
    replaced marts got (None when there were none)."""
    previous = PREVIOUS_PREFIX + re.sub(r"[^a-z0-9_]", "_", run_id.lower())
    reader = sql.Identifier(role)
    try:
        with _transaction(con, lock_timeout_seconds) as cur:
            cur.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname IN (%s, %s, %s)",
                (PUBLISHED_SCHEMA, BUILD_SCHEMA, OPS_SCHEMA),
            )
            present = {name for (name,) in cur.fetchall()}
            if BUILD_SCHEMA not in present:
                raise PublishError(
                    f"there is no schema {BUILD_SCHEMA} to publish: dbt did not build the marts. The published schema "
                    f"{PUBLISHED_SCHEMA} is unchanged."
                )
            for schema in [BUILD_SCHEMA, *([OPS_SCHEMA] if OPS_SCHEMA in present else [])]:
                ident = sql.Identifier(schema)
                cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(ident, reader))
                cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(ident, reader))
            if OPS_SCHEMA in present:  # ops tables the pipeline creates later in the run are readable too
                cur.execute(
                    sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT SELECT ON TABLES TO {}").format(
                        sql.Identifier(OPS_SCHEMA), reader
                    )
                )
            if PUBLISHED_SCHEMA in present:
                cur.execute(
                    sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                        sql.Identifier(PUBLISHED_SCHEMA), sql.Identifier(previous)
                    )
                )
            cur.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(BUILD_SCHEMA), sql.Identifier(PUBLISHED_SCHEMA)
                )
            )
    except errors.LockNotAvailable as exc:
        raise PublishError(
            f"publishing could not lock schema {PUBLISHED_SCHEMA} or {BUILD_SCHEMA} within {lock_timeout_seconds} s "
            f"(another session holds it): nothing was published, {PUBLISHED_SCHEMA} is unchanged and the build is "
            f"still in {BUILD_SCHEMA}. Run again."
        ) from exc
    return previous if PUBLISHED_SCHEMA in present else None


def _drop_previous(con: Connection, lock_timeout_seconds: int) -> tuple[str, ...]:
    """Drop every replaced marts schema; return those a reader still held past the lock timeout."""
    with con, con.cursor() as cur:
        cur.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            (PREVIOUS_PREFIX.replace("_", r"\_") + "%",),
        )
        schemas = [name for (name,) in cur.fetchall()]
    left_behind = []
    for schema in schemas:
        try:
            with _transaction(con, lock_timeout_seconds) as cur:
                cur.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        except errors.LockNotAvailable:
            left_behind.append(schema)
    return tuple(left_behind)
