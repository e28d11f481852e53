"""Fixtures for the connector tests: sandbox servers, dlt pipelines into DuckDB files, source arguments."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import shutil
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from sources.common import SourceAuthError, SourceContractError, find_source_error

AS_OF = dt.date(2025, 3, 1)
NEXT_AS_OF = AS_OF + dt.timedelta(days=1)
START_DATE = "2025-01-01"
LOOKBACK_DAYS = 28
# Raw JSON kept as the platform served it (no model reads it): its text follows what was served.
SERVED_JSON = {"facebook_pages": {"posts": {"reactions_by_type"}}}
# The salt the customer-data connectors (Shopify, Stripe) hash customer ids with in these tests.
PII_SALT = "connector-tests-salt-0123456789"

_TEST_ENV = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "RUNTIME__LOG_LEVEL": "WARNING",
    # Keep retry waits short: exponential backoff from 0.05 s; Retry-After (1 s at most in tests) is honoured.
    "RUNTIME__REQUEST_BACKOFF_FACTOR": "0.05",
    "RUNTIME__REQUEST_MAX_RETRY_DELAY": "5",
    "RUNTIME__REQUEST_MAX_ATTEMPTS": "5",
}


@pytest.fixture(scope="session", autouse=True)
def _dlt_test_env() -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in _TEST_ENV}
    os.environ.update(_TEST_ENV)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """The sandbox at AS_OF, no faults."""
    with SandboxServer(AS_OF) as server:
        yield server


@pytest.fixture(scope="session")
def sandbox_next() -> Iterator[SandboxServer]:
    """The sandbox one day later (restated days, grown post metrics, new orders and refunds)."""
    with SandboxServer(NEXT_AS_OF) as server:
        yield server


@pytest.fixture
def faulty_sandbox() -> Iterator[Callable[[Faults], SandboxServer]]:
    """Start sandboxes at AS_OF with the given faults; all are stopped after the test."""
    servers: list[SandboxServer] = []

    def start(faults: Faults) -> SandboxServer:
        server = SandboxServer(AS_OF, faults=faults).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def end_date_for(server: SandboxServer) -> str:
    """The flow's end_date for a run on the server's as_of."""
    return (server.as_of - dt.timedelta(days=1)).isoformat()


def graph_url(server: SandboxServer) -> str:
    return f"{server.url}/graph/{credentials.GRAPH_API_VERSION}"


def source_kwargs(name: str, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of a source pointed at `server`, as the flow passes them."""
    common = {"start_date": START_DATE, "end_date": end_date_for(server)}
    if name == "meta_ads":
        kwargs = {
            "account_ids": list(credentials.META_AD_ACCOUNT_IDS),
            "access_token": credentials.META_ACCESS_TOKEN,
            "base_url": graph_url(server),
            "lookback_days": LOOKBACK_DAYS,
        }
    elif name == "instagram":
        kwargs = {
            "account_ids": [credentials.INSTAGRAM_USER_ID],
            "access_token": credentials.META_ACCESS_TOKEN,
            "base_url": graph_url(server),
            "lookback_days": LOOKBACK_DAYS,
        }
    elif name == "facebook_pages":
        kwargs = {
            "page_ids": [credentials.FACEBOOK_PAGE_ID],
            "access_token": credentials.META_ACCESS_TOKEN,
            "base_url": graph_url(server),
            "lookback_days": LOOKBACK_DAYS,
        }
    elif name == "shopify":
        shops = list(credentials.SHOP_HANDLES)
        kwargs = {
            "shops": shops,
            "access_tokens": {shop: credentials.shopify_token(shop) for shop in shops},
            "shop_url_template": f"{server.url}/shopify/{{shop}}",
            "api_version": credentials.SHOPIFY_API_VERSION,
            "pii_salt": PII_SALT,
        }
    else:
        raise KeyError(name)
    return {**common, **kwargs, **overrides}


def catalog_source(name: str, server: SandboxServer) -> Any:
    """The catalog's source `name` pointed at `server`, with the arguments a nightly run gives it."""
    factory = next(spec for spec in SOURCES if spec.name == name)._factory()
    kwargs = dict(credentials.source_settings(server.url)[name])
    run = {"start_date": START_DATE, "end_date": end_date_for(server), "pii_salt": PII_SALT}
    kwargs |= {key: value for key, value in run.items() if key in inspect.signature(factory).parameters}
    return factory(**kwargs)


def load_source(
    name: str, server: SandboxServer, folder: Path, skip: Mapping[str, set[str]] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Load the catalog's source `name` from `server` into a new warehouse in `folder`: its raw tables as sorted
    rows, without dlt's columns and the columns of `skip` ({table: columns})."""
    db = folder / "warehouse.duckdb"
    new_pipeline(db, f"raw_{name}", folder / "pipelines").run(catalog_source(name, server))
    kept = {}
    for table, (columns, rows) in raw_tables(db, f"raw_{name}").items():
        keep = [n for n, column in enumerate(columns) if column not in (skip or {}).get(table, set())]
        kept[table] = sorted((tuple(row[n] for n in keep) for row in rows), key=repr)
    return kept


def failed_load(name: str, server: SandboxServer, folder: Path) -> BaseException:
    """Load the catalog's source `name` from `server` into a new warehouse in `folder`, expecting the run to fail
    with nothing loaded; returns the connector's error (see find_source_error), or dlt's when there is none."""
    db = folder / "warehouse.duckdb"
    with pytest.raises(PipelineStepFailed) as raised:
        new_pipeline(db, f"raw_{name}", folder / "pipelines").run(catalog_source(name, server))
    loaded = [] if not db.exists() else [
        table for table, (_, rows) in raw_tables(db, f"raw_{name}").items() if rows
    ]  # fmt: skip
    assert not loaded, f"the failed run loaded {loaded}"
    return find_source_error(raised.value) or raised.value


def new_pipeline(db: Path, dataset: str, pipelines_dir: Path) -> dlt.Pipeline:
    """A dlt pipeline into the DuckDB file `db`; a fresh `pipelines_dir` restores state from the file."""
    return dlt.pipeline(
        pipeline_name=f"test_{dataset}",
        destination=dlt.destinations.duckdb(str(db)),
        dataset_name=dataset,
        pipelines_dir=str(pipelines_dir),
    )


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on the DuckDB file."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).fetchall()


def count_requests(server: SandboxServer, fragment: str) -> int:
    """How many requests the server received whose path contains `fragment`."""
    return sum(1 for _, target in server.requests if fragment in target.split("?")[0])


def copy_db(src: Path, dst_dir: Path) -> Path:
    """Copy a warehouse file (as the flow copies the published file into a build file)."""
    dst_dir.mkdir(parents=True, exist_ok=True)
    dst = dst_dir / src.name
    shutil.copy(src, dst)
    return dst


def next_run_pipeline(first_db: Path, dataset: str, tmp_path: Path) -> tuple[Path, dlt.Pipeline]:
    """A copy of the first run's warehouse in `tmp_path` and a pipeline into it with a fresh pipelines_dir."""
    db = copy_db(first_db, tmp_path)
    return db, new_pipeline(db, dataset, tmp_path / "pipelines")


def auth_failure(tmp_path: Path, dataset: str, source: Callable[..., Any], kwargs: dict[str, Any], secret: str) -> str:
    """Runs `source(**kwargs)` into a new warehouse in `tmp_path`, expecting a SourceAuthError.

    Asserts the secret appears nowhere in the traceback; returns the error's message.
    """
    pipeline = new_pipeline(tmp_path / "w.duckdb", dataset, tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(source(**kwargs))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceAuthError)
    assert secret not in "".join(traceback.format_exception(raised.value))
    return str(error)


def raw_tables(db: Path, dataset: str) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every data table of `dataset` as (column names, sorted rows), leaving out dlt's own tables and columns."""
    columns: dict[str, list[str]] = {}
    for table, column in query(
        db,
        f"select table_name, column_name from information_schema.columns where table_schema = '{dataset}' "
        "and table_name not like '\\_dlt%' escape '\\' and column_name not like '\\_dlt%' escape '\\' "
        "order by table_name, ordinal_position",
    ):
        columns.setdefault(table, []).append(column)
    return {
        table: (names, sorted(query(db, f'select {", ".join(names)} from {dataset}."{table}"'), key=repr))
        for table, names in columns.items()
    }


def load_with_faults(
    start: Callable[[Faults], SandboxServer],
    faults: Faults,
    tmp_path: Path,
    dataset: str,
    source: Callable[[SandboxServer], Any],
) -> tuple[SandboxServer, Path]:
    """A first run of `source(server)` on a sandbox with `faults` into a new warehouse; returns server and file."""
    server = start(faults)
    db = tmp_path / "faulty.duckdb"
    new_pipeline(db, dataset, tmp_path / "pipelines").run(source(server))
    return server, db


def assert_loads_the_same(db: Path, clean_db: Path, dataset: str) -> None:
    """Every raw table of `db` equals the clean run's exactly: same columns, same rows, nothing twice, no extras."""
    loaded, clean = raw_tables(db, dataset), raw_tables(clean_db, dataset)
    assert loaded.keys() == clean.keys()
    for table, (names, rows) in loaded.items():
        assert names == clean[table][0], f"{dataset}.{table} columns differ"
        assert len(rows) == len(clean[table][1]), f"{dataset}.{table} has {len(rows)} rows, not {len(clean[table][1])}"
        assert rows == clean[table][1], f"{dataset}.{table} values differ"


@pytest.fixture
def fault_run(
    faulty_sandbox: Callable[[Faults], SandboxServer], tmp_path: Path
) -> Callable[[Faults, str, Callable[[SandboxServer], Any]], tuple[SandboxServer, Path]]:
    """load_with_faults bound to this test's sandboxes and tmp_path: fault_run(faults, dataset, source)."""
    return lambda faults, dataset, source: load_with_faults(faulty_sandbox, faults, tmp_path, dataset, source)


def contract_runs(
    first_db: Path, tmp_path: Path, dataset: str, source: Callable[[], Any], retyped: tuple[str, str], evolving: str
) -> tuple[SourceContractError, Path]:
    """Two next runs on copies of `first_db` that prove a source's schema contract.

    In the first, column `retyped` = (resource, column) arrives as text: the run must fail with a
    SourceContractError and load nothing. In the second, resource `evolving` carries a new column `new_field`
    ('x' in every row): it must load. Returns the error and the evolved warehouse.
    """
    resource, column = retyped
    db, pipeline = next_run_pipeline(first_db, dataset, tmp_path / "retyped")
    broken = source()
    broken.resources[resource].add_map(
        lambda t: t.set_column(t.schema.get_field_index(column), column, pc.cast(t[column], pa.string()))
    )
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(broken)
    error = find_source_error(raised.value)
    assert isinstance(error, SourceContractError), raised.value
    assert raw_tables(db, dataset) == raw_tables(first_db, dataset)  # nothing of the failed run was loaded
    db, pipeline = next_run_pipeline(first_db, dataset, tmp_path / "evolved")
    grown = source()
    grown.resources[evolving].add_map(lambda t: t.append_column("new_field", pa.array(["x"] * t.num_rows)))
    pipeline.run(grown)
    return error, db


@pytest.fixture(scope="session")
def helpers() -> Any:
    """The module-level helpers above, for tests (conftest is not importable with importlib mode)."""

    class _Helpers:
        AS_OF = AS_OF
        NEXT_AS_OF = NEXT_AS_OF
        START_DATE = START_DATE
        LOOKBACK_DAYS = LOOKBACK_DAYS
        PII_SALT = PII_SALT
        SERVED_JSON = SERVED_JSON
        META_TOKEN = credentials.META_ACCESS_TOKEN
        source_kwargs = staticmethod(source_kwargs)
        catalog_source = staticmethod(catalog_source)
        load_source = staticmethod(load_source)
        failed_load = staticmethod(failed_load)
        new_pipeline = staticmethod(new_pipeline)
        query = staticmethod(query)
        count_requests = staticmethod(count_requests)
        copy_db = staticmethod(copy_db)
        end_date_for = staticmethod(end_date_for)
        next_run_pipeline = staticmethod(next_run_pipeline)
        auth_failure = staticmethod(auth_failure)
        raw_tables = staticmethod(raw_tables)
        assert_loads_the_same = staticmethod(assert_loads_the_same)
        contract_runs = staticmethod(contract_runs)

    return _Helpers()
