"""socialmart's environment defaults must be in place before Prefect, dlt, dbt or GX first read their settings.

Prefect reads its settings once, when it is first imported. The flows import Prefect, so a process whose first
import is a flow module (the bench, `python -c "from flows.nightly import nightly"`, a Prefect worker loading the
entrypoint) got Prefect's 20 s ephemeral-server timeout instead of socialmart's 120 s, and a cold first run failed
with "Timed out while attempting to connect to ephemeral Prefect API server".
"""

from __future__ import annotations

import os
import subprocess
import sys

from socialmart.config import PROJECT_DIR

READ_SETTINGS = """
import {module}
from prefect.settings import get_current_settings
s = get_current_settings()
print(s.server.ephemeral.startup_timeout_seconds, s.server.analytics_enabled)
"""


def test_a_process_that_starts_with_a_flow_gets_socialmarts_prefect_defaults() -> None:
    """Every flow module is in the `flows` package, whose __init__ imports socialmart: one module proves it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_SERVER_")}
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS.format(module="flows.nightly")],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["120", "False"]


def test_the_installed_packages_carry_their_bytecode() -> None:
    """`make install` compiles the environment once (UV_COMPILE_BYTECODE). Without it, where PYTHONDONTWRITEBYTECODE
    is set, every run compiled Prefect, dlt, dbt and GX from source again: about 5 s of each process's start."""
    import importlib
    import importlib.util

    modules = ["prefect.flows", "dlt.pipeline.pipeline", "dbt.cli.main", "great_expectations.core"]
    missing = [
        name
        for name in modules
        if not os.path.exists(importlib.util.cache_from_source(importlib.import_module(name).__file__))
    ]
    assert not missing, f"no bytecode for {missing}: run `make install` (uv sync with UV_COMPILE_BYTECODE=1)"
