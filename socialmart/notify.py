"""Alerts to a Slack-compatible incoming webhook (`[socialmart] alert_webhook_url`, a secret): the message shape, the
failed-run message, and a sender that never fails the run and never shows the URL (docs/alerts.md).

A message is Slack's `text` (the notification line, and what clients without blocks show) plus `blocks` (the same
content laid out). Mattermost, Rocket.Chat and most chat tools accept the same JSON.

It is POSTed with the standard library's urllib.request, not httpx or requests: httpx logs every request's URL at
INFO and urllib3 (under requests) at DEBUG, and a webhook URL is itself the secret; urllib.request logs nothing.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from typing import Any

TIMEOUT_SECONDS = 10
ERROR_LINES_SHOWN = 8
# Slack refuses a section whose text is longer than 3000 characters.
MAX_SECTION_CHARS = 2900
ALERTS_OFF = (
    "Alerts are off: [socialmart] alert_webhook_url is not set (.dlt/secrets.toml or SOCIALMART__ALERT_WEBHOOK_URL; "
    "see docs/alerts.md)."
)


@dataclass(frozen=True)
class Message:
    """One alert: `text` is the one-line notification, `blocks` the laid-out body."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The JSON body the webhook receives."""
        return {"text": self.text, "blocks": self.blocks}


def logger() -> logging.Logger | logging.LoggerAdapter:
    """The Prefect run logger inside a flow run (so the line shows in the run's logs), else this module's logger."""
    from prefect.exceptions import MissingContextError
    from prefect.logging import get_run_logger

    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


def announce_alerts_off(url: str | None) -> None:
    """Say once, at the start of a run, that no alert will be sent because no webhook is configured."""
    if not url:
        logger().info(ALERTS_OFF)


def send(url: str | None, message: Message) -> bool:
    """POST `message` to the webhook at `url`; True when it answered 2xx. No URL: nothing is sent (False).

    Never raises: a webhook that cannot be reached or answers an error is logged as a warning naming the HTTP status
    or the kind of error, never the URL (a webhook URL is itself a secret), and the run's own outcome stands.
    """
    if not url:
        return False
    request = urllib.request.Request(
        url,
        data=json.dumps(message.payload()).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):
            return True
    except urllib.error.HTTPError as exc:
        logger().warning(
            f"Alert not sent: the alert webhook answered HTTP {exc.code} {exc.reason}. "
            "Check [socialmart] alert_webhook_url (docs/alerts.md)."
        )
    except (OSError, ValueError) as exc:  # unreachable, timed out, refused; its text may repeat the URL: kind only
        logger().warning(f"Alert not sent: the alert webhook could not be reached ({type(exc).__name__}).")
    return False


def section(markdown: str) -> dict[str, Any]:
    """A Slack section block of mrkdwn text, cut to the length Slack accepts."""
    if len(markdown) > MAX_SECTION_CHARS:
        markdown = markdown[: MAX_SECTION_CHARS - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": markdown}}


def header(text: str) -> dict[str, Any]:
    """A Slack header block (plain text, at most 150 characters)."""
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def failed_run_message(run_id: str, run_date: date | None, step: str, error: str, where: list[str]) -> Message:
    """The alert for a failed run: which run and step, the error's first lines, and where to look (`where`)."""
    lines = error.strip().splitlines() or ["(no error message)"]
    shown = "\n".join(lines[:ERROR_LINES_SHOWN]) + (
        f"\n… ({len(lines) - ERROR_LINES_SHOWN} more lines)" if len(lines) > ERROR_LINES_SHOWN else ""
    )
    on_date = f" for {run_date}" if run_date else ""
    text = f"socialmart nightly run {run_id}{on_date} FAILED at step {step}: {lines[0]}"
    blocks = [
        header("socialmart nightly run failed"),
        section(f"*Run:* `{run_id}`\n*Run date:* {run_date or 'unknown'}\n*Failed step:* {step}"),
        section("```" + shown.replace("```", "'''") + "```"),
    ]
    if where:
        blocks.append(section("*Where to look:*\n" + "\n".join(f"• {place}" for place in where)))
    return Message(text=text, blocks=blocks)
