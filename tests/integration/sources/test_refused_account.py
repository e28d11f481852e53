"""A permission error on one of several accounts (issue 9), for every connector family with an account list.

The token may read every configured account but one (an id the platform does not know, or one it refuses). The
source then fails with a SourceApiError (SourceAuthError where the platform says "permission") that names the source,
the refused account and the endpoint, without the token; dlt loads nothing of that run, so the raw data stays as of
the last good run, and the nightly run goes on with the other sources and ends failed naming this one.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from sandbox.credentials import source_settings
from sandbox.server import SandboxServer
from socialmart.catalog import SOURCES
from sources.common import SourceApiError, find_source_error

# An account the sandbox's token cannot read, in each platform's id format.
REFUSED = {"snapchat_ads": "00000000-0000-4000-8000-000000000000", "youtube": "UCunknownChannel00000000",
           "x_ads": "zzzz9", "shopify": "unknown-shop", "tiktok_organic": "-000Unknown0Business00TT"}  # fmt: skip
FAMILIES = {  # source -> its list of accounts
    name: next(key for key in settings if key.endswith("_ids") or key == "shops")
    for name, settings in source_settings("http://sandbox").items()
    if name not in ("pinterest", "stripe")  # one token per account: a refused token is the expired-token case
}


def _with_refused_account(name: str, server: SandboxServer, refused: str, helpers: Any) -> tuple[Any, dict, set[str]]:
    """The source's factory, its arguments with `refused` first among its accounts, and the secrets they hold."""
    settings = source_settings(server.url)[name]
    factory = next(spec for spec in SOURCES if spec.name == name)._factory()
    kwargs = {**settings, FAMILIES[name]: [refused, *settings[FAMILIES[name]]]}
    if name == "shopify":
        kwargs["access_tokens"] = {**settings["access_tokens"], refused: "shpat_not_this_shop_s_token"}
    if name == "pinterest_ads":
        kwargs["account_timezones"] = {**settings["account_timezones"], refused: "UTC"}
    run = {"start_date": helpers.START_DATE, "end_date": helpers.end_date_for(server), "pii_salt": helpers.PII_SALT}
    kwargs |= {key: value for key, value in run.items() if key in inspect.signature(factory).parameters}
    secrets = {str(value) for key, value in settings.items() if "token" in key or "secret" in key}
    secrets |= {str(token) for token in settings.get("access_tokens", {}).values()}
    return factory, kwargs, secrets


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_a_refused_account_fails_the_source_naming_it_and_loads_nothing(
    name: str, sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    refused = REFUSED.get(name, "999000111")
    factory, kwargs, secrets = _with_refused_account(name, sandbox, refused, helpers)
    db = tmp_path / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, f"raw_{name}", tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(factory(**kwargs))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceApiError), raised.value
    message = str(error)
    assert message.startswith(f"{name}: ") and f"for account {refused} failed" in message
    assert not [secret for secret in secrets if len(secret) >= 4 and secret in message]
    assert not db.exists() or helpers.query(
        db, f"select count(*) from information_schema.tables where table_schema = 'raw_{name}'"
    ) == [(0,)], "nothing of the failed run may be loaded"


# One token per account: a refused token among several accounts' good ones (Stripe's restricted keys, Pinterest's
# per-username tokens). The token looks real but the platform does not accept it.
REFUSED_TOKENS = {"stripe": ("api_keys", "sk_live_51RevokedKeyOfOneAccount0000000000000000"),
                  "pinterest": ("access_tokens", "pina_RevokedTokenOfOneAccount000000000000")}  # fmt: skip


@pytest.mark.parametrize("name", sorted(REFUSED_TOKENS))
def test_a_refused_token_among_several_accounts_fails_the_source_naming_its_account(
    name: str, sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    setting, bad_token = REFUSED_TOKENS[name]
    settings = source_settings(sandbox.url)[name]
    good, refused = list(settings[setting])  # two accounts: the first keeps its token, the second's is refused
    factory = next(spec for spec in SOURCES if spec.name == name)._factory()
    run = {"start_date": helpers.START_DATE, "end_date": helpers.end_date_for(sandbox), "pii_salt": helpers.PII_SALT}
    kwargs = {**settings, setting: {good: settings[setting][good], refused: bad_token}}
    kwargs |= {key: value for key, value in run.items() if key in inspect.signature(factory).parameters}
    db = tmp_path / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, f"raw_{name}", tmp_path / "pipelines")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(factory(**kwargs))
    error = find_source_error(raised.value)
    assert isinstance(error, SourceApiError), raised.value
    message = str(error)
    assert message.startswith(f"{name}: ") and f"for account {refused} failed" in message, message
    assert f"sources.{name}.{setting}" in message, message
    assert bad_token not in message and settings[setting][good] not in message
    assert not db.exists() or helpers.query(
        db, f"select count(*) from information_schema.tables where table_schema = 'raw_{name}'"
    ) == [(0,)], "nothing of the failed run may be loaded, the good account's rows included"
