"""One measured nightly run, in its own process so that its peak RSS is its own: `python -m bench.run_once JSON`.

JSON gives run_date, sandbox, and for a file run exports_dir, inputs_dir and warehouse_file. The settings (warehouse
and reports folders, start date) come from the environment the parent sets. Prints one JSON line prefixed RESULT:
the stage seconds and spans (bench/memory.py), the rows loaded per source and table, and the error when the run
failed.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

PREFIX = "RESULT:"


def main() -> None:
    """Run the nightly flow once as the JSON argument says, and print its result."""
    args = json.loads(sys.argv[1])
    from socialmart import prefect_server
    from socialmart.cli import attach_prefect

    server = prefect_server.start()  # as `socialmart run` does: before the flow's imports
    from flows.nightly import nightly

    result: dict = {"error": None}
    seconds: dict[str, float] = {}
    spans: list[tuple[str, float, float]] = []
    rows: dict[str, dict[str, int]] = {}
    try:
        attach_prefect(server)
        summary = nightly(
            run_date=date.fromisoformat(args["run_date"]),
            sandbox=args.get("sandbox", False),
            sources=tuple(args["sources"]) if args.get("sources") else None,
            exports_dir=Path(args["exports_dir"]) if args.get("exports_dir") else None,
            warehouse_file=Path(args["warehouse_file"]) if args.get("warehouse_file") else None,
            inputs_dir=Path(args["inputs_dir"]) if args.get("inputs_dir") else None,
        )
        seconds, spans, rows = summary.seconds, summary.stage_spans, summary.rows_extracted
    except Exception as exc:  # the bench records a failed run and goes on
        result["error"] = f"{type(exc).__name__}: {str(exc)[:2000]}"
    result.update(stage_seconds=seconds, stage_spans=spans, rows=rows)
    print(PREFIX + json.dumps(result))


if __name__ == "__main__":
    main()
