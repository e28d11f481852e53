"""Decide which days the incremental dbt models rebuild, from what actually changed in the raw tables.

The incremental ad models (int_ad_performance_unioned, fct_ad_performance_daily, fct_ad_demographics_daily) delete
and insert again their rows of days from `rebuild_from` on
(dbt_project/macros/rebuild_window.sql). A fixed look-back would miss a source whose look-back exceeds it, a new
account's whole history, a source recovering after failed nights or an export file of old days. So the window comes
from fingerprints of the raw tables upstream of those models (found in dbt's manifest):

- a raw table that carries days declares its day expression in its sources yml (`config: meta: {rebuild_day: <sql>}`)
  and is fingerprinted per day: the sum of DuckDB `hash` over every row's non-`_dlt_` columns, with the row count
  and the column names. A new, changed or vanished row changes its day's fingerprint;
- a raw table without one is a dimension (ad accounts: time zone, currency) and is fingerprinted whole;
- a raw table marked `rebuild_by_row` (orders, refunds, charges, promo codes, segment rules) is not fingerprinted:
  the incremental order models downstream of it compare each order's own input fingerprint with the one they stored
  (dbt_project/macros/order_rebuild.sql). An order of any age can change, so a window of days would not serve.

The fingerprints are kept in the build file (`dbt_rebuild.fingerprints`), written only after dbt succeeded
(`record`), and dropped before dbt runs (`decide`), so a build that fails or is discarded never leaves state that
does not describe its models. `rebuild_from` is the earliest changed day minus one day of margin (a raw day and the
model's account-timezone date_day may differ by a day). Every model row of a day depends only on raw rows of that
day or earlier (FX rates are carried forward, never back), so rebuilding every day from there is exact. For the
same reason their day-keyed data tests, and those of the views upstream of them, check only the days from
`rebuild_from` on (macro rebuild_window_where): the days before passed them in the build that recorded the state.

A full refresh instead, whenever in doubt: no stored state, an incremental model missing, a dimension changed, rows
without a day changed, the dbt project, its vars or the dbt/DuckDB versions changed (their fingerprint), an earlier
run date than the stored one, or fingerprints that cannot be computed. PostgreSQL always gets a full refresh: its
marts are rebuilt in a fresh build schema anyway.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

# Not in `ops`, the run history BI reads (tests/e2e/test_bi_duckdb.py): an internal schema of the build file.
STATE_SCHEMA = "dbt_rebuild"
STATE_TABLE = "fingerprints"  # one row per raw table and day (day null: a dimension's whole table)
PROJECT_TABLE = "build"  # one row: the project fingerprint and run date the fingerprints belong to
ENV_VAR = "SOCIALMART_REBUILD_FROM"  # read by dbt_project/macros/rebuild_window.sql
MARGIN = timedelta(days=1)
NOTHING = date(9999, 12, 31)  # rebuild_from when nothing changed: the models insert no row
PROJECT_PARTS = ("models", "macros", "seeds", "tests", "dbt_project.yml")
VERSIONED = ("dbt-core", "dbt-duckdb", "duckdb")
Fingerprints = dict[tuple[str, date | None], str]  # (raw table, day or None) -> fingerprint
FORMAT = "1"  # bump when the fingerprints' definition changes: the next run then does a full refresh


@dataclass(frozen=True)
class RawTable:
    """A raw table upstream of an incremental model: its source name, relation and day expression (None: a
    dimension)."""

    name: str  # source.table, e.g. meta_ads.ad_insights
    schema: str
    identifier: str
    day_sql: str | None


@dataclass
class RebuildDecision:
    """What the dbt build does with the incremental models, why, and the state to record once it succeeded."""

    full_refresh: bool
    reason: str
    rebuild_from: date | None = None  # None with a full refresh; NOTHING when nothing changed
    fingerprints: Fingerprints | None = None  # None: no state is recorded after the build
    project: str = ""
    run_date: date | None = None
    incremental_models: list[str] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        """The environment of the dbt build: SOCIALMART_REBUILD_FROM (empty, every day, on a full refresh)."""
        return {ENV_VAR: "" if self.full_refresh or self.rebuild_from is None else self.rebuild_from.isoformat()}

    def describe(self) -> str:
        """One line for the log and the run summary."""
        if self.full_refresh:
            return f"full refresh: {self.reason}"
        if self.rebuild_from == NOTHING:
            return f"dbt: nothing to rebuild in the incremental models ({self.reason})"
        return f"dbt: rebuilding days from {self.rebuild_from} ({self.reason})"


def incremental_models(manifest: Any) -> list[Any]:
    """The manifest's model nodes materialized incremental."""
    return [
        node
        for node in manifest.nodes.values()
        if node.resource_type == "model" and node.config.materialized == "incremental"
    ]


def source_meta(source: Any) -> dict[str, Any]:
    """A source table's meta (`config: meta:` in its sources yml)."""
    return {**(source.meta or {}), **(getattr(source.config, "meta", None) or {})}


def upstream(manifest: Any, unique_ids: Iterable[str]) -> set[str]:
    """Every node and source the given nodes depend on, transitively (not the nodes themselves)."""
    seen: set[str] = set()
    pending = list(unique_ids)
    while pending:
        node = manifest.nodes.get(pending.pop())
        for parent in getattr(getattr(node, "depends_on", None), "nodes", []):  # a seed depends on macros only
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return seen


def upstream_raw_tables(manifest: Any, models: Iterable[Any]) -> list[RawTable]:
    """Every source the models depend on, transitively, with its `rebuild_day` meta; not those marked
    `rebuild_by_row`, whose incremental models find their own changed rows (macros/order_rebuild.sql)."""
    seen = upstream(manifest, [model.unique_id for model in models])
    tables = []
    for unique_id in sorted(seen):
        source = manifest.sources.get(unique_id)
        if source is None:
            continue
        meta = source_meta(source)
        if meta.get("rebuild_by_row"):
            continue
        tables.append(
            RawTable(f"{source.source_name}.{source.name}", source.schema, source.identifier, meta.get("rebuild_day"))
        )
    return tables


def project_fingerprint(project_dir: Path, dbt_vars: Mapping[str, Any]) -> str:
    """A hash of the dbt project's models, macros, seeds, data tests and dbt_project.yml, its vars and the dbt and
    DuckDB versions: whatever could change the models' rows, or what their tests accept, for the same raw data."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for part in PROJECT_PARTS:
        path = project_dir / part
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(f"{file.relative_to(project_dir)}\n".encode())
            digest.update(file.read_bytes())
    digest.update(json.dumps(dict(dbt_vars), sort_keys=True, default=str).encode())
    for package in VERSIONED:
        digest.update(f"{package} {metadata.version(package)}\n".encode())
    return digest.hexdigest()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def table_fingerprints(con: duckdb.DuckDBPyConnection, tables: Iterable[RawTable]) -> Fingerprints:
    """(table, day) -> fingerprint of the rows of that day; (table, None) -> a dimension's, or a day table's rows
    whose day is null. A missing table has no days (a dimension: the fingerprint `absent`)."""
    result: Fingerprints = {}
    for table in tables:
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "order by ordinal_position",
                [table.schema, table.identifier],
            ).fetchall()
            if not name.startswith("_dlt_")
        ]
        if not columns:
            if table.day_sql is None:
                result[(table.name, None)] = "absent"
            continue
        header = hashlib.sha256(",".join(columns).encode()).hexdigest()[:16]
        row_hash = f"hash({', '.join(_quote(c) for c in columns)})"
        relation = f"{_quote(table.schema)}.{_quote(table.identifier)}"
        day = table.day_sql or "cast(null as date)"
        rows = con.execute(
            f"select {day} as rebuild_day, cast(sum({row_hash}) as varchar), count(*) from {relation} group by all"
        ).fetchall()
        for rebuild_day, total, count in rows:
            result[(table.name, rebuild_day)] = f"{header}:{total}:{count}"
        if table.day_sql is None and not rows:
            result[(table.name, None)] = f"{header}:empty"
    return result


def _stored(con: duckdb.DuckDBPyConnection) -> tuple[str, date, Fingerprints] | None:
    """The recorded project fingerprint, run date and fingerprints, or None when there are none."""
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [STATE_SCHEMA]
        ).fetchall()
    }
    if not {STATE_TABLE, PROJECT_TABLE} <= present:
        return None
    project_rows = con.execute(f"select project, run_date from {STATE_SCHEMA}.{PROJECT_TABLE}").fetchall()
    if len(project_rows) != 1:
        return None
    rows = con.execute(f"select table_name, day, fingerprint from {STATE_SCHEMA}.{STATE_TABLE}").fetchall()
    return project_rows[0][0], project_rows[0][1], {(name, day): value for name, day, value in rows}


def _drop_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {STATE_SCHEMA}.{STATE_TABLE}")
    con.execute(f"drop table if exists {STATE_SCHEMA}.{PROJECT_TABLE}")


def _missing_models(con: duckdb.DuckDBPyConnection, models: Iterable[Any]) -> list[str]:
    tables = {
        (schema, name)
        for schema, name in con.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE'"
        ).fetchall()
    }
    return [model.name for model in models if (model.schema, model.alias or model.name) not in tables]


def _compare(tables: list[RawTable], old: Fingerprints, new: Fingerprints) -> tuple[str | None, date | None, list[str]]:
    """(reason for a full refresh or None, the earliest changed day or None, the tables with changed days)."""
    earliest: date | None = None
    changed: dict[str, date] = {}
    for table in tables:
        keys = {key for key in (*old, *new) if key[0] == table.name}
        for key in keys:
            if old.get(key) == new.get(key):
                continue
            if key[1] is None:
                what = "dimension" if table.day_sql is None else "rows without a day in"
                return f"{what} {table.name} changed", None, []
            changed[table.name] = min(changed.get(table.name, key[1]), key[1])
            earliest = key[1] if earliest is None else min(earliest, key[1])
    names = [f"{name} from {day}" for name, day in sorted(changed.items(), key=lambda item: (item[1], item[0]))]
    return None, earliest, names


def decide(
    build_file: Path, manifest: Any, project_dir: Path, dbt_vars: Mapping[str, Any], run_date: date
) -> RebuildDecision:
    """Full refresh or the first day to rebuild, for a dbt build of `build_file` on `run_date`.

    Drops the recorded state from the build file: `record` writes it again once dbt succeeded."""
    models = incremental_models(manifest)
    tables = upstream_raw_tables(manifest, models)
    project = project_fingerprint(project_dir, dbt_vars)
    names = [model.name for model in models]
    with duckdb.connect(str(build_file)) as con:
        stored = _stored(con)
        _drop_state(con)
        try:
            fingerprints = table_fingerprints(con, tables)
        except duckdb.Error as error:
            reason = f"the raw tables could not be fingerprinted ({type(error).__name__}: {error})"
            return RebuildDecision(True, reason, run_date=run_date, incremental_models=names)
        missing = _missing_models(con, models)

    def full(reason: str) -> RebuildDecision:
        return RebuildDecision(True, reason, None, fingerprints, project, run_date, names)

    if stored is None:
        return full("no rebuild state recorded in the build file (first build, or its last build failed)")
    if missing:
        return full(f"incremental model(s) missing: {', '.join(missing)}")
    old_project, old_run_date, old = stored
    if old_project != project:
        return full("the dbt project, its vars or the dbt/DuckDB versions changed")
    if run_date < old_run_date:
        return full(f"run date {run_date} is before the last build's {old_run_date}")
    reason, earliest, changed = _compare(tables, old, fingerprints)
    if reason:
        return full(reason)
    if earliest is None:
        return RebuildDecision(False, "no raw day changed", NOTHING, fingerprints, project, run_date, names)
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return RebuildDecision(False, f"{shown} changed", earliest - MARGIN, fingerprints, project, run_date, names)


def record(build_file: Path, decision: RebuildDecision) -> None:
    """Write the decision's fingerprints as the build file's rebuild state (after dbt succeeded)."""
    if decision.fingerprints is None or decision.run_date is None:
        return
    rows = [(name, day, value) for (name, day), value in decision.fingerprints.items()]
    with duckdb.connect(str(build_file)) as con:
        con.execute("begin")
        con.execute(f"create schema if not exists {STATE_SCHEMA}")
        _drop_state(con)
        con.execute(f"create table {STATE_SCHEMA}.{STATE_TABLE} (table_name varchar, day date, fingerprint varchar)")
        con.execute(f"create table {STATE_SCHEMA}.{PROJECT_TABLE} (project varchar, run_date date, decision varchar)")
        if rows:
            names, days, values = (list(column) for column in zip(*rows, strict=True))
            state = pa.table({"table_name": names, "day": pa.array(days, pa.date32()), "fingerprint": values})
            con.register("rebuild_state_rows", state)
            con.execute(f"insert into {STATE_SCHEMA}.{STATE_TABLE} select * from rebuild_state_rows")
        con.execute(
            f"insert into {STATE_SCHEMA}.{PROJECT_TABLE} values (?, ?, ?)",
            [decision.project, decision.run_date, decision.describe()],
        )
        con.execute("commit")
