"""socialmart: the nightly ELT pipeline and warehouse for a brand's social media team."""

from __future__ import annotations

import os

from socialmart.config import PROJECT_DIR

# dlt reads `.dlt/config.toml` and `.dlt/secrets.toml` from its project dir; anchor it to this checkout so commands
# work from any working directory. Telemetry stays off everywhere.
os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_DIR))
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
