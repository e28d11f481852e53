"""Shared fixtures for the sandbox tests: servers at fixed run dates and small HTTP helpers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import requests

from sandbox.credentials import META_ACCESS_TOKEN, shopify_token
from sandbox.server import SandboxServer

AS_OF = date(2026, 11, 22)
SMALL_AS_OF = date(2025, 4, 15)


@pytest.fixture(scope="session")
def server() -> Iterator[SandboxServer]:
    """The sandbox at AS_OF."""
    with SandboxServer(AS_OF) as s:
        yield s


@pytest.fixture(scope="session")
def small_server() -> Iterator[SandboxServer]:
    """The sandbox at SMALL_AS_OF (few orders, for full loads over HTTP)."""
    with SandboxServer(SMALL_AS_OF) as s:
        yield s


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    """A shared HTTP session."""
    with requests.Session() as s:
        yield s


GraphGet = Callable[..., requests.Response]


def make_graph_get(http: requests.Session, base: str) -> GraphGet:
    """GET {base}/graph/v23.0/{path} with the sandbox token unless token=None/other is given."""

    def get(path: str, token: str | None = META_ACCESS_TOKEN, **params: Any) -> requests.Response:
        if token is not None:
            params["access_token"] = token
        return http.get(f"{base}/graph/v23.0/{path}", params=params, timeout=30)

    return get


@pytest.fixture(scope="session")
def graph_get(server: SandboxServer, http: requests.Session) -> GraphGet:
    """Graph GET against the AS_OF server."""
    return make_graph_get(http, server.url)


def fetch_insights(get: GraphGet, account: str, since: date, until: date, limit: int = 500) -> list[dict]:
    """All insights rows of an account for a date range, following paging.next."""
    fields = (
        "account_id,account_currency,campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,"
        "date_start,date_stop,spend,impressions,clicks,reach,actions,action_values,video_play_actions"
    )
    resp = get(
        f"act_{account}/insights",
        level="ad",
        time_increment="1",
        fields=fields,
        limit=str(limit),
        time_range=json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
    )
    rows = []
    while True:
        assert resp.status_code == 200, resp.text
        body = resp.json()
        rows.extend(body["data"])
        nxt = body.get("paging", {}).get("next")
        if not nxt:
            return rows
        resp = requests.get(nxt, timeout=30)


def fetch_orders(http: requests.Session, base: str, shop: str, **params: str) -> tuple[list[dict], int]:
    """All orders of a shop following Link rel=next; returns (orders, number of pages)."""
    url: str | None = f"{base}/shopify/{shop}/admin/api/2024-10/orders.json"
    query: dict[str, str] | None = {"status": "any", "limit": "250", **params}
    orders, pages = [], 0
    while url:
        resp = http.get(url, params=query, headers={"X-Shopify-Access-Token": shopify_token(shop)}, timeout=30)
        assert resp.status_code == 200, resp.text
        orders.extend(resp.json()["orders"])
        pages += 1
        url, query = resp.links.get("next", {}).get("url"), None
    return orders, pages


@pytest.fixture(scope="session")
def insights_loader() -> Callable[..., list[dict]]:
    """fetch_insights as a fixture."""
    return fetch_insights


@pytest.fixture(scope="session")
def orders_loader() -> Callable[..., tuple[list[dict], int]]:
    """fetch_orders as a fixture."""
    return fetch_orders


@pytest.fixture(scope="session")
def graph_factory(http: requests.Session) -> Callable[[str], GraphGet]:
    """Build a Graph GET helper for any server URL."""
    return lambda base: make_graph_get(http, base)
