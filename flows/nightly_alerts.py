"""The nightly flow's alerts (docs/alerts.md): a failed run, through Prefect's flow state hooks, and targets turning
at_risk or off_track, compared before and after publishing.

Failures are alerted from the `on_failure` and `on_crashed` hooks rather than from the flow's own `except` blocks:
every way a run can end badly passes through them (a setting refused before the run starts, a source, dbt or gate
failure, a report not built, a timeout, a killed process), where an `except` would have to be repeated at each
step. The flow registers its run summary with `track` so the hook can say which run, date and step failed and where
its results are; a run that failed before registering is alerted with what Prefect knows (its parameters).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from socialmart import notify, target_alerts
from socialmart.config import PostgresConnection, load_settings

if TYPE_CHECKING:
    from flows.nightly import RunSummary


@dataclass
class _TrackedRun:
    summary: RunSummary
    step: Any  # the run's stopwatch: `.last` is the latest stage begun


_RUNS: dict[UUID, _TrackedRun] = {}
_LOCK = threading.Lock()


def track(summary: RunSummary, stopwatch: Any) -> None:
    """Register the running flow run's summary and stopwatch, for the failure alert (outside a flow run, as in
    `nightly.fn()`, there is no hook to read it: nothing is registered)."""
    from prefect.runtime import flow_run

    if flow_run.id is not None:
        with _LOCK:
            _RUNS[UUID(str(flow_run.id))] = _TrackedRun(summary, stopwatch)


def forget(flow: Any, flow_run: Any, state: Any) -> None:
    """`on_completion` hook: the run succeeded, drop what `track` registered."""
    with _LOCK:
        _RUNS.pop(flow_run.id, None)


def alert_failed_run(flow: Any, flow_run: Any, state: Any) -> None:
    """`on_failure` / `on_crashed` hook: send the failed-run alert (nothing when no webhook is configured)."""
    with _LOCK:
        tracked = _RUNS.pop(flow_run.id, None)
    try:
        url = load_settings().alert_webhook_url
    except Exception as exc:  # the settings themselves may be what failed the run
        notify.logger().warning(f"No failure alert: the settings could not be read ({type(exc).__name__}).")
        return
    if not url:
        return
    error = _error_of(state)
    if tracked is None:
        run_date = flow_run.parameters.get("run_date")
        message = notify.failed_run_message(
            flow_run.name, run_date, "start", error, ["the flow run's logs in Prefect (it failed before loading)"]
        )
    else:
        summary = tracked.summary
        step = getattr(_exception_of(state), "step", None) or tracked.step.last or "start"
        message = notify.failed_run_message(summary.run_id, summary.run_date, step, error, _where_to_look(summary))
    notify.send(url, message)


def _exception_of(state: Any) -> BaseException | None:
    try:
        result = state.result(raise_on_failure=False)
    except Exception:
        return None
    return result if isinstance(result, BaseException) else None


def _error_of(state: Any) -> str:
    exception = _exception_of(state)
    if exception is None:
        return state.message or state.name
    from flows.nightly import PipelineError

    return str(exception) if isinstance(exception, PipelineError) else f"{type(exception).__name__}: {exception}"


def _where_to_look(summary: RunSummary) -> list[str]:
    places = []
    if summary.data_docs:
        places.append(f"Data Docs: `{summary.data_docs}`")
    if summary.validation_results:
        places.append(f"Gate results: `{summary.validation_results}`")
    places.append("The run's logs in Prefect, and its row of ops.pipeline_runs in the published warehouse")
    return places


def targets_before_publish(warehouse: Path | PostgresConnection, run_date: date) -> dict | None:
    """The tracked month's target statuses in the published warehouse before this run replaces it; None when they
    cannot be read (no alert is then sent, rather than one for every target at risk)."""
    try:
        return target_alerts.read_statuses(warehouse, target_alerts.tracked_month(run_date))
    except Exception as exc:
        print(f"WARNING: target statuses not read from {warehouse} ({type(exc).__name__}: {exc}); no target alert")
        return None


def alert_targets(summary: RunSummary, warehouse: Path | PostgresConnection, before: dict | None, url: str | None):
    """Read the published targets of the tracked month into the summary (those at risk), and alert the targets that
    turned at_risk or off_track since `before`."""
    try:
        after = target_alerts.read_statuses(warehouse, target_alerts.tracked_month(summary.run_date))
    except Exception as exc:
        print(f"WARNING: target statuses not read from {warehouse} ({type(exc).__name__}: {exc}); no target alert")
        return
    summary.targets_at_risk = [status.describe() for status in target_alerts.at_risk(after)]
    changes = [] if before is None else target_alerts.turned_at_risk(before, after)
    if changes:
        print(f"{len(changes)} target(s) turned at_risk or off_track: " + "; ".join(c.describe() for c in changes))
        reports = [str(path) for path in summary.reports]
        notify.send(url, target_alerts.target_alert_message(summary.run_id, summary.run_date, changes, before, reports))
