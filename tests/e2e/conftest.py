"""The e2e fixtures: the nightly scenario of e2e_scenario.py, run once for every e2e module, and the first run on
each warehouse."""

from __future__ import annotations

from functools import partial

import pytest
from concurrent_reader import ConcurrentReader
from e2e_scenario import NEXT_DATE, RUN_DATE, FirstRun, Scenario, logged_warnings, query, snapshot

from flows.nightly import nightly


@pytest.fixture(scope="session")
def scenario(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("nightly")
    with pytest.MonkeyPatch.context() as mp, logged_warnings("prefect") as prefect_warnings:
        mp.setenv("SOCIALMART__WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("SOCIALMART__REPORTS_DIR", str(root / "reports"))
        published = root / "warehouse" / "socialmart.duckdb"
        first = nightly(run_date=RUN_DATE, sandbox=True)
        first_snapshot = snapshot(published, root / "after-first.duckdb")
        # A BI reader in another process holds the published file open read-only through the whole second run.
        with ConcurrentReader(published, root / "reader") as reader:
            second = nightly(run_date=NEXT_DATE, sandbox=True)
        second_snapshot = snapshot(published, root / "after-second.duckdb")
    # The settings are restored before the other modules of the session run (the fixture lives for the session).
    return Scenario(root, first, first_snapshot, second, second_snapshot, reader.log, prefect_warnings)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def first_run(request: pytest.FixtureRequest) -> FirstRun:
    """The first run for RUN_DATE on DuckDB (the scenario's first snapshot) and on PostgreSQL (the session's
    `postgres_nightly` run): a test taking it checks both warehouses against the same truth."""
    if request.param == "postgres":
        run = request.getfixturevalue("postgres_nightly")
        return FirstRun("postgres", run.query, run.summary)
    scenario: Scenario = request.getfixturevalue("scenario")
    return FirstRun("duckdb", partial(query, scenario.first_snapshot), scenario.first)
