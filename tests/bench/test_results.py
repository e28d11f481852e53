"""The bench's results writer (bench/results.py): targets checked against the measured figures, JSON and markdown."""

from __future__ import annotations

import json
from pathlib import Path

from bench.results import write_results


def _run(wall: float, load: float, dbt: float, gate: float, rss: float = 900.0) -> dict:
    return {
        "run_date": "2026-11-10",
        "wall_seconds": wall,
        "peak_rss_mb": rss,
        "rows_loaded": 1_000_000,
        "stage_seconds": {"load": load, "dbt": dbt, "gate": gate, "publish": 0.1, "report": 1.0},
        "stage_peak_rss_mb": {"load": rss - 100, "dbt": rss, "gate": 500.5, "publish": None, "report": 400.0},
        "loads": [{"source": "meta_ads", "tables": {}, "rows": 1_000_000, "seconds": 2.0, "rows_per_second": 500_000}],
        "error": None,
    }


def test_results_check_each_target_and_write_json_and_markdown(tmp_path: Path) -> None:
    results = {
        "machine": "test box",
        "run_date": "2026-11-10",
        "profiles": [
            {"name": "brand", "label": "brand", "full": _run(80, 30, 30, 5), "incremental": _run(30, 10, 15, 2)},
            {
                "name": "agency",
                "label": "agency",
                "baseline_seconds": 10.0,
                "full": _run(700, 200, 40, 150, rss=5000),
                "incremental": _run(60, 10, 30, 10),
            },
        ],
    }
    text = write_results(results, tmp_path)
    stored = json.loads((tmp_path / "results.json").read_text())
    verdicts = {t["target"]: (t["measured"], t["passed"]) for p in stored["profiles"] for t in p["targets"]}
    assert verdicts["brand full run, Prefect included"] == (80, True)
    assert verdicts["agency full run"] == (700, False)
    assert verdicts["agency full run peak RSS"] == (5000, False)
    assert verdicts["incremental run / full run"] == (round(60 / 700, 3), True)
    assert verdicts["load rows/s meta_ads"] == (500_000, True)
    assert verdicts["dbt build / hand-written baseline"] == (4.0, False)
    assert verdicts["gate / full run"] == (round(150 / 700, 3), False)
    assert (tmp_path / "results.md").read_text() == text
    assert "| agency | agency full run | <= 600 s | 700 s | FAIL |" in text
    assert "| brand | full | 80 | 900.0 | 30 | 30 | 5 | 0.1 | 1.0 | 1,000,000 | ok |" in text
    assert "| profile | run | load peak RSS MB | dbt peak RSS MB | gate peak RSS MB | publish peak RSS MB |" in text
    assert "| agency | full | 4900 | 5000 | 500.5 | - | 400.0 |" in text
    assert text.rstrip().endswith("Machine: test box.")
