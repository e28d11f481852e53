"""A BI reader in a process of its own, held open across a nightly run.

Run as a script (`python concurrent_reader.py WAREHOUSE FOLDER`), it opens the published warehouse read-only, then,
on that same connection, queries a few mart totals again and again until FOLDER/stop appears; it then opens a new
connection and queries once more, and writes everything it saw to FOLDER/observations.json. ConcurrentReader starts
and stops it around a block of the test process (the e2e `scenario` fixture wraps the second nightly run in it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

# Each total is its own statement, so a mix of two warehouses would show as a tuple equal to neither.
TOTAL_QUERIES = (
    "select sum(spend) from marts.fct_ad_performance_daily",
    "select count(*), sum(revenue) from marts.fct_orders_attributed",
    "select sum(attributed_revenue), sum(sessions) from marts.fct_channel_daily",
    "select count(*) from marts.fct_posts",
    "select count(*) from ops.pipeline_runs",
)
POLL_SECONDS = 0.25
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 60


def totals(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The mart totals of TOTAL_QUERIES, as text (exact decimals), in one list."""
    return [str(value) for sql in TOTAL_QUERIES for value in con.execute(sql).fetchone()]


def totals_of(warehouse: Path) -> list[str]:
    """The totals of a warehouse file, read on a connection of its own."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return totals(con)


@dataclass
class ReaderLog:
    """What the reader saw: (unix time, totals) per query round on its held connection, the query errors, the
    totals on a new connection after the run, and when the run ran (unix times)."""

    observations: list[tuple[float, list[str]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    after_new_connection: list[str] | None = None
    run_started: float = 0.0
    run_finished: float = 0.0
    returncode: int | None = None
    stderr: str = ""


class ConcurrentReader:
    """Start the reader process on `warehouse` on entry (returning once it has its connection and a first
    observation); on exit, stop it and fill `log`."""

    def __init__(self, warehouse: Path, folder: Path) -> None:
        self.warehouse, self.folder = warehouse, folder
        self.log = ReaderLog()
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ConcurrentReader:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [sys.executable, __file__, str(self.warehouse), str(self.folder)], stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not (self.folder / "ready").exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self._process.kill()
                raise RuntimeError(f"the concurrent reader did not start: {self._process.communicate()[1]}")
            time.sleep(0.05)
        self.log.run_started = time.time()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.log.run_finished = time.time()
        (self.folder / "stop").touch()
        assert self._process is not None
        try:
            _, self.log.stderr = self._process.communicate(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            _, self.log.stderr = self._process.communicate()
        self.log.returncode = self._process.returncode
        output = self.folder / "observations.json"
        if output.exists():
            seen = json.loads(output.read_text())
            self.log.observations = [(at, values) for at, values in seen["observations"]]
            self.log.errors = seen["errors"]
            self.log.after_new_connection = seen["after_new_connection"]


def _read_until_stopped(warehouse: str, folder: Path) -> None:
    observations, errors = [], []
    con = duckdb.connect(warehouse, read_only=True)
    observations.append((time.time(), totals(con)))
    (folder / "ready").touch()
    while not (folder / "stop").exists():
        time.sleep(POLL_SECONDS)
        try:
            observations.append((time.time(), totals(con)))
        except duckdb.Error as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    con.close()
    seen = {"observations": observations, "errors": errors, "after_new_connection": totals_of(Path(warehouse))}
    (folder / "observations.json").write_text(json.dumps(seen))


if __name__ == "__main__":
    _read_until_stopped(sys.argv[1], Path(sys.argv[2]))
