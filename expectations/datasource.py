"""Connect Great Expectations to the warehouse, and release it afterwards.

The gate reads the warehouse through a GX SQL datasource: its SQLAlchemy engine runs each asset's query (once, see
``expectations.runner``) and GX validates the returned rows. A DuckDB file is opened read-only through duckdb-engine,
a Postgres warehouse through psycopg2 in read-only sessions.

An earlier version let GX run the asset queries itself, which needed a custom DuckDB datasource type: GX's SQL
engine fetches a query's rows after closing its connection, which on DuckDB drops the pending result (GX issues
#10738 and #11579). Fetching inside the connection block here avoids that, so the stock datasource serves both.

On Postgres the password stays out of everything GX keeps or shows: the connection string GX stores names it as
the config variable ``${SOCIALMART_GATE_POSTGRES_PASSWORD}``, which GX substitutes only when it creates the engine,
from the context's runtime environment (:func:`config_variables`), never from the process environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import sqlalchemy as sa
from great_expectations.datasource.fluent import SQLDatasource

if TYPE_CHECKING:
    from great_expectations.data_context import AbstractDataContext

    from socialmart.config import PostgresConnection
    from socialmart.warehouse import BuildTarget

POSTGRES_PASSWORD_VARIABLE = "SOCIALMART_GATE_POSTGRES_PASSWORD"
# Sessions in UTC (as dbt's, see BuildTarget.dbt_env) and read-only: the gate only reads.
POSTGRES_OPTIONS = "-c TimeZone=UTC -c default_transaction_read_only=on"


def duckdb_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a DuckDB file."""
    return sa.engine.URL.create("duckdb", database=str(Path(path).resolve())).render_as_string()


def add_duckdb_datasource(context: AbstractDataContext, name: str, path: Path, read_only: bool = True) -> SQLDatasource:
    """Add a datasource for a DuckDB file to the context (read-only by default)."""
    return context.data_sources.add_sql(
        name=name, connection_string=duckdb_url(path), kwargs={"connect_args": {"read_only": read_only}}
    )


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
    """Close every connection the datasource's engine holds (releases the DuckDB file)."""
    datasource.get_engine().dispose()
