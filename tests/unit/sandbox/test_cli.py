"""`python -m sandbox serve` starts a server that answers with the sandbox tokens."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_entry_point() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "serve",
            "--as-of",
            "2025-02-01",
            "--port",
            str(port),
            "--faults",
            '{"rate_limit_first_n": {"fb_page": 1}}',
        ],
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert re.search(rf"at http://127\.0\.0\.1:{port}$", line.strip()), line
        url = f"http://127.0.0.1:{port}/graph/v23.0/100000000000001"
        params = {"access_token": "sandbox-meta-token", "fields": "name"}
        assert requests.get(url, params=params, timeout=10).status_code == 429
        assert requests.get(url, params=params, timeout=10).json()["name"] == "Northwind Threads"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
