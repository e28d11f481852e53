"""The sandbox server in a child process, for the nightly run.

In the run's own process the simulated APIs and the connectors share one interpreter lock, so the time the sandbox
spends building API pages is added to the load. In a child process it builds them on the other core while the
connectors parse and load the previous page, as a real platform API would. Tests that inject faults or read the
server's request log use sandbox.server.SandboxServer in-process instead.

The child is `python -m sandbox.process YYYY-MM-DD`: it prints its URL on one line, then serves until its standard
input closes (the parent exits or leaves the `with` block), so it never outlives the run.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from types import TracebackType

START_TIMEOUT_SECONDS = 180  # building the world takes a few seconds; far more on a loaded machine
PROJECT_DIR = Path(__file__).resolve().parents[1]


class SandboxStartError(RuntimeError):
    """The sandbox process did not start; the message has its output."""


class SandboxProcess:
    """`with SandboxProcess(as_of) as sandbox:` serves the sandbox APIs from a child process at `sandbox.url`."""

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> SandboxProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "sandbox.process", self.as_of.isoformat()],
            cwd=PROJECT_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        first_line: list[str] = []
        reader = threading.Thread(target=lambda: first_line.append(self._process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_SECONDS)
        line = first_line[0].strip() if first_line else ""
        if not line.startswith("http://"):
            process, self._process = self._process, None
            process.kill()
            output = line + "\n" + process.stdout.read() if first_line else f"no URL in {START_TIMEOUT_SECONDS} s"
            code = process.wait()
            raise SandboxStartError(f"the sandbox process did not start (exit code {code}): {output.strip()[-4000:]}")
        self.url = line
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def _serve(as_of: date) -> None:
    """Serve the world at `as_of`; print the URL; stop when standard input closes."""
    from sandbox.server import SandboxServer

    with SandboxServer(as_of=as_of) as server:
        print(server.url, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    _serve(date.fromisoformat(sys.argv[1]))
