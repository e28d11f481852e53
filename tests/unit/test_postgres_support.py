"""How the tests find a PostgreSQL server: a configured DSN, the local server, a throwaway cluster, or a reason."""

from __future__ import annotations

from contextlib import closing

import postgres_support
import psycopg2
import pytest

from socialmart.config import PostgresConnection

pytestmark = pytest.mark.postgres


def _closed_port_dsn() -> str:
    return f"postgresql://postgres@127.0.0.1:{postgres_support._free_port()}/postgres"


def _databases(admin: PostgresConnection) -> set[str]:
    with closing(psycopg2.connect(admin.dsn)) as con, con.cursor() as cur:
        cur.execute("select datname from pg_database")
        return {name for (name,) in cur.fetchall()}


def test_without_a_server_a_throwaway_cluster_is_started(monkeypatch: pytest.MonkeyPatch) -> None:
    if postgres_support.binary_dir() is None:
        pytest.skip(f"no initdb and pg_ctl under {postgres_support.BINARY_GLOB} or on PATH")
    monkeypatch.delenv(postgres_support.DSN_ENV, raising=False)
    with postgres_support.postgres_server(local_dsn=_closed_port_dsn()) as server:
        assert server.origin.startswith("a throwaway cluster")
        with server.database("probe") as first, server.database("probe") as second:
            assert first.dbname != second.dbname
            assert {first.dbname, second.dbname} <= _databases(server.admin)
            assert postgres_support.connection_error(first) is None
        assert {first.dbname, second.dbname}.isdisjoint(_databases(server.admin))
    assert postgres_support.connection_error(server.admin) is not None, "the cluster must be stopped"


def test_a_configured_dsn_that_does_not_connect_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres_support.DSN_ENV, _closed_port_dsn())
    with (
        pytest.raises(postgres_support.PostgresUnavailable, match=f"{postgres_support.DSN_ENV} .* does not connect"),
        postgres_support.postgres_server(),
    ):
        pass


def test_with_nothing_available_the_reason_names_every_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres_support.DSN_ENV, raising=False)
    monkeypatch.setattr(postgres_support, "BINARY_GLOB", "/nonexistent/postgresql/*/bin")
    monkeypatch.setenv("PATH", "/nonexistent")
    local = _closed_port_dsn()
    with pytest.raises(postgres_support.PostgresUnavailable) as failure, postgres_support.postgres_server(local):
        pass
    reason = str(failure.value)
    assert f"{postgres_support.DSN_ENV} is not set" in reason
    assert "does not connect" in reason and local.removeprefix("postgresql://") in reason
    assert "no initdb and pg_ctl under /nonexistent/postgresql/*/bin" in reason
