"""A reader in another process holds the published warehouse open read-only for the whole second nightly run
(tests/e2e/conftest.py wraps that run in concurrent_reader.ConcurrentReader): its queries and the run both succeed,
everything it saw is the old or the new published data, never a mix, and a new connection sees the new data."""

from __future__ import annotations

import itertools

import pytest
from concurrent_reader import totals_of
from e2e_scenario import Scenario

pytestmark = pytest.mark.e2e


def test_the_run_published_while_the_reader_held_the_file(scenario: Scenario) -> None:
    assert scenario.second.gate_success is True
    assert scenario.second.published == scenario.published


def test_the_reader_queried_throughout_the_run_without_an_error(scenario: Scenario) -> None:
    log = scenario.reader
    assert log.returncode == 0, log.stderr
    assert log.errors == []
    times = [at for at, _ in log.observations]
    assert times[0] < log.run_started, "the reader had the file open before the run started"
    assert times[-1] >= log.run_finished - 5, "and kept querying until the run had finished"
    assert len(times) >= 20
    assert max(b - a for a, b in itertools.pairwise(times)) < 30


def test_every_result_is_the_old_or_the_new_data_never_a_mix(scenario: Scenario) -> None:
    old, new = totals_of(scenario.first_snapshot), totals_of(scenario.second_snapshot)
    differing = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(differing) >= 3, "the run must change the totals, or the test could not tell old from new"
    seen = [values for _, values in scenario.reader.observations]
    assert seen[0] == old
    assert [values for values in seen if values not in (old, new)] == []


def test_a_new_connection_after_the_run_sees_the_new_data(scenario: Scenario) -> None:
    assert scenario.reader.after_new_connection == totals_of(scenario.second_snapshot)
    assert totals_of(scenario.published) == totals_of(scenario.second_snapshot)
