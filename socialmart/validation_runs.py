"""Where each run's quality-gate output goes: a folder per run with its results and its own Data Docs site.

    <validation_dir>/runs/<run_id>/gate.json          every check's result (expectations.results.GateResult)
    <validation_dir>/runs/<run_id>/docs/index.html    the run's Great Expectations Data Docs
    <validation_dir>/latest -> runs/<run_id>          the newest run, failed or not (a symlink, swapped atomically)

The newest `[socialmart] validation_runs_kept` run folders are kept; older ones are removed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from socialmart import warehouse

RUNS = "runs"
LATEST = "latest"


def run_folder(validation_dir: Path, run_id: str) -> Path:
    """The run's folder (created when missing)."""
    folder = validation_dir / RUNS / run_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def point_latest(validation_dir: Path, run_id: str) -> Path:
    """Point `<validation_dir>/latest` at the run's folder; return the link."""
    link = validation_dir / LATEST
    warehouse.replace_symlink(link, f"{RUNS}/{run_id}")
    return link


def prune(validation_dir: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest run folders (by when they were last written); return the removed ones.

    The folder `latest` points at is never removed.
    """
    link = validation_dir / LATEST
    latest = link.resolve() if link.is_symlink() else None
    folders = [path for path in (validation_dir / RUNS).glob("*") if path.is_dir()]
    folders.sort(key=lambda path: (path.stat().st_mtime_ns, path.name), reverse=True)
    removed = [path for path in folders[keep:] if path.resolve() != latest]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
