"""prefect.yaml on a real Prefect server: `prefect server start` (SQLite in a temporary PREFECT_HOME) on 127.0.0.1,
`make deploy`, then the nightly deployment's flow run, run by a process worker, all offline.

Every Prefect command runs in a subprocess with this server's PREFECT_API_URL, so nothing here touches the session's
`prefect_harness` server that the other tests run flows on.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PROJECT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))
WORK_POOL = "socialmart-process"
# Not the committed America/New_York: the schedules must take the timezone the config gives at deploy time.
TIMEZONE = "Europe/Paris"
SERVER_START_SECONDS = 120
FLOW_RUN_SECONDS = 900
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


@dataclass(frozen=True)
class PrefectServer:
    """A running `prefect server start`: its API URL, the environment of commands that talk to it, and its log."""

    api_url: str
    env: dict[str, str]
    home: Path

    def api(self, method: str, path: str, body: dict | None = None) -> object:
        response = httpx.request(method, f"{self.api_url}{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def run(self, *command: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        """Run `command` in the project folder against this server; fail the test with its output when it fails."""
        result = subprocess.run(
            command,
            cwd=PROJECT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(
                f"`{' '.join(command)}` exited {result.returncode}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}",
                pytrace=False,
            )
        return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env(home: Path, api_url: str) -> dict[str, str]:
    """The test's environment without its Prefect settings and source credentials, pointed at the new server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SOURCES__", "SOCIALMART__"))}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",  # telemetry races the fresh SQLite database otherwise
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    return env


def _wait_until_healthy(server: subprocess.Popen[bytes], api_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"`prefect server start` exited {server.returncode} before answering:\n{log.read_text()[-4000:]}",
                pytrace=False,
            )
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(
        f"The Prefect server at {api_url} did not answer /health within {SERVER_START_SECONDS} s:\n"
        f"{log.read_text()[-4000:]}",
        pytrace=False,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop `process` and everything it started (its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """A local Prefect server for this module only, stopped at the end whatever happened."""
    home = tmp_path_factory.mktemp("prefect-home")
    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = _server_env(home, api_url)
    log = home / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui", "--analytics-off"],
            cwd=home,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(process, api_url, log)
        yield PrefectServer(api_url, env, home)
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def deployments(prefect_server: PrefectServer) -> dict[str, dict]:
    """`make deploy` with the reporting timezone set in the config (its environment override); the deployments by
    name."""
    output = prefect_server.run("make", "--no-print-directory", "deploy", SOCIALMART__REPORTING_TIMEZONE=TIMEZONE)
    assert f"schedules in {TIMEZONE}" in output.stdout
    found = prefect_server.api("POST", "/deployments/filter", {})
    return {deployment["name"]: deployment for deployment in found}


def _schedules(deployment: dict) -> list[tuple[str, str, bool]]:
    return [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in deployment["schedules"]]


def test_make_deploy_creates_the_four_deployments_on_the_process_pool(
    prefect_server: PrefectServer, deployments: dict[str, dict]
) -> None:
    assert sorted(deployments) == ["backfill", "monthly-report", "nightly", "weekly-report"]
    pool = prefect_server.api("GET", f"/work_pools/{WORK_POOL}")
    assert pool["type"] == "process"
    for deployment in deployments.values():
        assert deployment["work_pool_name"] == WORK_POOL
        assert deployment["job_variables"] == {}  # nothing, secrets least of all, rides along with a deployment
    entrypoints = {name: deployment["entrypoint"] for name, deployment in deployments.items()}
    assert entrypoints == {
        "nightly": "flows/nightly.py:nightly",
        "weekly-report": "flows/report_flows.py:weekly_report",
        "monthly-report": "flows/report_flows.py:monthly_report",
        "backfill": "flows/backfill.py:backfill",
    }


def test_schedules_run_in_the_configured_timezone(deployments: dict[str, dict]) -> None:
    assert _schedules(deployments["nightly"]) == [("30 4 * * *", TIMEZONE, True)]
    assert _schedules(deployments["weekly-report"]) == [("0 6 * * 1", TIMEZONE, True)]
    assert _schedules(deployments["monthly-report"]) == [("0 6 1 * *", TIMEZONE, True)]
    assert _schedules(deployments["backfill"]) == []  # run by hand


def test_parameters(deployments: dict[str, dict]) -> None:
    for deployment in deployments.values():
        assert deployment["parameters"] == {}  # every flow's defaults
    schemas = {name: deployment["parameter_openapi_schema"] for name, deployment in deployments.items()}
    assert set(schemas["nightly"]["properties"]) == {
        "run_date",
        "sandbox",
        "sources",
        "exports_dir",
        "warehouse_file",
        "inputs_dir",
        "window_start",  # what the backfill deployment sets; a nightly run leaves it empty
    }
    assert schemas["nightly"].get("required", []) == []
    assert set(schemas["weekly-report"]["properties"]) == {"week"}
    assert set(schemas["monthly-report"]["properties"]) == {"month"}
    backfill = schemas["backfill"]
    assert sorted(backfill["required"]) == ["end", "start"]
    assert {backfill["properties"][name]["format"] for name in ("start", "end")} == {"date"}


@pytest.fixture(scope="module")
def nightly_run(
    prefect_server: PrefectServer, deployments: dict[str, dict], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict, Path]:
    """The nightly deployment run on the sandbox for two sources, into temporary folders, by `prefect worker start
    --run-once` until the flow run ends; the flow run and the folder its outputs went to."""
    outputs = tmp_path_factory.mktemp("deployed-nightly")
    parameters = {"run_date": "2026-11-10", "sandbox": True, "sources": ["shopify", "meta_ads"]}
    env = {
        "SOCIALMART__WAREHOUSE_DIR": str(outputs / "warehouse"),
        "SOCIALMART__REPORTS_DIR": str(outputs / "reports"),
    }
    started = prefect_server.run(
        PREFECT,
        "deployment",
        "run",
        "nightly/nightly",
        "--params",
        json.dumps(parameters),
        "--job-variable",
        f"env={json.dumps(env)}",
    )
    match = re.search(r"UUID:\s*([0-9a-f-]{36})", started.stdout)
    assert match, f"no flow run id in the output of `prefect deployment run`:\n{started.stdout}"
    flow_run_id = match.group(1)

    deadline = time.monotonic() + FLOW_RUN_SECONDS
    worker_output = ""
    while True:
        flow_run = prefect_server.api("GET", f"/flow_runs/{flow_run_id}")
        if flow_run["state_type"] in FINAL_STATES:
            break
        if time.monotonic() > deadline:
            pytest.fail(
                f"The nightly flow run is still {flow_run['state_name']} after {FLOW_RUN_SECONDS} s:\n"
                f"{worker_output[-6000:]}",
                pytrace=False,
            )
        worker = prefect_server.run(
            PREFECT, "worker", "start", "--pool", WORK_POOL, "--run-once", timeout=FLOW_RUN_SECONDS
        )
        worker_output += worker.stdout + worker.stderr
    if flow_run["state_type"] != "COMPLETED":
        logs = prefect_server.api("POST", "/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}}})
        messages = "\n".join(entry["message"] for entry in logs)
        pytest.fail(
            f"The nightly flow run ended {flow_run['state_name']}: {flow_run['state']['message']}\n"
            f"{messages[-6000:]}\n{worker_output[-4000:]}",
            pytrace=False,
        )
    return flow_run, outputs


def test_a_worker_runs_the_nightly_deployment_to_completion(nightly_run: tuple[dict, Path]) -> None:
    flow_run, outputs = nightly_run
    assert flow_run["state_name"] == "Completed"
    assert flow_run["parameters"]["run_date"] == "2026-11-10"
    assert flow_run["parameters"]["sources"] == ["shopify", "meta_ads"]
    assert (outputs / "warehouse" / "socialmart.duckdb").is_file()
    reports = sorted(path.name for path in (outputs / "reports").glob("*/*.html"))
    # The sandbox's data ends the day before the run date: pacing as of 2026-11-09, plus the last closed month's and
    # the last complete week's reports, which the folder did not have yet.
    assert reports == [
        "monthly-targets-2026-10.html",
        "pacing-2026-11-09.html",
        "weekly-campaign-revenue-2026-W45.html",
    ]
