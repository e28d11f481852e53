"""The e2e session fixture: the nightly scenario of e2e_scenario.py, run once for every e2e module."""

from __future__ import annotations

import pytest
from e2e_scenario import NEXT_DATE, RUN_DATE, Scenario, snapshot

from flows.nightly import nightly


@pytest.fixture(scope="session")
def scenario(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    root = tmp_path_factory.mktemp("nightly")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOCIALMART__WAREHOUSE_DIR", str(root / "warehouse"))
        mp.setenv("SOCIALMART__REPORTS_DIR", str(root / "reports"))
        published = root / "warehouse" / "socialmart.duckdb"
        first = nightly(run_date=RUN_DATE, sandbox=True)
        first_snapshot = snapshot(published, root / "after-first.duckdb")
        second = nightly(run_date=NEXT_DATE, sandbox=True)
        second_snapshot = snapshot(published, root / "after-second.duckdb")
    # The settings are restored before the other modules of the session run (the fixture lives for the session).
    return Scenario(root, first, first_snapshot, second, second_snapshot)
