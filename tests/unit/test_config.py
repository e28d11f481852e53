from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from socialmart.config import ConfigError, load_settings


def _project(tmp_path: Path, body: str) -> Path:
    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text(body)
    return tmp_path


BASE = """
[socialmart]
reporting_currency = "eur"
reporting_timezone = "Europe/Berlin"
start_date = "2025-03-01"
lookback_days = 28
warehouse_dir = "wh"
inputs_dir = "inputs"
[socialmart.naming]
delimiter = "|"
fields = ["initiative", "segment"]
[socialmart.naming.allowed_values]
segment = ["a", "b"]
"""


def test_committed_config_loads() -> None:
    settings = load_settings()
    assert settings.reporting_currency == "USD"
    assert settings.lookback_days == 28
    assert settings.published_path.name == "socialmart.duckdb"
    assert settings.naming.fields[0] == "initiative"


def test_values_paths_and_dbt_vars(tmp_path: Path) -> None:
    settings = load_settings(_project(tmp_path, BASE))
    assert settings.reporting_currency == "EUR"
    assert settings.start_date == date(2025, 3, 1)
    assert settings.warehouse_dir == tmp_path / "wh"
    dbt_vars = settings.dbt_vars()
    assert "run_date" not in dbt_vars  # socialmart/dbt.py passes it in the environment
    assert dbt_vars["naming_delimiter"] == "|"
    assert dbt_vars["naming_allowed_values"] == {"segment": ["a", "b"]}


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMART__REPORTING_CURRENCY", "GBP")
    monkeypatch.setenv("SOCIALMART__LOOKBACK_DAYS", "7")
    settings = load_settings(_project(tmp_path, BASE))
    assert (settings.reporting_currency, settings.lookback_days) == ("GBP", 7)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('reporting_currency = "eur"', 'reporting_currency = "euro"', "ISO 4217"),
        ('reporting_timezone = "Europe/Berlin"', 'reporting_timezone = "Mars/Base"', "IANA timezone"),
        ('start_date = "2025-03-01"', 'start_date = "March 2025"', "YYYY-MM-DD"),
        ("lookback_days = 28", "lookback_days = 400", "0 to 90"),
        ('inputs_dir = "inputs"', "", "inputs_dir is not set"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(_project(tmp_path, BASE.replace(old, new)))


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config\.toml: not valid TOML"):
        load_settings(_project(tmp_path, "[socialmart\n"))


def test_warehouse_defaults_to_duckdb(tmp_path: Path) -> None:
    settings = load_settings(_project(tmp_path, BASE))
    assert (settings.warehouse, settings.on_postgres, settings.postgres) == ("duckdb", False, None)


def test_postgres_connection_comes_from_secrets(tmp_path: Path) -> None:
    project = _project(tmp_path, BASE.replace("[socialmart]\n", '[socialmart]\nwarehouse = "postgres"\n', 1))
    (project / ".dlt" / "secrets.toml").write_text(
        '[socialmart]\npostgres_dsn = "postgresql://sm%40x:p%40ss@db.example.com:6543/warehouse"\n'
    )
    settings = load_settings(project)
    assert settings.on_postgres
    pg = settings.postgres
    assert (pg.host, pg.port, pg.user, pg.password, pg.dbname) == ("db.example.com", 6543, "sm@x", "p@ss", "warehouse")
    assert pg.dsn == "postgresql://sm%40x:p%40ss@db.example.com:6543/warehouse"
    assert "p@ss" not in str(pg) and "p@ss" not in repr(settings)


def test_environment_switches_to_postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMART__WAREHOUSE", "postgres")
    monkeypatch.setenv("SOCIALMART__POSTGRES_DSN", "postgresql://postgres@127.0.0.1/socialmart")
    settings = load_settings(_project(tmp_path, BASE))
    assert settings.on_postgres and settings.postgres.port == 5432 and settings.postgres.password == ""


@pytest.mark.parametrize(
    ("warehouse", "dsn", "message"),
    [
        ("sqlite", None, "use one of duckdb, postgres"),
        ("postgres", None, r"needs the connection: set postgres_dsn under \[socialmart\] in \.dlt/secrets\.toml"),
        ("postgres", "mysql://u:topsecret@h/db", "is not a PostgreSQL URL"),
        ("postgres", "postgresql://u:topsecret@h", "is not a PostgreSQL URL with a user, host and database"),
        ("postgres", "postgresql://u:topsecret@h:port/db", "the port is not a number"),
    ],
)
def test_bad_warehouse_settings_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warehouse: str, dsn: str | None, message: str
) -> None:
    monkeypatch.setenv("SOCIALMART__WAREHOUSE", warehouse)
    if dsn:
        monkeypatch.setenv("SOCIALMART__POSTGRES_DSN", dsn)
    with pytest.raises(ConfigError, match=message) as error:
        load_settings(_project(tmp_path, BASE))
    assert "topsecret" not in str(error.value)
