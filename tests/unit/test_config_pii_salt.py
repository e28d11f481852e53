"""The secret `[socialmart] pii_salt` customer ids are hashed with: where it is read from, the sandbox's public
salt, the error a live run without one stops with, and the salt never showing in a repr or an error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from flows.nightly import nightly
from socialmart.catalog import SOURCES
from socialmart.config import SANDBOX_PII_SALT, ConfigError, load_settings

SALT = "d1b6f0c0a8e54e2f9c3b7a61-never-shown"
BASE = """
[socialmart]
reporting_currency = "USD"
reporting_timezone = "America/New_York"
start_date = "2025-03-01"
lookback_days = 28
warehouse_dir = "wh"
inputs_dir = "inputs"
"""


@pytest.fixture(autouse=True)
def _no_salt_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALMART__PII_SALT", raising=False)


def _project(tmp_path: Path, secrets: str | None = None, config: str = BASE) -> Path:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text(config)
    if secrets is not None:
        (tmp_path / ".dlt" / "secrets.toml").write_text(secrets)
    return tmp_path


def test_the_salt_comes_from_secrets_and_never_shows_in_the_settings(tmp_path: Path) -> None:
    settings = load_settings(_project(tmp_path, f'[socialmart]\npii_salt = "{SALT}"\n'))
    assert settings.customer_salt(sandbox=False) == SALT
    assert settings.customer_salt(sandbox=True) == SALT  # a configured salt is used for the sandbox too
    assert SALT not in repr(settings) and SALT not in str(settings)


def test_the_environment_wins_and_is_read_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, f'[socialmart]\npii_salt = "{SALT}"\n')
    monkeypatch.setenv("SOCIALMART__PII_SALT", "12345678901234567e3")  # valid JSON (a number), still the salt
    assert load_settings(project).customer_salt(sandbox=False) == "12345678901234567e3"


def test_without_a_salt_the_sandbox_uses_its_public_one_and_a_live_run_stops(tmp_path: Path) -> None:
    settings = load_settings(_project(tmp_path))
    assert settings.pii_salt is None
    assert settings.customer_salt(sandbox=True) == SANDBOX_PII_SALT
    with pytest.raises(ConfigError) as error:
        settings.customer_salt(sandbox=False)
    message = str(error.value)
    assert message.startswith("[socialmart] pii_salt is not set") and "nothing was loaded" in message
    assert ".dlt/secrets.toml" in message and "SOCIALMART__PII_SALT" in message
    assert 'python -c "import secrets; print(secrets.token_hex(32))"' in message


def test_a_short_salt_is_refused_without_repeating_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pii_salt is 9 characters long: a short salt can be guessed") as error:
        load_settings(_project(tmp_path, '[socialmart]\npii_salt = "tiny-salt"\n'))
    assert "tiny-salt" not in str(error.value)


def test_a_salt_in_the_committed_config_is_refused(tmp_path: Path) -> None:
    config = BASE + f'pii_salt = "{SALT}"\n'
    with pytest.raises(ConfigError, match=r"sets \[socialmart\] pii_salt, a secret, in the committed config") as error:
        load_settings(_project(tmp_path, config=config))
    assert SALT not in str(error.value)


def test_a_live_run_without_a_salt_stops_before_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_outputs: Path
) -> None:
    """Shopify has credentials (so a live run would load it) and no salt is set: the flow stops before the lock,
    the build file or any request."""
    monkeypatch.setenv("SOURCES__SHOPIFY__ACCESS_TOKENS", '{"my-shop": "shpat_x"}')
    with pytest.raises(ConfigError, match=r"^\[socialmart\] pii_salt is not set"):
        nightly.fn(run_date=date(2026, 11, 10), sandbox=False, sources=("shopify",))
    assert not (isolated_outputs / "warehouse").exists()


def test_only_the_sources_with_customer_data_take_the_salt() -> None:
    """A live run that loads none of them (ads and organic only) needs no salt."""
    assert {spec.name for spec in SOURCES if spec.reads_customers} == {"shopify", "stripe"}
