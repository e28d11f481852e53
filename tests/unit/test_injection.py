"""Security (issue 9): config and command-line values that end up in request URLs or SQL are checked first.

Every injection string is refused with a message naming the setting, and nothing is requested or built: account
ids and shop handles go into API paths and hosts, the naming convention into the dbt models' SQL, dates and the
timezone into SQL literals and dbt vars. (The PostgreSQL schema and role names are constants, always quoted with
psycopg's sql.Identifier; export files' shop names and run ids are only ever data values.)
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from sandbox.credentials import source_settings
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from socialmart.cli import main
from socialmart.config import SANDBOX_PII_SALT, ConfigError, load_settings

INJECTIONS = ("1; drop table x", "' or 1=1 --", "../", "act_1/../../x", "1001?fields=x#", "evil.example.com:443")
ID_SETTINGS = {  # source -> its config list of ids that go into request paths (or, for shops, the host)
    name: next(key for key in source_settings("http://sandbox")[name] if key.endswith("_ids") or key == "shops")
    for name in source_settings("http://sandbox")
    if name not in ("pinterest", "stripe")  # their accounts are the keys of a token mapping, never in a URL
}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(as_of=date(2025, 2, 15)) as sandbox:
        yield sandbox


def _source_kwargs(name: str, url: str, ids: list[str]) -> tuple[Any, dict[str, Any]]:
    """The source's factory, and its sandbox arguments with `ids` as its ids."""
    factory = next(spec for spec in SOURCES if spec.name == name)._factory()
    accepted = inspect.signature(factory).parameters
    kwargs = {**source_settings(url)[name], ID_SETTINGS[name]: ids}
    extra = {"start_date": "2025-01-01", "end_date": "2025-02-14", "pii_salt": SANDBOX_PII_SALT}
    return factory, {**kwargs, **{key: value for key, value in extra.items() if key in accepted}}


@pytest.mark.parametrize("value", INJECTIONS)
@pytest.mark.parametrize("name", sorted(ID_SETTINGS))
def test_an_id_that_is_not_an_id_is_refused_naming_the_setting_before_any_request(
    server: SandboxServer, name: str, value: str
) -> None:
    factory, kwargs = _source_kwargs(name, server.url, ["1001", value])
    before = len(server.requests)
    setting = f"sources.{name}.{ID_SETTINGS[name]}"
    with pytest.raises(ValueError, match=rf"^{name}: {re.escape(setting)} holds .*, which is not an id"):
        factory(**kwargs)
    assert len(server.requests) == before, "nothing may be requested"


@pytest.mark.parametrize("name", sorted(ID_SETTINGS))
def test_the_sandbox_s_real_ids_still_pass(server: SandboxServer, name: str) -> None:
    factory, kwargs = _source_kwargs(name, server.url, source_settings(server.url)[name][ID_SETTINGS[name]])
    assert factory(**kwargs).resources, name


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reporting_timezone": "../../etc/passwd"}, r"reporting_timezone = '\.\./\.\./etc/passwd' is not an IANA"),
        ({"reporting_timezone": "UTC' or 1=1 --"}, r"reporting_timezone = .* is not an IANA timezone"),
        ({"reporting_currency": "US'; drop table x; --"}, r"reporting_currency = .* is not an ISO 4217 code"),
        ({"start_date": "2025-01-01'; drop table x; --"}, r"start_date = .* is not a date"),
        ({"naming": {"delimiter": "'"}}, r"\[socialmart.naming\] delimiter = \"'\": use one character of"),
        ({"naming": {"delimiter": "; drop table x"}}, r"\[socialmart.naming\] delimiter = '; drop table x'"),
        (
            {"naming": {"fields": ["segment"], "allowed_values": {"segment": ["genz', 'x') or 1=1 --"]}}},
            r"\[socialmart.naming.allowed_values\] segment holds .*: use letters, digits and - only",
        ),
        (
            {"naming": {"fields": ["segment); drop table x; --"]}},
            r"\[socialmart.naming\] field 'segment\); drop table x; --' is not a field name",
        ),
    ],
    ids=[
        "timezone-path",
        "timezone-quote",
        "currency",
        "start-date",
        "delimiter-quote",
        "delimiter-sql",
        "allowed-value",
        "field",
    ],
)
def test_a_setting_that_reaches_sql_is_refused_naming_it(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(**overrides)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--date", "2025-01-01; drop table x"], "is not a date"),
        (["run", "--date", "' or 1=1 --"], "is not a date"),
        (["run", "--sources", "meta_ads; drop table x"], "unknown source"),
        (["backfill", "--start", "../2025-01-01", "--end", "2025-01-02"], "is not a date"),
        (["report", "monthly", "--month", "2025-01' or 1=1 --"], "Invalid value"),
        (["report", "weekly", "--week", "2025-W01; drop table x"], "Invalid value"),
    ],
)
def test_a_run_date_or_source_from_the_command_line_is_refused(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
