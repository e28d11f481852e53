"""A PostgreSQL server for the tests, and a throwaway database per use.

The server is, in order: the one of SOCIALMART_TEST_POSTGRES_DSN (a superuser or a role that may create databases);
else a server on 127.0.0.1:5432 that lets user postgres in without a password; else a throwaway cluster started from
the installed binaries (initdb and pg_ctl) in a temporary folder on a free port. When none works, PostgresUnavailable
says why, and the fixtures skip with that reason (or fail, when SOCIALMART_REQUIRE_POSTGRES is set, as in CI).
"""

from __future__ import annotations

import glob
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql as pg_sql

from socialmart.config import ConfigError, PostgresConnection, parse_postgres_dsn

DSN_ENV = "SOCIALMART_TEST_POSTGRES_DSN"
REQUIRE_ENV = "SOCIALMART_REQUIRE_POSTGRES"
LOCAL_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
BINARY_GLOB = "/usr/lib/postgresql/*/bin"
CONNECT_TIMEOUT_SECONDS = 3
# The login password the Postgres nightly run gives the read-only role socialmart_reader: the BI tests log in with
# it, and the tests check that it shows up in no log.
READER_PASSWORD = "reader-never-logged-5b2e"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started; the message says what was tried and what failed."""


def connection_error(connection: PostgresConnection) -> str | None:
    """None when `connection` accepts a login within a few seconds, else the reason it did not."""
    try:
        with closing(psycopg2.connect(connection.dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS)):
            return None
    except psycopg2.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@dataclass(frozen=True)
class PostgresServer:
    """A reachable server: `admin` may create and drop databases; `origin` says where the server came from."""

    admin: PostgresConnection
    origin: str

    @contextmanager
    def database(self, purpose: str) -> Iterator[PostgresConnection]:
        """A new, uniquely named database for one use (several test sessions share a server), dropped afterwards."""
        name = f"socialmart_test_{purpose}_{os.getpid()}_{uuid.uuid4().hex[:8]}"[:63]
        self._execute(f'create database "{name}"')
        try:
            yield replace(self.admin, dbname=name)
        finally:
            self._execute(f'drop database if exists "{name}" with (force)')

    def _execute(self, statement: str) -> None:
        with closing(psycopg2.connect(self.admin.dsn, connect_timeout=CONNECT_TIMEOUT_SECONDS)) as con:
            con.autocommit = True  # create/drop database cannot run in a transaction
            with con.cursor() as cur:
                cur.execute(statement)


def binary_dir() -> Path | None:
    """The newest installed PostgreSQL bin folder holding initdb and pg_ctl, or the one on PATH; None if neither."""
    candidates = sorted(glob.glob(BINARY_GLOB), key=lambda path: int(Path(path).parent.name), reverse=True)
    on_path = shutil.which("initdb")
    candidates += [str(Path(on_path).parent)] if on_path else []
    for candidate in candidates:
        folder = Path(candidate)
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cluster_user() -> str | None:
    """initdb refuses to run as root: as root, run the cluster as user postgres (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError as exc:
        raise PostgresUnavailable("initdb cannot run as root and there is no `postgres` user to run it as") from exc


@contextmanager
def throwaway_cluster() -> Iterator[PostgresServer]:
    """Start a new cluster (trust authentication, 127.0.0.1, a free port) in a temporary folder; remove it after."""
    binaries = binary_dir()
    if binaries is None:
        raise PostgresUnavailable(f"no initdb and pg_ctl under {BINARY_GLOB} or on PATH to start a throwaway cluster")
    user = _cluster_user()
    root = Path(tempfile.mkdtemp(prefix="socialmart-pg-"))
    data, log = root / "data", root / "server.log"
    if user:
        shutil.chown(root, user=user)
    port = _free_port()

    def run(*args: str) -> None:
        done = subprocess.run(args, user=user, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            details = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise PostgresUnavailable(f"{Path(args[0]).name} failed: {' / '.join(details)} (log {log})")

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off"
        run(str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
    except (PostgresUnavailable, subprocess.TimeoutExpired):
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        admin = replace(parse_postgres_dsn(LOCAL_DSN), port=port)
        yield PostgresServer(admin, f"a throwaway cluster of {binaries} in {root}, port {port}")
    finally:
        subprocess.run(
            [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            user=user,
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def postgres_server(local_dsn: str = LOCAL_DSN) -> Iterator[PostgresServer]:
    """The tests' server: SOCIALMART_TEST_POSTGRES_DSN, else `local_dsn`, else a throwaway cluster.

    A DSN set in the environment that does not connect is an error (PostgresUnavailable naming the variable), not a
    reason to fall back: whoever set it wants that server.
    """
    configured = os.environ.get(DSN_ENV, "").strip()
    if configured:
        try:
            admin = parse_postgres_dsn(configured)
        except ConfigError as exc:
            raise PostgresUnavailable(f"{DSN_ENV} is not a PostgreSQL URL: {exc}") from exc
        error = connection_error(admin)
        if error:
            raise PostgresUnavailable(f"{DSN_ENV} ({admin}) does not connect: {error}")
        yield PostgresServer(admin, DSN_ENV)
        return
    local = parse_postgres_dsn(local_dsn)
    local_error = connection_error(local)
    if local_error is None:
        yield PostgresServer(local, str(local))
        return
    stack = ExitStack()
    try:
        server = stack.enter_context(throwaway_cluster())
    except PostgresUnavailable as exc:
        raise PostgresUnavailable(
            f"{DSN_ENV} is not set; {local} does not connect ({local_error}); and {exc}. "
            f"Install PostgreSQL (e.g. apt-get install postgresql) or set {DSN_ENV}."
        ) from exc
    with stack:
        yield server


def query(database: PostgresConnection, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one query on `database` (numeric columns come back as Decimal)."""
    with closing(psycopg2.connect(database.dsn)) as con, con.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


# DuckDB column types PostgreSQL spells differently (the others, such as DECIMAL(18,2) or TIMESTAMP WITH TIME ZONE,
# are the same in both).
_PG_TYPES = {"DOUBLE": "DOUBLE PRECISION", "FLOAT": "REAL", "HUGEINT": "NUMERIC", "UBIGINT": "NUMERIC"}


def copy_duckdb_tables(path: Path, database: PostgresConnection, schemas: Mapping[str, str]) -> None:
    """Copy the tables of each schema `schemas` names in the DuckDB file `path` into `database`, in the schema it
    maps to, with the same columns and types; views are copied as tables of their rows. For small test warehouses
    (rows are inserted one by one)."""
    import duckdb

    duck = duckdb.connect(str(path), read_only=True)
    with closing(duck), closing(psycopg2.connect(database.dsn)) as con, con, con.cursor() as cur:
        for schema, target_schema in schemas.items():
            cur.execute(pg_sql.SQL("create schema if not exists {}").format(pg_sql.Identifier(target_schema)))
            tables = duck.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type in ('BASE TABLE', 'VIEW') order by table_name",
                [schema],
            ).fetchall()
            for (table,) in tables:
                columns = duck.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = ? and table_name = ? order by ordinal_position",
                    [schema, table],
                ).fetchall()
                target = pg_sql.Identifier(target_schema, table)
                definitions = pg_sql.SQL(", ").join(
                    pg_sql.SQL("{} {}").format(pg_sql.Identifier(name), pg_sql.SQL(_PG_TYPES.get(kind, kind)))
                    for name, kind in columns
                )
                cur.execute(pg_sql.SQL("create table {} ({})").format(target, definitions))
                rows = duck.execute(f'select * from "{schema}"."{table}"').fetchall()
                placeholders = pg_sql.SQL(", ").join(pg_sql.Placeholder() * len(columns))
                cur.executemany(pg_sql.SQL("insert into {} values ({})").format(target, placeholders), rows)


@dataclass
class PostgresRun:
    """A nightly run on PostgreSQL: its summary, its database, and every log line it wrote."""

    summary: Any  # flows.nightly.RunSummary
    database: PostgresConnection
    log: str

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of one query on the run's database."""
        return query(self.database, sql)


class LogLines(logging.Handler):
    """Keeps the message of every record that reaches the root logger (Prefect run logs and printed lines too)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
