"""`python -m socialmart.deploy_timezone` prints the configured reporting timezone: `make deploy` passes it to
`prefect deploy` as SOCIALMART__REPORTING_TIMEZONE, the timezone of prefect.yaml's schedules. A bad config exits 1
with the reason, not a traceback."""

from __future__ import annotations

import sys

from socialmart.config import ConfigError, load_settings


def main() -> int:
    """Print the timezone and return 0, or print why the config cannot be read and return 1."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"make deploy: the schedules' timezone cannot be read from the config: {exc}", file=sys.stderr)
        return 1
    print(settings.reporting_timezone)
    return 0


if __name__ == "__main__":
    sys.exit(main())
