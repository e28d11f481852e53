"""The run summary artifact's markdown: rows loaded per source, dbt counts, the gate with one line per failed check,
targets at risk and the output paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flows.nightly import RunSummary


def test_markdown_has_each_part_of_the_run() -> None:
    summary = RunSummary(
        run_id="20261110-1",
        run_date=date(2026, 11, 10),
        sandbox=False,
        rows_extracted={"meta_ads": {"ad_insights": 1200, "campaigns": 30}, "shopify": {"orders": 5}},
        source_errors={"shopify": "SourceError: shop northwind: HTTP 401\nmore detail"},
        dbt={
            "models": 88,
            "tests_passed": 410,
            "tests_warned": 2,
            "rebuild": "dbt: rebuilding days from 2026-11-09 (meta_ads.ad_insights from 2026-11-10 changed)",
        },
        gate_success=False,
        gate_summary=(
            "Data-quality gate FAILED for run date 2026-11-10: 40/42 checks passed, 1 error(s), 1 warning(s).\n"
            "Errors:\n  spend_not_negative: marts.fct_ad_performance_daily.spend has 3 negative rows\n"
            "Warnings:\n  volume_meta_ads: 0.4x the usual rows\nData Docs: /w/docs/index.html"
        ),
        data_docs=Path("/w/docs/index.html"),
        validation_results=Path("/w/gate.json"),
    )
    text = summary.markdown()
    assert "| meta_ads | ad_insights | 1,200 |" in text and "| **meta_ads** | **total** | **1,230** |" in text
    assert "| shopify | FAILED | SourceError: shop northwind: HTTP 401 |" in text
    assert (
        "88 models built, 410 tests passed, 2 warned. Incremental models: dbt: rebuilding days from 2026-11-09 "
        "(meta_ads.ad_insights from 2026-11-10 changed)." in text
    )
    gate = text.split("## Quality gate\n\n")[1].split("\n\n## ")[0]
    assert gate.splitlines() == [
        "Gate: FAILED",
        "",
        "Data-quality gate FAILED for run date 2026-11-10: 40/42 checks passed, 1 error(s), 1 warning(s).",
        "- spend_not_negative: marts.fct_ad_performance_daily.spend has 3 negative rows",
        "- volume_meta_ads: 0.4x the usual rows",
    ]
    assert "## Targets at risk\n\nNot read (nothing was published)" in text
    assert "- Data Docs: `/w/docs/index.html`\n- Gate results: `/w/gate.json`" in text


def test_markdown_of_a_published_run_lists_targets_at_risk() -> None:
    summary = RunSummary(
        "r", date(2026, 11, 10), sandbox=True, published=Path("/w/socialmart.duckdb"), targets_at_risk=["spend x"]
    )
    text = summary.markdown()
    assert (
        "## Targets at risk\n\n- spend x\n" in text and "dbt did not run." in text and "The gate did not run." in text
    )
