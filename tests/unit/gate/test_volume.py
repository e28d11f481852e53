"""Volume (warning): each source's newest day of rows against the median day of the 28 days before it."""

from __future__ import annotations

from dataclasses import replace

from expectations import GateParams, run_gate
from expectations.params import DEFAULT_SOURCES

VOLUME = "volume.raw"


def _ga4(days: int, newest_day_rows: int, lag_days: int = 1) -> tuple[str, ...]:
    """A GA4 traffic table: 10 rows a day for ``days`` days before the newest day, which has ``newest_day_rows``.

    The newest day is ``lag_days`` before the run date (2025-03-06).
    """
    return (
        "CREATE SCHEMA raw_ga4",
        "CREATE TABLE raw_ga4.traffic_daily AS "
        f"SELECT DATE '2025-03-06' - CAST({lag_days} + d AS INTEGER) AS \"date\", s AS session_source "
        f"FROM range(0, {days + 1}) days(d), range({max(10, newest_day_rows)}) sources(s) "
        f"WHERE (d > 0 AND s < 10) OR (d = 0 AND s < {newest_day_rows})",
    )


def test_a_drop_on_the_newest_day_warns_naming_the_source(warehouse, params: GateParams) -> None:
    with_ga4 = replace(params, sources=(*DEFAULT_SOURCES, "ga4"))
    result = run_gate(warehouse(*_ga4(days=28, newest_day_rows=4)), with_ga4)

    assert result.success, result.summary()
    assert result.failed == {VOLUME}
    volume = result.check(VOLUME)
    assert volume.severity == "warning"
    assert volume.observed_value == {"ga4": "4 rows on 2025-03-05, median 10 of the 28 day(s) before (ratio 0.4000)"}
    assert volume.message == (
        "newest day outside 0.5-2 x the median day: ga4: 4 rows on 2025-03-05, median 10 of the 28 day(s) before "
        "(ratio 0.4000)"
    )
    [sample] = volume.samples
    assert sample["source"] == "ga4"
    assert sample["table_name"] == "raw_ga4.traffic_daily"
    assert (sample["newest_rows"], sample["median_rows"], sample["history_days"]) == (4, 10.0, 28)
    assert str(sample["newest_day"]) == "2025-03-05"
    assert str(sample["ratio"]) == "0.4000"


def test_the_band_and_window_come_from_the_parameters(warehouse, params: GateParams) -> None:
    path = warehouse(*_ga4(days=40, newest_day_rows=25))
    with_ga4 = replace(params, sources=(*DEFAULT_SOURCES, "ga4"))

    assert run_gate(path, with_ga4).check(VOLUME).observed_value == {
        "ga4": "25 rows on 2025-03-05, median 10 of the 28 day(s) before (ratio 2.5000)"
    }
    assert run_gate(path, replace(with_ga4, volume_max_ratio=3.0)).check(VOLUME).success
    assert run_gate(path, replace(with_ga4, volume_window_days=35)).check(VOLUME).observed_value == {
        "ga4": "25 rows on 2025-03-05, median 10 of the 35 day(s) before (ratio 2.5000)"
    }


def test_a_late_source_is_judged_on_the_newest_day_it_delivered(warehouse, params: GateParams) -> None:
    """Lateness is freshness's business: a complete day two days back is no drop to zero."""
    with_ga4 = replace(params, sources=(*DEFAULT_SOURCES, "ga4"))
    result = run_gate(warehouse(*_ga4(days=28, newest_day_rows=10, lag_days=2)), with_ga4)

    assert result.success, result.summary()
    assert result.check(VOLUME).success


def test_a_source_with_less_than_a_week_of_history_is_not_judged(warehouse, params: GateParams) -> None:
    with_ga4 = replace(params, sources=(*DEFAULT_SOURCES, "ga4"))

    young = run_gate(warehouse(*_ga4(days=6, newest_day_rows=1)), with_ga4)
    assert young.check(VOLUME).success, young.summary()
    week = run_gate(warehouse(*_ga4(days=7, newest_day_rows=1)), with_ga4)
    assert week.check(VOLUME).observed_value == {
        "ga4": "1 rows on 2025-03-05, median 10 of the 7 day(s) before (ratio 0.1000)"
    }


def test_only_the_runs_sources_are_judged(warehouse, params: GateParams) -> None:
    path = warehouse(*_ga4(days=28, newest_day_rows=1))

    assert run_gate(path, params).check(VOLUME).success  # ga4 is not part of this run
