"""Connect Great Expectations to the warehouse, and release it afterwards.

Why DuckDB needs its own datasource type (GX issues #10738 and #11579): ``SqlAlchemyExecutionEngine.execute_query``
runs a query inside ``with self.get_connection() as connection`` and returns the *unfetched* result; the caller
fetches after the block. For dialects outside ``_PERSISTED_CONNECTION_DIALECTS`` (sqlite, mssql, bigquery,
databricks) that block closes the SQLAlchemy connection, which rolls back the DBAPI connection. duckdb-engine's
cursor is the DuckDB connection itself, and DuckDB drops the pending result set on that rollback, so every metric
query comes back empty and ``resolve_metric_bundle`` fails on ``res[0]`` with ``list index out of range``.
Pool settings cannot help (the rollback is the connection's own, not the pool's reset). A psycopg2 cursor has
already buffered its rows, which is why the same GX path works on Postgres.

The fix here keeps GX's own SQL path and only changes the connection lifetime: :class:`DuckDBDatasource` is a
regular fluent ``SQLDatasource`` (the documented way to add a datasource type is to subclass it with a new
``type``) whose execution engine keeps one connection open for the whole validation, the same treatment GX gives
sqlite. Everything else (query assets, metrics, SQL pushdown, Data Docs) is stock GX, and a Postgres warehouse
uses the stock ``add_postgres`` datasource.

On Postgres the password stays out of everything GX keeps or shows: the connection string GX stores names it as
the config variable ``${SOCIALMART_GATE_POSTGRES_PASSWORD}``, which GX substitutes only when it creates the engine,
from the context's runtime environment (:func:`config_variables`), never from the process environment.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote

import sqlalchemy as sa
from great_expectations.datasource.fluent import SQLDatasource
from great_expectations.execution_engine import SqlAlchemyExecutionEngine

if TYPE_CHECKING:
    from great_expectations.data_context import AbstractDataContext

    from socialmart.config import PostgresConnection
    from socialmart.warehouse import BuildTarget

DUCKDB_DATASOURCE_TYPE = "socialmart_duckdb"
POSTGRES_PASSWORD_VARIABLE = "SOCIALMART_GATE_POSTGRES_PASSWORD"
# Sessions in UTC (as dbt's, see BuildTarget.dbt_env) and read-only: the gate only reads.
POSTGRES_OPTIONS = "-c TimeZone=UTC -c default_transaction_read_only=on"


class PersistentConnectionExecutionEngine(SqlAlchemyExecutionEngine):
    """A SQLAlchemy execution engine that runs every query on one connection, kept until :meth:`close`.

    A database error aborts the connection's transaction (DuckDB then refuses every later statement), so after
    any error, raised at execute or at fetch time, the next use of the connection starts with a rollback.
    """

    _persistent_connection: sa.Connection | None = None
    _needs_rollback: bool = False

    @contextmanager
    def get_connection(self) -> Generator[sa.Connection, None, None]:
        """Yield the engine's single connection, opening it on first use and never closing it here."""
        if self._persistent_connection is None or self._persistent_connection.closed:
            if not sa.event.contains(self.engine, "handle_error", self._on_database_error):
                sa.event.listen(self.engine, "handle_error", self._on_database_error)
            self._persistent_connection = self.engine.connect()
            self._needs_rollback = False
        if self._needs_rollback:
            self._persistent_connection.rollback()
            self._needs_rollback = False
        yield self._persistent_connection

    def _on_database_error(self, context: sa.engine.ExceptionContext) -> None:
        self._needs_rollback = True

    def close(self) -> None:
        """Close the persistent connection and dispose of the engine's pool (releases the database file)."""
        if self._persistent_connection is not None:
            self._persistent_connection.close()
            self._persistent_connection = None
        self.engine.dispose()


class DuckDBDatasource(SQLDatasource):
    """A fluent SQL datasource for DuckDB files through duckdb-engine that GX can validate (see module doc)."""

    type: Literal["socialmart_duckdb"] = "socialmart_duckdb"

    @property
    def execution_engine_type(self) -> type[SqlAlchemyExecutionEngine]:
        """Use the persistent-connection engine instead of the stock one."""
        return PersistentConnectionExecutionEngine


def duckdb_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a DuckDB file."""
    return sa.engine.URL.create("duckdb", database=str(Path(path).resolve())).render_as_string()


def add_duckdb_datasource(context: AbstractDataContext, name: str, path: Path, read_only: bool = True) -> SQLDatasource:
    """Add a datasource for a DuckDB file to the context (read-only by default)."""
    factory = getattr(context.data_sources, f"add_{DUCKDB_DATASOURCE_TYPE}")
    return factory(name=name, connection_string=duckdb_url(path), kwargs={"connect_args": {"read_only": read_only}})


def postgres_url(database: PostgresConnection) -> str:
    """The SQLAlchemy URL of a Postgres database with the password as a GX config variable, not its value."""
    return (
        f"postgresql+psycopg2://{quote(database.user, safe='')}:${{{POSTGRES_PASSWORD_VARIABLE}}}"
        f"@{database.host}:{database.port}/{quote(database.dbname, safe='')}"
    )


def config_variables(target: BuildTarget) -> dict[str, str]:
    """The secret config variables the target's connection string refers to (give them to the GX context)."""
    if target.postgres is None:
        return {}
    return {POSTGRES_PASSWORD_VARIABLE: quote(target.postgres.password, safe="")}


def add_warehouse_datasource(context: AbstractDataContext, name: str, target: BuildTarget) -> SQLDatasource:
    """Add a read-only datasource for the build target: the DuckDB build file, or the Postgres database (whose
    password the context must have from :func:`config_variables`)."""
    if target.postgres is None:
        return add_duckdb_datasource(context, name, target.duckdb_file, read_only=True)
    connect_args = {"options": POSTGRES_OPTIONS, "connect_timeout": 10, "application_name": "socialmart gate"}
    return context.data_sources.add_postgres(
        name=name, connection_string=postgres_url(target.postgres), kwargs={"connect_args": connect_args}
    )


def list_tables(datasource: SQLDatasource) -> tuple[set[str], set[str]]:
    """Return the warehouse's schemas and its qualified ``schema.table`` names (tables and views)."""
    query = sa.text("SELECT table_schema, table_name FROM information_schema.tables")
    schema_query = sa.text("SELECT schema_name FROM information_schema.schemata")
    with datasource.get_engine().connect() as connection:
        tables = {f"{schema}.{table}" for schema, table in connection.execute(query).fetchall()}
        schemas = {row[0] for row in connection.execute(schema_query).fetchall()}
    return schemas, tables


def close_datasource(datasource: SQLDatasource) -> None:
    """Close every connection GX holds for the datasource: its execution engine's and its own engine's."""
    try:
        datasource.get_execution_engine().close()
    finally:
        datasource.get_engine().dispose()
