from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from socialmart.cli import main
from socialmart.config import load_settings
from socialmart.source_status import source_statuses


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("SOURCES__"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path))
    path = tmp_path / "socialmart.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_shopify")
        con.execute("create table raw_shopify._dlt_loads (load_id varchar, status bigint, inserted_at timestamptz)")
        con.execute(
            "insert into raw_shopify._dlt_loads values "
            "('1', 0, '2026-11-09 05:00:00+00'), ('2', 0, '2026-11-10 05:00:00+00'), ('3', 1, '2026-11-11 05:00:00+00')"
        )
    return path


def test_statuses_report_configuration_and_last_successful_load(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCES__SHOPIFY__ACCESS_TOKENS", '{"northwind-us": "shpat_x"}')
    by_name = {s.name: s for s in source_statuses(load_settings())}
    shopify = by_name["shopify"]
    assert (shopify.configured, shopify.enabled, shopify.loads) == (True, True, 2)
    assert shopify.last_loaded_at.replace(tzinfo=None) == datetime(2026, 11, 10, 5, 0)
    assert (by_name["meta_ads"].configured, by_name["meta_ads"].enabled, by_name["meta_ads"].loads) == (False, False, 0)


def test_cli_lists_every_source(warehouse: Path) -> None:
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 0, result.output
    assert "Mode: sandbox" in result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[2:]}
    assert set(lines) >= {"meta_ads", "instagram", "facebook_pages", "shopify"}
    assert "never" in lines["meta_ads"] and "2" in lines["shopify"].split()[-1]


def test_cli_names_an_unreachable_postgres_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SOCIALMART__WAREHOUSE_DIR", str(tmp_path))
    monkeypatch.setenv("SOCIALMART__WAREHOUSE", "postgres")
    monkeypatch.setenv("SOCIALMART__POSTGRES_DSN", f"postgresql://loader:pw-secret@127.0.0.1:{port}/socialmart")
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert f"cannot read the load history from postgresql://loader@127.0.0.1:{port}/socialmart" in result.output
    assert "postgres_dsn" in result.output and "pw-secret" not in result.output
