"""What `socialmart sources` shows: each source, whether it is configured, and when it last loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from socialmart.catalog import SOURCES, use_sandbox
from socialmart.config import Settings


@dataclass(frozen=True)
class SourceStatus:
    """One row of the sources listing."""

    name: str
    dataset: str
    configured: bool
    enabled: bool
    last_loaded_at: datetime | None
    loads: int


def _last_loads(warehouse: Path) -> dict[str, tuple[datetime | None, int]]:
    """Newest successful dlt load and the number of loads per raw dataset in the published warehouse."""
    if not warehouse.exists():
        return {}
    result: dict[str, tuple[datetime | None, int]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = {
            row[0]
            for row in con.execute(
                "select table_schema from information_schema.tables where table_name = '_dlt_loads'"
            ).fetchall()
        }
        for schema in schemas:
            newest, count = con.execute(
                f'select max(inserted_at), count(*) from "{schema}"._dlt_loads where status = 0'
            ).fetchone()
            result[schema] = (newest.astimezone(UTC) if newest else None, count)
    return result


def source_statuses(settings: Settings) -> list[SourceStatus]:
    """Every platform source with its configuration and load history in the published warehouse."""
    sandbox = use_sandbox(settings)
    loads = _last_loads(settings.published_path)
    statuses = []
    for spec in SOURCES:
        configured = spec.is_configured()
        newest, count = loads.get(spec.dataset, (None, 0))
        statuses.append(SourceStatus(spec.name, spec.dataset, configured, sandbox or configured, newest, count))
    return statuses
