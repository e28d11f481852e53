"""`make bench`: time a full and an incremental nightly run of the brand profile (the sandbox).

Writes bench/results.json and bench/results.md. The agency-scale profile is tracked in issue 8.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

RUN_DATE = date(2026, 11, 10)
OUT = Path(__file__).resolve().parent


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _timed_run(run_date: date) -> dict:
    from flows.nightly import nightly

    started = time.perf_counter()
    summary = nightly(run_date=run_date, sandbox=True)
    rows = sum(sum(tables.values()) for tables in summary.rows_extracted.values())
    return {
        "run_date": run_date.isoformat(),
        "wall_seconds": round(time.perf_counter() - started, 2),
        "stage_seconds": summary.seconds,
        "rows_extracted": rows,
        "load_rows_per_second": round(rows / summary.seconds["load"]) if summary.seconds.get("load") else None,
    }


def main() -> None:
    """Run the brand profile twice (full, then the next day) and write the results."""
    work = Path(tempfile.mkdtemp(prefix="socialmart-bench-"))
    os.environ["SOCIALMART__WAREHOUSE_DIR"] = str(work / "warehouse")
    os.environ["SOCIALMART__REPORTS_DIR"] = str(work / "reports")
    import socialmart  # noqa: F401

    results = {
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "profile": "brand",
        "full": _timed_run(RUN_DATE),
        "incremental": _timed_run(RUN_DATE + timedelta(days=1)),
        "peak_rss_mb": _peak_rss_mb(),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    lines = ["| run | wall s | load s | dbt s | gate s | publish s | report s | rows | rows/s |", "|---" * 9 + "|"]
    for name in ("full", "incremental"):
        r = results[name]
        s = r["stage_seconds"]
        lines.append(
            f"| {name} | {r['wall_seconds']} | {s.get('load')} | {s.get('dbt')} | {s.get('gate')} | "
            f"{s.get('publish')} | {s.get('report')} | {r['rows_extracted']:,} | {r['load_rows_per_second']} |"
        )
    lines.append(f"\nPeak RSS: {results['peak_rss_mb']} MB. Machine: {results['machine']}.")
    (OUT / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
