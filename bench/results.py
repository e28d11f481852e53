"""The bench's results: the targets of issue 8 checked against the measured runs, written as JSON and markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["check_targets", "markdown", "write_results"]

STAGES = ("load", "dbt", "gate", "publish", "report")
FULL_RUN_SECONDS = 600
PEAK_RSS_MB = 4096
INCREMENTAL_SHARE = 0.10
LOAD_ROWS_PER_SECOND = 300_000
DBT_OVER_BASELINE = 3.0
GATE_SHARE = 0.15
BRAND_RUN_SECONDS = 90


def _target(name: str, measured: float | None, limit: float, unit: str, at_least: bool = False) -> dict[str, Any]:
    passed = None if measured is None else (measured >= limit if at_least else measured <= limit)
    return {
        "target": name,
        "limit": f"{'>=' if at_least else '<='} {limit:,} {unit}".strip(),
        "measured": measured,
        "unit": unit,
        "passed": passed,
    }


def _stage(run: dict[str, Any], stage: str) -> float | None:
    return run.get("stage_seconds", {}).get(stage)


def check_targets(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets that apply to one profile's measurements (full, incremental, loads, baseline)."""
    full, incremental = profile["full"], profile["incremental"]
    wall = full["wall_seconds"]
    if profile["name"] == "brand":
        return [_target("brand full run, Prefect included", wall, BRAND_RUN_SECONDS, "s")]
    targets = [
        _target("agency full run", wall, FULL_RUN_SECONDS, "s"),
        _target("agency full run peak RSS", full["peak_rss_mb"], PEAK_RSS_MB, "MB"),
        _target(
            "incremental run / full run",
            round(incremental["wall_seconds"] / wall, 3) if wall else None,
            INCREMENTAL_SHARE,
            "",
        ),
    ]
    for load in full.get("loads", []):
        targets.append(
            _target(f"load rows/s {load['source']}", load["rows_per_second"], LOAD_ROWS_PER_SECOND, "rows/s", True)
        )
    baseline, dbt = profile.get("baseline_seconds"), _stage(full, "dbt")
    ratio = round(dbt / baseline, 2) if dbt is not None and baseline else None
    targets.append(_target("dbt build / hand-written baseline", ratio, DBT_OVER_BASELINE, "x"))
    gate = _stage(full, "gate")
    targets.append(
        _target("gate / full run", round(gate / wall, 3) if gate is not None and wall else None, GATE_SHARE, "")
    )
    return targets


def _run_row(profile: str, name: str, run: dict[str, Any]) -> str:
    stages = " | ".join(str(_stage(run, stage) if _stage(run, stage) is not None else "-") for stage in STAGES)
    status = "ok" if not run.get("error") else "FAILED"
    return (
        f"| {profile} | {name} | {run['wall_seconds']} | {run['peak_rss_mb']} | {stages} | "
        f"{run['rows_loaded']:,} | {status} |"
    )


def _table_head(columns: tuple[str, ...]) -> list[str]:
    return ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]


def markdown(results: dict[str, Any]) -> str:
    """The results as markdown: runs, each stage's peak RSS, loads, baselines and the targets with pass/fail and the
    measured figure."""
    columns = ("profile", "run", "wall s", "peak RSS MB", *(f"{stage} s" for stage in STAGES), "rows loaded", "status")
    lines = _table_head(columns)
    for profile in results["profiles"]:
        for name in ("full", "incremental"):
            lines.append(_run_row(profile["label"], name, profile[name]))
    lines += ["", *_table_head(("profile", "run", *(f"{stage} peak RSS MB" for stage in STAGES)))]
    for profile in results["profiles"]:
        for name in ("full", "incremental"):
            peaks = profile[name].get("stage_peak_rss_mb") or {}
            cells = " | ".join("-" if peaks.get(stage) is None else str(peaks[stage]) for stage in STAGES)
            lines.append(f"| {profile['label']} | {name} | {cells} |")
    lines += ["", "| profile | run | load (source) | rows | s | rows/s |", "|---|---|---|---|---|---|"]
    for profile in results["profiles"]:
        for name in ("full", "incremental"):
            for load in profile[name].get("loads", []):
                lines.append(
                    f"| {profile['label']} | {name} | {load['source']} | {load['rows']:,} | {load['seconds']} | "
                    f"{load['rows_per_second']:,} |"
                )
    lines += ["", "| profile | target | limit | measured | result |", "|---|---|---|---|---|"]
    for profile in results["profiles"]:
        if profile.get("baseline_seconds") is not None:
            lines.append(
                f"| {profile['label']} | hand-written DuckDB baseline (bench/baseline.sql) | - | "
                f"{profile['baseline_seconds']} s | - |"
            )
        for target in profile["targets"]:
            verdict = {True: "pass", False: "FAIL", None: "not measured"}[target["passed"]]
            measured = "-" if target["measured"] is None else f"{target['measured']:,} {target['unit']}".strip()
            lines.append(f"| {profile['label']} | {target['target']} | {target['limit']} | {measured} | {verdict} |")
    lines += ["", f"Machine: {results['machine']}."]
    return "\n".join(lines) + "\n"


def write_results(results: dict[str, Any], out: Path) -> str:
    """Check each profile's targets, write `results.json` and `results.md` into `out`; return the markdown."""
    for profile in results["profiles"]:
        profile["targets"] = check_targets(profile)
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    text = markdown(results)
    (out / "results.md").write_text(text)
    return text
