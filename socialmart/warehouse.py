"""Where a run builds (a DuckDB build file or the PostgreSQL database), build-then-swap publishing of the DuckDB
warehouse, and the lock that keeps runs from overlapping."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from socialmart.config import PostgresConnection
from socialmart.postgres_publish import BUILD_SCHEMA, PUBLISHED_SCHEMA

# The open connection of each DuckDB build inside BuildTarget.loading (one run at a time holds the run lock).
_LOADING: dict[Path, duckdb.DuckDBPyConnection] = {}


class RunLockedError(RuntimeError):
    """Another run holds the warehouse lock."""


@dataclass(frozen=True)
class BuildTarget:
    """The database one run loads into and builds in: exactly one of a DuckDB build file or a PostgreSQL database.

    On PostgreSQL dlt loads the `raw_<source>` schemas and dbt builds staging and intermediate in place, and the
    marts and reports in the build schema that publishing swaps in (socialmart/postgres_publish.py).
    """

    duckdb_file: Path | None = None
    postgres: PostgresConnection | None = None

    def __post_init__(self) -> None:
        if (self.duckdb_file is None) == (self.postgres is None):
            raise ValueError("a build target is either a DuckDB file or a PostgreSQL connection")

    @property
    def dbt_target(self) -> str:
        """The output of dbt_project/profiles.yml that builds here."""
        return "postgres" if self.postgres else "duckdb"

    @property
    def marts_schema(self) -> str:
        """The schema dbt builds the marts and reports into: `marts__build` on PostgreSQL, `marts` of the build file."""
        return BUILD_SCHEMA if self.postgres else PUBLISHED_SCHEMA

    def dlt_destination(self) -> Any:
        """The dlt destination that loads the raw datasets here."""
        import dlt

        if self.postgres:
            from dlt.destinations.impl.postgres.configuration import PostgresCredentials

            # Fields set one by one: dlt requires a password, and trust or peer authentication has none ("").
            credentials = PostgresCredentials()
            credentials.host, credentials.port = self.postgres.host, self.postgres.port
            credentials.username, credentials.password = self.postgres.user, self.postgres.password
            credentials.database = self.postgres.dbname
            return dlt.destinations.postgres(credentials=credentials)
        from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

        # Raw tables have no meaningful row order; keeping it costs about a quarter of the insert time of a large
        # Parquet load (issue 8). Every model orders explicitly where order matters. The memory limit keeps a load
        # from taking DuckDB's default 80% of RAM (as dbt's profile does).
        credentials = DuckDbCredentials(
            _LOADING.get(self.duckdb_file, str(self.duckdb_file)),
            local_config={"preserve_insertion_order": False},
            global_config={"memory_limit": "2GB"},
        )
        return dlt.destinations.duckdb(credentials=credentials)

    @contextmanager
    def loading(self) -> Iterator[None]:
        """Within the block, every dlt pipeline loading into this DuckDB build shares one open connection.

        Without it each dlt step opens the build file and checkpoints it on close: about three opens per source,
        each reading the catalog of a warehouse with three years of history (8 s of a 20 s incremental load at
        agency scale, issue 8). The connection is checkpointed and closed when the block ends, before dbt opens
        the file. No-op on PostgreSQL.
        """
        if self.duckdb_file is None:
            yield
            return
        connection = duckdb.connect(str(self.duckdb_file))
        _LOADING[self.duckdb_file] = connection
        try:
            yield
        finally:
            del _LOADING[self.duckdb_file]
            connection.close()

    def dbt_env(self) -> dict[str, str]:
        """The environment variables dbt_project/profiles.yml reads for this target (the password under dbt's
        DBT_ENV_SECRET_ prefix, which dbt scrubs from its logs). PGTZ pins dbt's sessions to UTC, whatever the
        server's default time zone, so a cast between text, timestamp and date never depends on the server.
        socialmart/dbt.py sets them only for the length of the dbt invocation."""
        if self.postgres:
            return {
                "SOCIALMART_MARTS_SCHEMA": self.marts_schema,
                "PGTZ": "UTC",
                "SOCIALMART_PG_HOST": self.postgres.host,
                "SOCIALMART_PG_PORT": str(self.postgres.port),
                "SOCIALMART_PG_USER": self.postgres.user,
                "SOCIALMART_PG_DBNAME": self.postgres.dbname,
                "DBT_ENV_SECRET_SOCIALMART_PG_PASSWORD": self.postgres.password,
            }
        return {"SOCIALMART_MARTS_SCHEMA": self.marts_schema, "SOCIALMART_DUCKDB_PATH": str(self.duckdb_file)}

    def __str__(self) -> str:
        return str(self.postgres) if self.postgres else str(self.duckdb_file)


@contextmanager
def run_lock(warehouse_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the warehouse folder for the length of a run."""
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse_dir / ".run.lock"
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunLockedError(
                f"another socialmart run is using {warehouse_dir} (lock {lock_path}); wait for it to finish"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_build(published: Path, build_dir: Path) -> Path:
    """Return a new build file for this run, starting as a copy of the published warehouse when there is one.

    The build file has the published file's name (in a folder of its own), because DuckDB views record the
    database name, which comes from the file name: a differently named build would publish broken views. Its path
    is the same for every run (the run lock allows one at a time), so dbt sees the same profile and can reuse its
    parsed project. Leftover builds from crashed runs are removed first: they were never published.
    """
    if build_dir.exists():
        shutil.rmtree(build_dir)
    run_dir = build_dir / "next"
    run_dir.mkdir(parents=True)
    build = run_dir / published.name
    if published.exists():
        shutil.copyfile(published, build)
    return build


def discard(build: Path) -> None:
    """Delete a build that must not be published (with its write-ahead log and folder)."""
    for path in (build, build.with_name(build.name + ".wal")):
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        build.parent.rmdir()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(build: Path, published: Path) -> None:
    """Atomically replace the published warehouse with the build.

    The build is checkpointed and closed first, so it is one self-contained file. Readers that already have the old
    file open keep reading it; anyone opening the path afterwards gets the new one, never a mix.
    """
    with duckdb.connect(str(build)) as con:
        con.execute("CHECKPOINT")
    _fsync(build)
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(build, published)
    _fsync(published.parent)


def replace_symlink(link: Path, target: str) -> None:
    """Point the symlink `link` at `target` (a name relative to its folder) in one atomic rename.

    A reader resolving `link` gets either the old target or the new one, never a missing path.
    """
    if link.exists() and not link.is_symlink():
        raise FileExistsError(f"{link} is a real file or folder, not the symlink socialmart publishes: move it away")
    staged = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    staged.unlink(missing_ok=True)
    os.symlink(target, staged)
    try:
        os.replace(staged, link)
    except OSError:
        staged.unlink(missing_ok=True)
        raise
    _fsync(link.parent)
