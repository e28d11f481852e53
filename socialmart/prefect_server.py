"""Prefect's temporary API server for a run outside a deployment, started before the run imports Prefect.

Without a configured API, Prefect starts a temporary server itself when the flow is first called: the calling
process first imports the server's application (about 6 s here), then starts it in a subprocess that imports it
again and waits for it (5-8 s more; issue 8). `start()` starts that same subprocess (uvicorn serving
`prefect.server.api.server:create_app`, as Prefect's `SubprocessASGIServer` does) the moment a command knows it will
run a flow, so the server comes up on the second core while the run imports its own modules, and the calling process
never imports the server. `attach()`, once Prefect is imported, points Prefect at it, unless Prefect's own settings
(a profile, `prefect.toml`) already name an API: then that API is used and the server is stopped. It is stopped when
the process exits, as Prefect stops its own.
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

PORT_IN_USE = 3  # uvicorn's exit code when it cannot bind its port
HEALTH_POLL_SECONDS = 0.1
# what Prefect sets for its own temporary server: no UI, ephemeral mode
SERVER_ENVIRONMENT = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


class TemporaryServerError(RuntimeError):
    """The temporary Prefect server did not come up."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TemporaryServer:
    """A Prefect API server in a subprocess of this run, on a free port of 127.0.0.1."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def spawn(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={**os.environ, **SERVER_ENVIRONMENT},
        )

    def wait_until_healthy(self, timeout: float) -> None:
        """Poll /health until it answers 200; start again on another port if uvicorn found this one taken."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            code = self.process.poll()
            if code == PORT_IN_USE:
                self.port = _free_port()
                self.spawn()
                continue
            if code is not None:
                raise TemporaryServerError(
                    f"Prefect's temporary server exited with code {code} before it answered (its error is printed "
                    "above). Fix that error, or set PREFECT_API_URL to a running Prefect server."
                )
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(HEALTH_POLL_SECONDS)
        self.stop()
        raise TemporaryServerError(
            f"Prefect's temporary server did not answer within {timeout:.0f} s. Raise "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS on a slow machine, or set PREFECT_API_URL to a running "
            "Prefect server."
        )

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start() -> TemporaryServer | None:
    """Start the temporary server unless PREFECT_API_URL is set in the environment (a deployment's flow run, a
    worker, a user's running server) or Prefect is already imported (a test session, a notebook: nothing left to
    overlap, and Prefect's own settings and temporary server apply). Call it before importing Prefect, then
    `attach` the result."""
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    server = TemporaryServer(_free_port())
    server.spawn()
    atexit.register(server.stop)
    return server


def attach(server: TemporaryServer | None) -> None:
    """Point Prefect at `server` once it answers, unless Prefect's settings already name an API (then stop it)."""
    if server is None:
        return
    from prefect.context import refresh_global_settings_context
    from prefect.logging import get_logger
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url:
        server.stop()
        return
    server.wait_until_healthy(settings.server.ephemeral.startup_timeout_seconds)
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()
    get_logger().info(
        "Temporary Prefect server on %s for this run; set PREFECT_API_URL to run against a Prefect server instead",
        server.api_url,
    )
