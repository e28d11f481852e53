"""socialmart/prefect_server.py: the temporary Prefect server a run outside a deployment starts before its imports.

The real path runs in a child process, as `socialmart run` does: a fresh interpreter, Prefect not yet imported, its
own PREFECT_HOME (so its SQLite database is the test's own) and no PREFECT_API_URL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from socialmart import prefect_server
from socialmart.prefect_server import TemporaryServer, TemporaryServerError

# A flow run through the early server, its port first taken by another socket: what the child reports as JSON.
FLOW_RUN_SCRIPT = """
import json, socket, sys
from socialmart import prefect_server

blocker = socket.socket()
blocker.bind(("127.0.0.1", 0))
blocker.listen()
taken = blocker.getsockname()[1]
free_port, ports = prefect_server._free_port, iter([taken])
prefect_server._free_port = lambda: next(ports, None) or free_port()  # the first port tried is taken

server = prefect_server.start()
from prefect import flow, get_client
from prefect.settings import get_current_settings

prefect_server.attach(server)

@flow(name="early-server-check")
def check():
    return 42

result = check()
with get_client(sync_client=True) as client:
    runs = [run.flow_id for run in client.read_flow_runs()]
    flows = {flow.id: flow.name for flow in client.read_flows()}
print(json.dumps({
    "taken": taken,
    "port": server.port,
    "api_url": get_current_settings().api.url,
    "server_url": server.api_url,
    "result": result,
    "flow_runs": [flows[flow_id] for flow_id in runs],
    "server_pid": server.process.pid,
    "server_module_imported": "prefect.server.api.server" in sys.modules,
}))
"""

PROFILE_SCRIPT = """
import json, os
from socialmart import prefect_server

server = prefect_server.start()
spawned = server is not None
prefect_server.attach(server)
from prefect.settings import get_current_settings
print(json.dumps({
    "spawned": spawned,
    "stopped": server.process is None,
    "environment": os.environ.get("PREFECT_API_URL"),
    "api_url": get_current_settings().api.url,
}))
"""


def _child(script: str, home: Path, **prefect_env: str) -> Any:
    """Run `script` in a fresh interpreter with only `prefect_env` of Prefect's settings; return the JSON it prints."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), PREFECT_LOGGING_LEVEL="WARNING", **prefect_env)
    completed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.split(") ", 1)[1][0] != "Z"  # a zombie has exited


def test_a_flow_runs_on_the_early_server_which_stops_with_the_process(tmp_path: Path) -> None:
    report = _child(FLOW_RUN_SCRIPT, tmp_path / "prefect-home")
    assert report["result"] == 42
    # uvicorn could not bind the taken port: the server came up on another one, and Prefect used it
    assert report["port"] != report["taken"]
    assert report["api_url"] == report["server_url"] == f"http://127.0.0.1:{report['port']}/api"
    assert report["flow_runs"] == ["early-server-check"]  # recorded by this server, in this PREFECT_HOME's database
    assert report["server_module_imported"] is False  # the run never imported the server application itself
    assert not _running(report["server_pid"])


def test_prefect_settings_that_name_an_api_win_and_the_server_is_stopped(tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    home.mkdir()
    (home / "profiles.toml").write_text(
        'active = "team"\n\n[profiles.team]\nPREFECT_API_URL = "http://127.0.0.1:9/api"\n'
    )
    report = _child(PROFILE_SCRIPT, home)
    assert report == {
        "spawned": True,  # the environment named no API, so the server was started before Prefect was imported
        "stopped": True,
        "environment": None,
        "api_url": "http://127.0.0.1:9/api",
    }


def test_no_server_is_started_when_the_environment_names_an_api(tmp_path: Path) -> None:
    script = "import json, sys\nfrom socialmart import prefect_server\n"
    script += "print(json.dumps([prefect_server.start() is None, 'prefect' in sys.modules]))"
    assert _child(script, tmp_path, PREFECT_API_URL="http://127.0.0.1:4200/api") == [True, False]


def test_no_server_is_started_once_prefect_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    import prefect  # noqa: F401  (a test session or a notebook: Prefect's settings and its own server apply)

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert prefect_server.start() is None


def test_a_server_that_exits_before_answering_is_reported_with_what_to_do() -> None:
    server = TemporaryServer(port=1)
    server.process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    with pytest.raises(TemporaryServerError, match=r"exited with code 1 .* set PREFECT_API_URL"):
        server.wait_until_healthy(timeout=60)


def test_a_server_that_does_not_answer_in_time_is_stopped_and_reported() -> None:
    server = TemporaryServer(port=1)
    server.process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    process = server.process
    with pytest.raises(TemporaryServerError, match=r"did not answer within 1 s\. Raise PREFECT_SERVER_EPHEMERAL"):
        server.wait_until_healthy(timeout=1)
    assert server.process is None
    assert process.returncode is not None
