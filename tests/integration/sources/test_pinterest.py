"""Pinterest connector against the sandbox Pinterest API v5 replica."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from sandbox import credentials
from sandbox.faults import Faults
from sandbox.pinterest_social import PIN_ACCOUNTS, PIN_MAIN, PIN_TOTALS, pins_before
from sandbox.server import SandboxServer
from sandbox.truth import Truth
from sources.common import rows_extracted
from sources.pinterest import pinterest_source
from sources.pinterest import settings as pin_settings

DATASET = "raw_pinterest"
MONTHLY_PINS = (
    f"select strftime(timezone('America/New_York', created_at), '%Y-%m'), count(*) from {DATASET}.pins group by 1"
)
MONTHLY_ANALYTICS = (
    "select strftime(date, '%Y-%m'), sum(impression), sum(save + pin_click + outbound_click) "
    f"from {DATASET}.account_analytics_daily group by 1"
)


def pin_kwargs(helpers: Any, server: SandboxServer, **overrides: Any) -> dict[str, Any]:
    """Arguments of the source pointed at `server`, as the flow passes them."""
    kwargs = {
        "access_tokens": dict(credentials.PINTEREST_ACCESS_TOKENS),
        "base_url": f"{server.url}/pinterest/v5",
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "lookback_days": helpers.LOOKBACK_DAYS,
    }
    return {**kwargs, **overrides}


def expected(as_of: dt.date) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    truth = Truth(as_of)
    months = truth.months()
    pins = {m: truth.posts_published("pinterest", m) for m in months if truth.posts_published("pinterest", m)}
    analytics = {m: (truth.organic_impressions("pinterest", m), truth.engagements("pinterest", m)) for m in months}
    return pins, {m: v for m, v in analytics.items() if v[0]}


def all_pins_before(cutoff: dt.datetime) -> list[Any]:
    return [p for a in PIN_ACCOUNTS for p in pins_before(cutoff, a.index)]


def loaded(helpers: Any, db: Path) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    pins = dict(helpers.query(db, MONTHLY_PINS))
    analytics = {m: (imp, eng) for m, imp, eng in helpers.query(db, MONTHLY_ANALYTICS)}
    return pins, analytics


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, sandbox: SandboxServer, helpers: Any) -> dict[str, Any]:
    """One first run at AS_OF with small pages."""
    base = tmp_path_factory.mktemp("pinterest_first")
    db = base / "warehouse.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, base / "pipelines")
    before = helpers.count_requests(sandbox, "/pinterest/v5/pins")
    patch = pytest.MonkeyPatch()
    patch.setattr(pin_settings, "PAGE_SIZE", 10)
    try:
        pipeline.run(pinterest_source(**pin_kwargs(helpers, sandbox)))
    finally:
        patch.undo()
    return {
        "db": db,
        "extracted": rows_extracted(pipeline),
        "pin_requests": helpers.count_requests(sandbox, "/pinterest/v5/pins") - before,
    }


def test_full_load_equals_truth_per_month(first_run: dict[str, Any], sandbox: SandboxServer, helpers: Any) -> None:
    assert loaded(helpers, first_run["db"]) == expected(sandbox.as_of)
    n_pins = len(all_pins_before(sandbox.world.cutoff))
    assert first_run["extracted"]["pins"] == n_pins and first_run["pin_requests"] >= n_pins // 10
    last_day = sandbox.as_of - dt.timedelta(days=1)
    snapshots = helpers.query(
        first_run["db"],
        f"select account_id, username, follower_count, snapshot_date from {DATASET}.user_accounts order by 1",
    )
    assert snapshots == [
        (a.user_id, a.username, PIN_TOTALS.total(last_day, a.index), sandbox.as_of) for a in PIN_ACCOUNTS
    ]
    assert sum(row[2] for row in snapshots) == Truth(sandbox.as_of).followers_total("pinterest", last_day)
    statuses = helpers.query(
        first_run["db"],
        f"select account_id, data_status from {DATASET}.account_analytics_daily where date = '{last_day}' order by 1",
    )
    assert statuses == [(a.user_id, "ESTIMATE") for a in PIN_ACCOUNTS]
    per_account = helpers.query(
        first_run["db"], f"select account_id, count(*) from {DATASET}.pins group by 1 order by 1"
    )
    assert per_account == [(a.user_id, len(pins_before(sandbox.world.cutoff, a.index))) for a in PIN_ACCOUNTS]


def test_raw_contract_types(first_run: dict[str, Any], helpers: Any) -> None:
    types = dict(
        helpers.query(
            first_run["db"],
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = '{DATASET}' and table_name = 'account_analytics_daily'",
        )
    )
    assert types["date"] == "DATE" and types["impression"] == "BIGINT" and types["account_id"] == "VARCHAR"


def test_second_run_rereads_lookback_and_replaces_estimates(
    first_run: dict[str, Any],
    sandbox: SandboxServer,
    sandbox_next: SandboxServer,
    helpers: Any,
    tmp_path: Path,
) -> None:
    db, pipeline = helpers.next_run_pipeline(first_run["db"], DATASET, tmp_path)
    pipeline.run(pinterest_source(**pin_kwargs(helpers, sandbox_next)))
    extracted = rows_extracted(pipeline)
    # per account: look-back + last day + new day
    assert extracted["account_analytics_daily"] == (helpers.LOOKBACK_DAYS + 2) * len(PIN_ACCOUNTS)
    since = sandbox.world.cutoff - dt.timedelta(days=helpers.LOOKBACK_DAYS)
    assert extracted["pins"] == sum(1 for p in all_pins_before(sandbox_next.world.cutoff) if p.created_at >= since)
    assert loaded(helpers, db) == expected(sandbox_next.as_of)
    [(estimates,)] = helpers.query(
        db, f"select count(*) from {DATASET}.account_analytics_daily where data_status = 'ESTIMATE'"
    )
    assert estimates == len(PIN_ACCOUNTS)
    [(snapshots,)] = helpers.query(db, f"select count(*) from {DATASET}.user_accounts")
    assert snapshots == 2 * len(PIN_ACCOUNTS)


def test_account_added_later_is_read_from_start_date(
    sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    """A first run knows the main account only; the next run adds the second one, which is read in full."""
    db = tmp_path / "w.duckdb"
    pipeline = helpers.new_pipeline(db, DATASET, tmp_path / "pipelines")
    main_only = {PIN_MAIN.username: credentials.PINTEREST_ACCESS_TOKENS[PIN_MAIN.username]}
    pipeline.run(pinterest_source(**pin_kwargs(helpers, sandbox, access_tokens=main_only)))
    pipeline.run(pinterest_source(**pin_kwargs(helpers, sandbox_next)))
    assert loaded(helpers, db) == expected(sandbox_next.as_of)


def test_429_with_retry_after_and_5xx_are_retried(faulty_sandbox: Any, helpers: Any, tmp_path: Path) -> None:
    server = faulty_sandbox(
        Faults(
            rate_limit_first_n={"pin_pins": 1, "pin_account": 1},
            server_errors_first_n={"pin_analytics": 3},
            retry_after_seconds=1.0,
        )
    )
    pipeline = helpers.new_pipeline(tmp_path / "w.duckdb", DATASET, tmp_path / "pipelines")
    started = time.perf_counter()
    pipeline.run(pinterest_source(**pin_kwargs(helpers, server)))
    assert time.perf_counter() - started >= 1.0
    assert loaded(helpers, tmp_path / "w.duckdb") == expected(server.as_of)


def test_expired_token_gives_clear_error_without_the_token(
    sandbox: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    token = "pina_expired-pinterest-token-123456"
    tokens = {PIN_MAIN.username: token}
    message = helpers.auth_failure(
        tmp_path, DATASET, pinterest_source, pin_kwargs(helpers, sandbox, access_tokens=tokens), token
    )
    assert message.startswith(f"pinterest: GET /user_account for account {PIN_MAIN.username}")
    assert "HTTP 401" in message and "code 2" in message and "Authentication failed." in message
    assert "set the account's entry in sources.pinterest.access_tokens" in message


def test_token_of_another_account_is_refused_by_name(sandbox: SandboxServer, helpers: Any, tmp_path: Path) -> None:
    """A token filed under the wrong username would load one account's pins under another's name: refused."""
    kids = PIN_ACCOUNTS[1]
    swapped = {PIN_MAIN.username: credentials.PINTEREST_ACCESS_TOKENS[kids.username]}
    token = swapped[PIN_MAIN.username]
    message = helpers.auth_failure(
        tmp_path, DATASET, pinterest_source, pin_kwargs(helpers, sandbox, access_tokens=swapped), token
    )
    assert message.startswith(f"pinterest: GET /user_account for account {PIN_MAIN.username} failed")
    assert f"the token belongs to the account {kids.username}" in message
    assert f"set sources.pinterest.access_tokens.{PIN_MAIN.username}" in message


@pytest.mark.parametrize("tokens", [{}, {"northwindthreads": " "}])
def test_missing_tokens_are_a_clear_config_error(tokens: dict[str, str], sandbox: SandboxServer, helpers: Any) -> None:
    with pytest.raises(ValueError, match=r"^pinterest: .*sources\.pinterest\.access_tokens"):
        pinterest_source(**pin_kwargs(helpers, sandbox, access_tokens=tokens))


def test_duplicate_page_loads_every_pin_once(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Page 1 served again as page 2: each pin is loaded once and the raw tables equal the clean run's."""
    server, db = fault_run(
        Faults(duplicate_page=("pin",)), DATASET, lambda s: pinterest_source(**pin_kwargs(helpers, s))
    )
    assert loaded(helpers, db) == expected(server.as_of)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)


def test_sandbox_served_new_field_changes_nothing(first_run: dict[str, Any], fault_run: Any, helpers: Any) -> None:
    """Every record carries a field the connector has never seen: the load succeeds with the same rows and columns
    (an unknown field is not loaded, see docs/design.md)."""
    server, db = fault_run(Faults(extra_field=("pin",)), DATASET, lambda s: pinterest_source(**pin_kwargs(helpers, s)))
    assert loaded(helpers, db) == expected(server.as_of)
    helpers.assert_loads_the_same(db, first_run["db"], DATASET)
