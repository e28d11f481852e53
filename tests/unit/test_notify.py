"""The webhook sender against a local receiver: the Slack payload shape, a webhook that refuses or cannot be reached
(a warning naming the status, never the URL), no URL (nothing sent), and the webhook URL read as a secret."""

from __future__ import annotations

import logging
import socket
from datetime import date
from pathlib import Path

import pytest
from config_project import minimal_project
from webhook_receiver import WebhookReceiver, assert_slack_shape

from socialmart import notify
from socialmart.config import ConfigError, load_settings

MESSAGE = notify.Message(text="hello", blocks=[notify.section("*hello*")])


def test_a_message_is_posted_as_slack_json() -> None:
    with WebhookReceiver() as hook:
        assert notify.send(hook.url, MESSAGE) is True
    [received] = hook.received
    assert received.path == f"/services/{hook.token}"
    assert received.payload == {
        "text": "hello",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}],
    }


def test_a_refusing_webhook_is_a_warning_naming_the_status_not_the_url(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), WebhookReceiver(status=403) as hook:
        assert notify.send(hook.url, MESSAGE) is False
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "HTTP 403" in warning.getMessage()
    assert hook.token not in caplog.text and "/services/" not in caplog.text


def test_an_unreachable_webhook_is_a_warning_without_the_url(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/services/T1/B1/unreachable-secret"
    with caplog.at_level(logging.DEBUG):
        assert notify.send(url, MESSAGE) is False
    assert "could not be reached (URLError)" in caplog.text
    assert "unreachable-secret" not in caplog.text


def test_no_url_sends_nothing_and_alerts_off_is_said(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        assert notify.send(None, MESSAGE) is False
        notify.announce_alerts_off(None)
        notify.announce_alerts_off("http://127.0.0.1:9/x")
    assert caplog.text.count("Alerts are off") == 1


def test_failed_run_message_names_run_step_error_and_where_to_look() -> None:
    error = "The quality gate failed, so nothing was published.\n" + "\n".join(f"line {n}" for n in range(20))
    message = notify.failed_run_message("20261110-1", date(2026, 11, 10), "gate", error, ["Data Docs: `/d/index.html`"])
    payload = message.payload()
    assert_slack_shape(payload)
    assert payload["text"] == (
        "socialmart nightly run 20261110-1 for 2026-11-10 FAILED at step gate: "
        "The quality gate failed, so nothing was published."
    )
    body = "\n".join(block["text"]["text"] for block in payload["blocks"])
    assert "*Failed step:* gate" in body and "line 6" in body and "line 7" not in body and "(13 more lines)" in body
    assert "• Data Docs: `/d/index.html`" in body


def _project(tmp_path: Path, config_extra: str = "", secrets: str = "") -> Path:
    project = minimal_project(tmp_path, config_extra)
    (project / ".dlt" / "secrets.toml").write_text(secrets)
    return project


def test_webhook_url_is_a_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALMART__ALERT_WEBHOOK_URL", raising=False)
    project = _project(tmp_path, secrets='[socialmart]\nalert_webhook_url = "https://hooks.example/services/S1"\n')
    settings = load_settings(project)
    assert settings.alert_webhook_url == "https://hooks.example/services/S1"
    assert "S1" not in repr(settings)
    monkeypatch.setenv("SOCIALMART__ALERT_WEBHOOK_URL", "https://hooks.example/services/ENV")
    assert load_settings(project).alert_webhook_url == "https://hooks.example/services/ENV"


def test_webhook_url_in_committed_config_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALMART__ALERT_WEBHOOK_URL", raising=False)
    project = _project(tmp_path, config_extra='alert_webhook_url = "https://hooks.example/services/LEAK"')
    with pytest.raises(ConfigError, match="secret, in the committed config") as refused:
        load_settings(project)
    assert "LEAK" not in str(refused.value)


def test_webhook_url_that_is_not_http_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMART__ALERT_WEBHOOK_URL", "hooks.slack.com/services/NOSCHEME")
    with pytest.raises(ConfigError, match="not an http") as refused:
        load_settings(_project(tmp_path))
    assert "NOSCHEME" not in str(refused.value)
