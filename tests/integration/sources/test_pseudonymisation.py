"""The customer-data connectors against the sandbox, which serves names, emails, phones, addresses and IPs with every
order and charge: none of it is loaded, customer ids arrive hashed, the salt shows up nowhere (logs, output, trace,
state, data), and a run with another salt is refused before it mixes two sets of customer ids, until the source is
reloaded from scratch."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dlt.pipeline.exceptions import PipelineStepFailed
from pii_scan import PiiScanner, describe, duckdb_file, sandbox_personal_data

from sandbox import credentials
from sandbox.server import SandboxServer
from sources.common import find_source_error
from sources.common.errors import CustomerSaltError
from sources.common.privacy import pseudonymise
from sources.shopify import shopify_source
from sources.stripe import stripe_source

SALT = "integration-salt-7c41e9a2b65d0f83"


def test_personal_data_and_the_salt_stay_out_of_everything(
    sandbox: SandboxServer,
    helpers: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "warehouse.duckdb"
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="dlt")
    traces, states = [], []
    for dataset, source in (
        ("raw_shopify", shopify_source(**helpers.source_kwargs("shopify", sandbox, pii_salt=SALT))),
        ("raw_stripe", stripe_source(**_stripe_kwargs(helpers, sandbox))),
    ):
        pipeline = helpers.new_pipeline(db, dataset, tmp_path / "pipelines")
        pipeline.run(source)
        traces.append(str(pipeline.last_trace))
        states.append(json.dumps(pipeline.state, default=str))
    out, err = capfd.readouterr()
    for where, text in {"logs": caplog.text, "stdout": out, "stderr": err, "trace": traces, "state": states}.items():
        assert SALT not in str(text), where

    found = PiiScanner(sandbox_personal_data(sandbox.as_of)).scan(duckdb_file(db))
    assert not found, describe(found)
    assert not PiiScanner([SALT]).scan(duckdb_file(db))
    hashed = helpers.query(
        db,
        "select count(*), count(*) filter (where regexp_full_match(customer_id, '[0-9a-f]{64}')) "
        "from raw_shopify.orders where customer_id is not null",
    )
    assert hashed[0][0] > 1000 and hashed[0][0] == hashed[0][1]


def _stripe_kwargs(helpers: Any, server: SandboxServer) -> dict[str, Any]:
    return {
        **credentials.source_settings(server.url)["stripe"],
        "start_date": helpers.START_DATE,
        "end_date": helpers.end_date_for(server),
        "pii_salt": SALT,
    }


def test_a_run_with_another_salt_is_refused_and_loads_nothing(
    sandbox: SandboxServer, sandbox_next: SandboxServer, helpers: Any, tmp_path: Path
) -> None:
    db = tmp_path / "warehouse.duckdb"
    helpers.new_pipeline(db, "raw_shopify", tmp_path / "first").run(
        shopify_source(**helpers.source_kwargs("shopify", sandbox, pii_salt=SALT))
    )
    before = helpers.query(db, "select count(*), count(distinct customer_id) from raw_shopify.orders")
    pipeline = helpers.new_pipeline(db, "raw_shopify", tmp_path / "second")
    with pytest.raises(PipelineStepFailed) as raised:
        pipeline.run(shopify_source(**helpers.source_kwargs("shopify", sandbox_next, pii_salt=SALT[::-1])))
    error = find_source_error(raised.value)
    assert isinstance(error, CustomerSaltError)
    assert str(error).startswith("shopify: [socialmart] pii_salt is not the salt the loaded customer ids were")
    assert SALT not in str(error) and SALT[::-1] not in str(error)
    assert helpers.query(db, "select count(*), count(distinct customer_id) from raw_shopify.orders") == before
    # The reload of docs/privacy.md: drop the source's schema (its dlt state goes with it), and the new salt loads
    # the whole history again, every customer under one new id.
    with duckdb.connect(str(db)) as con:
        con.execute("drop schema raw_shopify cascade")
    helpers.new_pipeline(db, "raw_shopify", tmp_path / "third").run(
        shopify_source(**helpers.source_kwargs("shopify", sandbox_next, pii_salt=SALT[::-1]))
    )
    after = helpers.query(db, "select count(*), count(distinct customer_id) from raw_shopify.orders")
    assert after[0][0] > before[0][0] and after[0][1] >= before[0][1]
    order = sandbox_next.world.orders["northwind-us"][0]
    [(customer_id,)] = helpers.query(db, f"select customer_id from raw_shopify.orders where id = {order.id}")
    assert customer_id == pseudonymise(order.customer_id, SALT[::-1])
