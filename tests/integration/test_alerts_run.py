"""Alerts from real nightly runs, received by a local webhook (tests/webhook_receiver.py):

- a run failing on a bad input file sends the failure alert (run, date, failed step, error, where to look), and a
  webhook that answers an error changes nothing about how the run ends;
- a live run (meta_ads against the sandbox, with its token) sends the alert for targets that turned off_track, and
  leaves none of its secrets (the webhook URL's token, the source token, the PII salt) in the root logger's lines,
  the Prefect run logs, the Prefect artifacts, the gate JSON and Data Docs, the reports, dbt's log, the warehouse
  (dlt's pipeline state included) or prefect.yaml.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from pii_scan import PiiScanner, describe, duckdb_file
from postgres_support import LogLines
from webhook_receiver import WebhookReceiver, assert_slack_shape

from flows.nightly import nightly
from sandbox import credentials
from sandbox.server import SandboxServer
from socialmart.config import PROJECT_DIR
from socialmart.dbt import log_file

RUN_DATE = date(2025, 2, 10)
WEBHOOK_TOKEN = "T0FAKE/B0FAKE/fake-webhook-token-7c41e9"
PII_SALT = "fake-pii-salt-for-the-secrets-scan-5d2a"


def _inputs(tmp_path: Path, extra_target: str = "", bad_row: str = "") -> Path:
    """A copy of the committed inputs; `bad_row` is appended to targets.csv, `extra_target` replaces its meta spend
    target for February 2025 (the month a run on RUN_DATE tracks)."""
    inputs = tmp_path / "inputs"
    shutil.copytree(PROJECT_DIR / "inputs", inputs)
    targets = inputs / "targets.csv"
    lines = targets.read_text().splitlines()
    if extra_target:
        lines = [line for line in lines if not line.startswith("2025-02,spend,meta,all,")] + [extra_target]
    targets.write_text("\n".join([*lines, bad_row]).strip() + "\n")
    return inputs


@pytest.mark.parametrize("webhook_status", [200, 500])
def test_a_failed_run_sends_the_failure_alert(
    prefect_harness: None,
    isolated_outputs: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    webhook_status: int,
) -> None:
    inputs = _inputs(tmp_path, bad_row="2025-13,revenue,all,all,100")
    exports = tmp_path / "exports"
    exports.mkdir()
    with WebhookReceiver(status=webhook_status) as hook:
        monkeypatch.setenv("SOCIALMART__ALERT_WEBHOOK_URL", hook.url)
        with caplog.at_level(logging.INFO), pytest.raises(Exception, match=r"targets\.csv") as failure:
            nightly(
                run_date=RUN_DATE,
                sources=("exports",),
                exports_dir=exports,
                warehouse_file=tmp_path / "warehouse" / "socialmart.duckdb",
                inputs_dir=inputs,
            )
    [payload] = hook.payloads()
    assert_slack_shape(payload)
    assert payload["text"].startswith("socialmart nightly run 20250210-")
    assert " for 2025-02-10 FAILED at step load: " in payload["text"]
    body = "\n".join(block["text"]["text"] for block in payload["blocks"])
    assert "targets.csv" in body and "*Failed step:* load" in body
    assert "Where to look" in body and "ops.pipeline_runs" in body
    assert type(failure.value).__name__ != "PipelineError" or "webhook" not in str(failure.value)
    if webhook_status == 500:
        assert "Alert not sent: the alert webhook answered HTTP 500" in caplog.text
    assert WEBHOOK_TOKEN.split("/")[-1] not in caplog.text and hook.token not in caplog.text


def _live_meta_ads(mp: pytest.MonkeyPatch, url: str) -> None:
    """meta_ads configured as for a real account (its token), pointed at the sandbox server."""
    mp.setenv("SOURCES__META_ADS__BASE_URL", f"{url}/graph/{credentials.GRAPH_API_VERSION}")
    mp.setenv("SOURCES__META_ADS__ACCESS_TOKEN", credentials.META_ACCESS_TOKEN)
    mp.setenv("SOURCES__META_ADS__ACCOUNT_IDS", json.dumps(list(credentials.META_AD_ACCOUNT_IDS)))
    mp.setenv("SOCIALMART__PII_SALT", PII_SALT)


def _prefect_logs_and_artifacts(flow_run_id) -> tuple[list[str], list[str]]:
    """The run's log messages and artifacts' contents, read back from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=30)  # the run's logs reach the API in batches
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return [log.message for log in logs], [f"{artifact.key}\n{artifact.data}" for artifact in artifacts]


def _dlt_states(published: Path) -> list[str]:
    """dlt's pipeline state rows of every raw dataset, decompressed (they are stored zlib-compressed)."""
    from dlt.pipeline.state_sync import decompress_state

    query = duckdb_file(published)
    schemas = query("select table_schema from information_schema.tables where table_name = '_dlt_pipeline_state'")
    return [
        json.dumps(decompress_state(state))
        for (schema,) in schemas
        for (state,) in query(f'select state from "{schema}"._dlt_pipeline_state')
    ]


def test_a_live_run_alerts_targets_turning_off_track_and_leaks_no_secret(
    prefect_harness: None, isolated_outputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # February's meta spend target set far above what the sandbox spends: the target is off_track from the start.
    inputs = _inputs(tmp_path, extra_target="2025-02,spend,meta,all,9999999")
    published = tmp_path / "warehouse" / "socialmart.duckdb"
    log = LogLines()
    with SandboxServer(as_of=RUN_DATE) as server, WebhookReceiver(token=WEBHOOK_TOKEN) as hook:
        _live_meta_ads(monkeypatch, server.url)
        monkeypatch.setenv("SOCIALMART__ALERT_WEBHOOK_URL", hook.url)
        logging.getLogger().addHandler(log)
        try:
            state = nightly(
                run_date=RUN_DATE, sources=("meta_ads",), warehouse_file=published, inputs_dir=inputs, return_state=True
            )
        finally:
            logging.getLogger().removeHandler(log)
    summary = state.result()
    assert summary.sandbox is False and summary.rows_extracted["meta_ads"]

    # The target alert: the meta spend target turned off_track on this first run (nothing was published before).
    [payload] = hook.payloads()
    assert_slack_shape(payload)
    assert payload["text"].startswith("socialmart: ") and "for 2025-02 turned at_risk or off_track" in payload["text"]
    body = payload["blocks"][1]["text"]["text"]
    assert "• spend · channel meta · segment all: *off_track* — actual " in body and "target 9,999,999.00" in body
    assert "(was new)" in body
    assert any(line.startswith("spend · channel meta · segment all: *off_track*") for line in summary.targets_at_risk)
    assert len(body.splitlines()) - 1 == len(summary.targets_at_risk), "a first run alerts every target at risk"

    # The run summary artifact has each part the issue asks for.
    logs, artifacts = _prefect_logs_and_artifacts(state.state_details.flow_run_id)
    [artifact] = [text for text in artifacts if text.startswith("nightly-run-summary")]
    for part in ("## Rows loaded", "| **meta_ads** | **total** |", "## dbt", "models built", "tests passed"):
        assert part in artifact
    assert "## Quality gate" in artifact and "checks passed" in artifact
    assert "## Targets at risk" in artifact and "- spend · channel meta · segment all: *off_track*" in artifact
    assert f"- Data Docs: `{summary.data_docs}`" in artifact and f"- Report: `{summary.reports[0]}`" in artifact

    # No secret anywhere the run left something.
    secrets = PiiScanner([WEBHOOK_TOKEN, WEBHOOK_TOKEN.split("/")[-1], credentials.META_ACCESS_TOKEN, PII_SALT])
    assert log.lines and logs, "the scan must see the run's logs"
    texts = {
        "root logger": log.lines,
        "Prefect run logs": logs,
        "Prefect artifacts": artifacts,
        "dbt log": [log_file(PROJECT_DIR / "dbt_project").read_text()],
        "dlt pipeline state": _dlt_states(published),
        "prefect.yaml": [(PROJECT_DIR / "prefect.yaml").read_text()],
    }
    found = {where: secrets.find(lines) for where, lines in texts.items()}
    found |= secrets.scan_files(tmp_path / "warehouse")  # gate JSON, Data Docs, Parquet copies
    found |= secrets.scan_files(isolated_outputs / "reports")
    found |= secrets.scan(duckdb_file(published))
    assert not {where: values for where, values in found.items() if values}, describe(found)
    assert summary.validation_results.name == "gate.json" and summary.data_docs.exists(), "the gate files were scanned"


SECRET_WORDS = ("token", "secret", "password", "dsn", "salt", "webhook", "api_key")


def _keys_and_values(node: object, path: str = "") -> list[tuple[str, object]]:
    if isinstance(node, dict):
        return [kv for key, value in node.items() for kv in _keys_and_values(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [kv for n, value in enumerate(node) for kv in _keys_and_values(value, f"{path}[{n}]")]
    return [(path, node)]


def test_prefect_yaml_holds_no_secret() -> None:
    """No key of prefect.yaml names a secret, no deployment sets environment variables (job_variables.env shows in
    the UI), and no value templates a Prefect secret block or a secret environment variable in."""
    document = yaml.safe_load((PROJECT_DIR / "prefect.yaml").read_text())
    pairs = _keys_and_values(document)
    assert pairs and any(path.endswith(".entrypoint") for path, _ in pairs)
    assert [path for path, _ in pairs if any(word in path.lower() for word in SECRET_WORDS)] == []
    assert [path for path, _ in pairs if ".job_variables.env" in path] == []
    templated = {value for _, value in pairs if isinstance(value, str) and "{{" in value}
    # The one template is the schedules' timezone (make deploy feeds it from the config); no secret block, no other
    # environment variable: secrets come from .dlt/secrets.toml.
    assert templated == {"{{ $SOCIALMART__REPORTING_TIMEZONE }}"}
