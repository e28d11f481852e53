"""What `socialmart sources` shows: each source, whether it is configured, and when it last loaded."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from socialmart.catalog import SOURCES, use_sandbox
from socialmart.config import Settings


class WarehouseUnreachableError(RuntimeError):
    """The PostgreSQL warehouse does not answer; the message names it (without the password) and the setting."""


@dataclass(frozen=True)
class SourceStatus:
    """One row of the sources listing."""

    name: str
    dataset: str
    configured: bool
    enabled: bool
    last_loaded_at: datetime | None
    loads: int


LOAD_SCHEMAS_SQL = "select table_schema from information_schema.tables where table_name = '_dlt_loads'"


def _summarise_loads(query: Callable[[str], list[tuple]]) -> dict[str, tuple[datetime | None, int]]:
    """Newest successful dlt load and the number of loads per raw dataset, read with `query`."""
    result: dict[str, tuple[datetime | None, int]] = {}
    for (schema,) in query(LOAD_SCHEMAS_SQL):
        [(newest, count)] = query(f'select max(inserted_at), count(*) from "{schema}"._dlt_loads where status = 0')
        result[schema] = (newest.astimezone(UTC) if newest else None, count)
    return result


def _last_loads(settings: Settings) -> dict[str, tuple[datetime | None, int]]:
    """The load history of the published DuckDB warehouse, or of the PostgreSQL database when that is the warehouse."""
    if settings.on_postgres:
        import psycopg2

        try:
            with closing(psycopg2.connect(settings.postgres.dsn, connect_timeout=10)) as con, con.cursor() as cur:

                def query(sql: str) -> list[tuple]:
                    cur.execute(sql)
                    return cur.fetchall()

                return _summarise_loads(query)
        except psycopg2.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise WarehouseUnreachableError(
                f"cannot read the load history from {settings.postgres}: {reason}. Check [socialmart] postgres_dsn."
            ) from exc
    if not settings.published_path.exists():
        return {}
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        return _summarise_loads(lambda sql: con.execute(sql).fetchall())


def source_statuses(settings: Settings) -> list[SourceStatus]:
    """Every platform source with its configuration and load history in the published warehouse."""
    sandbox = use_sandbox(settings)
    loads = _last_loads(settings)
    statuses = []
    for spec in SOURCES:
        configured = spec.is_configured()
        newest, count = loads.get(spec.dataset, (None, 0))
        statuses.append(SourceStatus(spec.name, spec.dataset, configured, sandbox or configured, newest, count))
    return statuses
