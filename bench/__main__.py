"""`make bench`: measure the brand and agency profiles; writes bench/results.json and bench/results.md (issue 8).

    python -m bench [--profile brand|agency|both] [--scale 1.0] [--work DIR]

For each profile: a full run, then the next day's incremental run (the next day plus the look-back window), each in
its own subprocess (bench/run_once.py) so that wall time and peak RSS are per run; the stage times come from the
run's summary and the rows/s of each load from the rows loaded and that load's seconds. The brand profile is the
sandbox (the API connectors over HTTP). The agency profile is generated first (bench/agency.py, not timed) and loaded
through the raw Parquet file path; after its full run, the hand-written DuckDB script bench/baseline.sql computes
the campaign, channel and segment aggregates straight from the raw tables of the published warehouse, timed.
The default runs both profiles, the agency one at full scale (about 10.6 million ad rows: many minutes of both
cores); `--scale 0.05` measures the same shapes smaller.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import agency, memory, profile
from bench.results import write_results
from bench.run_once import PREFIX

RUN_DATE = date(2026, 11, 10)
OUT = Path(__file__).resolve().parent
ROOT = OUT.parent


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GB RAM, "
        f"Python {platform.python_version()}, load average at start {os.getloadavg()[0]:.1f}"
    )


def measured_run(args: dict[str, Any], env: dict[str, str], py_spy: Path | None = None) -> dict[str, Any]:
    """Run bench/run_once.py in a subprocess; return its result with the wall time, its own peak RSS and each stage's
    (bench/memory.py).

    With `py_spy` (a raw output file) py-spy samples the run: the peak RSS is then py-spy's, not the run's, and the
    stages' are not measured."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.run_once", json.dumps(args)]
    process = subprocess.Popen(
        [*profile.py_spy_command(py_spy), *command] if py_spy else command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
    )
    sampler = None if py_spy else memory.RssSampler(process.pid).start()
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage (ru_maxrss in KB)
    samples = sampler.stop() if sampler else []
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = round(time.perf_counter() - started, 2)
    line = next((ln for ln in reversed(output.splitlines()) if ln.startswith(PREFIX)), None)
    result = json.loads(line[len(PREFIX) :]) if line else {"error": f"exit {process.returncode}", "rows": {}}
    rows = result.pop("rows", {})
    seconds = result.get("stage_seconds", {})
    spans = result.pop("stage_spans", [])
    loads = [
        {
            "source": source,
            "tables": tables,
            "rows": sum(tables.values()),
            "seconds": seconds[f"load:{source}"],
            "rows_per_second": round(sum(tables.values()) / seconds[f"load:{source}"]),
        }
        for source, tables in rows.items()
        if seconds.get(f"load:{source}")
    ]
    return {
        **result,
        "run_date": args["run_date"],
        "wall_seconds": wall,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "stage_peak_rss_mb": memory.stage_peaks_mb(samples, spans) if sampler else {},
        "rows_loaded": sum(sum(tables.values()) for tables in rows.values()),
        "loads": loads,
    }


def _raw_profile(profiles: Path | None, name: str) -> Path | None:
    return profiles / f"{name}.raw" if profiles else None


def _keep_run_results(profiles: Path | None, name: str) -> None:
    """Keep the run's dbt run_results.json next to its py-spy samples (the next run overwrites dbt's own)."""
    from socialmart.dbt import target_dir

    run_results = target_dir(ROOT / "dbt_project") / "run_results.json"
    if profiles and run_results.exists():
        shutil.copyfile(run_results, profiles / f"{name}.run_results.json")


def brand(work: Path, profiles: Path | None = None) -> dict[str, Any]:
    """The sandbox brand: full run, then the next day (sampled by py-spy into `profiles` when given)."""
    env = {"SOCIALMART__WAREHOUSE_DIR": str(work / "warehouse"), "SOCIALMART__REPORTS_DIR": str(work / "reports")}
    runs = {}
    for name, run_date in (("full", RUN_DATE), ("incremental", RUN_DATE + timedelta(days=1))):
        args = {"run_date": run_date.isoformat(), "sandbox": True}
        runs[name] = measured_run(args, env, _raw_profile(profiles, f"brand-{name}"))
        _keep_run_results(profiles, f"brand-{name}")
        print(f"brand {name}: {runs[name]['wall_seconds']} s, error: {runs[name].get('error')}", flush=True)
    return {"name": "brand", "label": "brand", **runs}


def baseline_seconds(warehouse_file: Path) -> float:
    """Time bench/baseline.sql over the raw tables of a copy of the published warehouse (in this process)."""
    import duckdb

    copy = warehouse_file.with_name("baseline.duckdb")
    shutil.copyfile(warehouse_file, copy)
    sql = (OUT / "baseline.sql").read_text()
    with duckdb.connect(str(copy)) as con:
        started = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - started
    copy.unlink()
    return round(seconds, 2)


def agency_profile(work: Path, scale: float, profiles: Path | None = None) -> dict[str, Any]:
    """Generate the agency files (full history, then the next day with its look-back), run both, time the baseline
    (runs sampled by py-spy into `profiles` when given)."""
    full_dir, next_dir = work / "agency-full", work / "agency-next"
    next_date = RUN_DATE + timedelta(days=1)
    started = time.perf_counter()
    generated = agency.generate(full_dir, RUN_DATE, scale)
    agency.generate(next_dir, next_date, scale, since=next_date - timedelta(days=28))
    print(f"agency files generated in {time.perf_counter() - started:.0f} s (not timed)", flush=True)
    warehouse_file = work / "agency-warehouse" / "socialmart.duckdb"
    env = {
        # a week before the first generated day: dim_date and the FX spine also cover days a time zone moves back
        "SOCIALMART__START_DATE": (agency.history_start(RUN_DATE) - timedelta(days=7)).isoformat(),
        "SOCIALMART__REPORTS_DIR": str(work / "agency-reports"),
    }
    common = {"sources": ["exports"], "warehouse_file": str(warehouse_file), "inputs_dir": str(full_dir / "inputs")}
    runs = {}
    for name, folder, run_date in (("full", full_dir, RUN_DATE), ("incremental", next_dir, next_date)):
        args = {**common, "run_date": run_date.isoformat(), "exports_dir": str(folder / "exports")}
        runs[name] = measured_run(args, env, _raw_profile(profiles, f"agency-{name}"))
        _keep_run_results(profiles, f"agency-{name}")
        print(f"agency {name}: {runs[name]['wall_seconds']} s, error: {runs[name].get('error')}", flush=True)
        if name == "full":
            baseline = baseline_seconds(warehouse_file) if warehouse_file.exists() else None
    return {
        "name": "agency",
        "label": f"agency x{scale:g}" if scale != 1 else "agency",
        "scale": scale,
        "rows_generated": generated,
        "baseline_seconds": baseline,
        **runs,
    }


def _write_profiles(results: dict[str, Any], profiles: Path) -> Path:
    """bench/profile.md: each run's stage seconds and py-spy summary (results.json keeps the unprofiled figures)."""
    parts = [f"# Where the time goes (py-spy)\n\nMachine: {results['machine']}.\n"]
    for measured in results["profiles"]:
        for name in ("full", "incremental"):
            run = measured[name]
            stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in run.get("stage_seconds", {}).items())
            label = f"{measured['label']} {name}: {run['wall_seconds']} s"
            raw = profiles / f"{measured['name']}-{name}.raw"
            parts.append(profile.summarise(raw, label).replace("\n\n", f"\n\nStages: {stages}.\n\n", 1))
            parts.append(profile.slowest_dbt_nodes(profiles / f"{measured['name']}-{name}.run_results.json"))
    out = OUT / "profile.md"
    out.write_text("\n".join(parts))
    return out


def main() -> None:
    """Run the chosen profiles and write the results (or, with --py-spy, the profiles)."""
    parser = argparse.ArgumentParser(description="Measure socialmart (issue 8).")
    parser.add_argument("--profile", choices=("brand", "agency", "both"), default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="agency profile scale (default 1: the full size)")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a new temporary one)")
    parser.add_argument(
        "--py-spy",
        action="store_true",
        help="sample every run with py-spy and write bench/profile.md instead of the results (py-spy slows the "
        "runs a little and its own memory replaces the peak RSS)",
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="socialmart-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    profiles = work / "py-spy" if args.py_spy else None
    if profiles:
        profiles.mkdir(exist_ok=True)
    results: dict[str, Any] = {"machine": _machine(), "run_date": RUN_DATE.isoformat(), "profiles": []}
    if args.profile in ("brand", "both"):
        results["profiles"].append(brand(work / "brand", profiles))
    if args.profile in ("agency", "both"):
        results["profiles"].append(agency_profile(work / "agency", args.scale, profiles))
    print(_write_profiles(results, profiles) if profiles else write_results(results, OUT))


if __name__ == "__main__":
    main()
