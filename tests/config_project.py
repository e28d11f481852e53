"""A throwaway project folder with a minimal `.dlt/config.toml`, for tests of one config section at a time."""

from __future__ import annotations

from pathlib import Path

MINIMAL_CONFIG = """
[socialmart]
reporting_currency = "USD"
reporting_timezone = "America/New_York"
start_date = "2025-01-01"
lookback_days = 28
warehouse_dir = "wh"
inputs_dir = "inputs"
"""


def minimal_project(folder: Path, extra: str = "") -> Path:
    """Write the minimal config plus `extra` TOML into `folder`/.dlt/config.toml and return `folder`."""
    (folder / ".dlt").mkdir()
    (folder / ".dlt" / "config.toml").write_text(MINIMAL_CONFIG + extra)
    return folder
