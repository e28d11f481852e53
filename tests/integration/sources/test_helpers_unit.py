"""Unit tests of the connectors' pure helpers (no HTTP, no dlt pipeline)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from functools import partial

import pytest
import requests

from sources.common.arrow import MONEY, ColumnBuffer, decimal_array
from sources.common.dates import day_windows, parse_timestamp, resolve_cutoff, unix
from sources.common.errors import SourceApiError, find_source_error, mask_secrets, mask_url
from sources.common.graph import (
    GraphClient,
    graph_error_info,
    is_graph_throttle_or_transient,
    pivot_daily_series,
)
from sources.common.http import parse_retry_after
from sources.common.parallel import stream_parallel
from sources.common.privacy import pseudonymise
from sources.facebook_pages.helpers import post_row
from sources.instagram.helpers import media_row
from sources.meta_ads.helpers import AD_INSIGHTS_SCHEMA, insight_row, normalize_account_id
from sources.shopify.helpers import order_rows, shopify_error_info


def _response(status: int, body: object, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update(headers or {})
    response.url = "https://graph.facebook.com/v23.0/act_1/insights?access_token=SECRET-TOKEN&limit=5"
    return response


def test_day_windows_cover_range_without_overlap() -> None:
    windows = list(day_windows(dt.date(2025, 1, 1), dt.date(2025, 3, 5), 30))
    assert windows[0] == (dt.date(2025, 1, 1), dt.date(2025, 1, 30))
    assert windows[-1][1] == dt.date(2025, 3, 5)
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end + dt.timedelta(days=1)
    assert list(day_windows(dt.date(2025, 1, 2), dt.date(2025, 1, 1), 30)) == []


def test_cutoff_is_start_of_run_date_in_reporting_timezone() -> None:
    assert resolve_cutoff(dt.date(2025, 3, 1), None) == dt.datetime(2025, 3, 2, 5, tzinfo=dt.UTC)
    assert resolve_cutoff(dt.date(2025, 7, 1), None) == dt.datetime(2025, 7, 2, 4, tzinfo=dt.UTC)
    explicit = resolve_cutoff(dt.date(2025, 7, 1), "2025-07-02T00:00:00+02:00")
    assert explicit == dt.datetime(2025, 7, 1, 22, tzinfo=dt.UTC)


def test_timestamps_parse_graph_and_shopify_offsets() -> None:
    assert parse_timestamp("2026-10-05T14:23:11+0000") == dt.datetime(2026, 10, 5, 14, 23, 11, tzinfo=dt.UTC)
    assert parse_timestamp("2025-03-01T10:15:00-05:00") == dt.datetime(2025, 3, 1, 15, 15, tzinfo=dt.UTC)
    assert parse_timestamp(None) is None
    assert unix(dt.date(2025, 1, 1)) == 1735689600


def test_decimal_array_exact_and_rounding() -> None:
    assert decimal_array(["12.34", "-1.5", None, 3]).to_pylist() == [
        Decimal("12.34"),
        Decimal("-1.50"),
        None,
        Decimal("3.00"),
    ]
    assert decimal_array(["1.005", "2.3449"]).to_pylist() == [Decimal("1.01"), Decimal("2.34")]
    assert decimal_array([]).type == MONEY


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2.0") == 2.0
    assert parse_retry_after("1") == 1.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None


def test_mask_url_and_secrets() -> None:
    url = "https://x/v23.0/me?access_token=EAAB123&after=abc"
    assert "EAAB123" not in mask_url(url)
    assert "after=abc" in mask_url(url)
    assert mask_secrets("token EAAB123 leaked", ["EAAB123", None]) == "token *** leaked"


def test_graph_error_bad_token_is_explained() -> None:
    body = {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
    info = graph_error_info(_response(400, body), "sources.meta_ads.access_token")
    assert info.auth
    assert "generate a new token and set sources.meta_ads.access_token" in (info.hint or "")
    assert "190" in str(info.code)


def test_graph_throttle_and_transient_are_retried_but_bad_params_not() -> None:
    throttle = _response(400, {"error": {"message": "User request limit reached", "code": 17}})
    transient = _response(500, {"error": {"message": "x", "code": 2, "is_transient": True}})
    bad_param = _response(400, {"error": {"message": "bad", "code": 100}})
    assert is_graph_throttle_or_transient(throttle, None)
    assert is_graph_throttle_or_transient(transient, None)
    assert not is_graph_throttle_or_transient(bad_param, None)
    assert not is_graph_throttle_or_transient(None, ConnectionError())


def test_source_error_message_names_everything_and_is_found_in_chain() -> None:
    error = SourceApiError(
        "meta_ads",
        account="1001",
        endpoint="/act_1001/insights",
        status=400,
        code="OAuthException 190",
        platform_message="Invalid OAuth access token.",
        hint="access token expired or invalid",
    )
    text = str(error)
    for part in ("meta_ads", "1001", "/act_1001/insights", "HTTP 400", "190", "Invalid OAuth", "expired"):
        assert part in text
    try:
        try:
            raise error
        except SourceApiError as inner:
            raise RuntimeError("pipeline failed") from inner
    except RuntimeError as outer:
        assert find_source_error(outer) is error


def test_insight_row_shapes_actions() -> None:
    raw = {
        "account_id": "1001",
        "account_currency": "USD",
        "campaign_id": "c1",
        "campaign_name": "spring_genz_conv_us_202503",
        "adset_id": "s1",
        "adset_name": "s",
        "ad_id": "a1",
        "ad_name": "a",
        "date_start": "2025-03-02",
        "date_stop": "2025-03-02",
        "spend": "12.34",
        "impressions": "1000",
        "clicks": "12",
        "reach": "900",
        "actions": [{"action_type": "link_click", "value": "12"}, {"action_type": "purchase", "value": "3"}],
        "action_values": [{"action_type": "purchase", "value": "150.5"}],
        "video_play_actions": [{"action_type": "video_view", "value": "321"}],
    }
    row = insight_row(raw, "1001", "America/Los_Angeles", "purchase")
    assert row["conversions"] == 3.0
    assert row["conversion_value"] == Decimal("150.5")
    assert row["video_views"] == 321
    assert row["date_start"] == dt.date(2025, 3, 2)
    assert json.loads(row["actions"])[1]["value"] == "3"
    bare = insight_row({**raw, "actions": None, "action_values": None, "video_play_actions": None}, "1", None, "x")
    assert bare["conversions"] == 0.0 and bare["video_views"] == 0 and bare["actions"] is None
    buffer = ColumnBuffer(AD_INSIGHTS_SCHEMA)
    buffer.append(row)
    table = buffer.flush()
    assert table.schema == AD_INSIGHTS_SCHEMA
    assert table.column("spend").to_pylist() == [Decimal("12.34")]
    assert normalize_account_id("act_1001") == "1001"


def test_pivot_daily_series_uses_end_time_minus_one_day() -> None:
    series = [
        {"name": "reach", "values": [{"value": 5, "end_time": "2025-01-02T08:00:00+0000"}]},
        {"name": "follower_count", "values": [{"value": 2, "end_time": "2025-01-02T08:00:00+0000"}]},
        {"name": "reach", "values": [{"value": 9, "end_time": "2025-01-05T08:00:00+0000"}]},
    ]
    days = pivot_daily_series(series, dt.date(2025, 1, 1), dt.date(2025, 1, 3))
    assert days == {dt.date(2025, 1, 1): {"reach": 5, "follower_count": 2}}


def test_media_and_post_rows() -> None:
    media = media_row(
        {
            "id": "m1",
            "timestamp": "2025-02-03T10:00:00+0000",
            "like_count": 3,
            "insights": {"data": [{"name": "reach", "period": "lifetime", "values": [{"value": 40}]}]},
        },
        "ig1",
    )
    assert media["reach"] == 40 and media["views"] is None and media["account_id"] == "ig1"
    post = post_row(
        {
            "id": "p1",
            "created_time": "2025-02-03T10:00:00+0000",
            "shares": {"count": 2},
            "comments": {"data": [], "summary": {"total_count": 7}},
            "insights": {
                "data": [
                    {"name": "post_impressions", "values": [{"value": 100}]},
                    {"name": "post_reactions_by_type_total", "values": [{"value": {"like": 4, "love": 1}}]},
                ]
            },
        },
        "page1",
    )
    assert (post["shares"], post["comments"], post["impressions"], post["reactions"]) == (2, 7, 100, 5)
    assert json.loads(post["reactions_by_type"]) == {"like": 4, "love": 1}


def test_order_rows_split_into_three_tables() -> None:
    order = {
        "id": 11,
        "name": "#1001",
        "created_at": "2025-03-01T10:15:00-05:00",
        "updated_at": "2025-03-04T09:00:00-05:00",
        "processed_at": "2025-03-01T10:15:00-05:00",
        "cancelled_at": None,
        "subtotal_price": "90.00",
        "total_shipping_price_set": {"shop_money": {"amount": "5.95"}},
        "discount_codes": [{"code": "ANNA10", "amount": "10.00", "type": "percentage"}, {"code": "X"}],
        "customer": {"id": 77, "created_at": "2025-01-01T00:00:00+01:00"},
        "line_items": [{"id": 1, "quantity": 2, "price": "50.00", "total_discount": "10.00"}],
        "refunds": [
            {
                "id": 5,
                "created_at": "2025-03-04T09:00:00-05:00",
                "refund_line_items": [{"id": 9, "line_item_id": 1, "quantity": 1, "subtotal": "45.00"}],
            }
        ],
    }
    head, lines, refunds = order_rows(order, "northwind-us", "helpers-test-salt-0123456789")
    assert head["discount_codes"] == "ANNA10,X"
    assert head["total_shipping"] == "5.95"
    assert head["created_at"] == dt.datetime(2025, 3, 1, 15, 15, tzinfo=dt.UTC)
    assert head["customer_id"] == pseudonymise(77, "helpers-test-salt-0123456789")
    assert lines[0]["order_id"] == 11 and lines[0]["shop"] == "northwind-us"
    assert refunds[0]["refund_id"] == 5 and refunds[0]["line_item_id"] == 1


def test_shopify_401_is_explained_per_shop() -> None:
    body = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
    info = shopify_error_info(_response(401, body), "northwind-eu")
    assert info.auth
    assert "sources.shopify.access_tokens.northwind-eu" in (info.hint or "")
    assert "Invalid API key" in info.message


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80004])
def test_graph_throttle_codes(code: int) -> None:
    assert is_graph_throttle_or_transient(_response(400, {"error": {"message": "slow down", "code": code}}), None)


def test_unreachable_api_error_masks_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNTIME__REQUEST_BACKOFF_FACTOR", "0.01")
    monkeypatch.setenv("RUNTIME__REQUEST_MAX_ATTEMPTS", "2")
    client = GraphClient("meta_ads", "http://127.0.0.1:9/graph/v23.0", "EAAB-secret-999", "sources.meta_ads.x")
    with pytest.raises(SourceApiError) as raised:
        client.get("act_1001", {"fields": "name"}, account="1001")
    message = str(raised.value)
    assert message.startswith("meta_ads: GET /act_1001 for account 1001 failed")
    assert "could not be reached" in message
    assert "EAAB-secret-999" not in message
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_stream_parallel_yields_everything_and_raises_the_first_error() -> None:
    def produce(n: int) -> Iterator[int]:
        for i in range(n):
            time.sleep(0.001)
            yield n * 100 + i

    producers = [partial(produce, n) for n in (1, 5, 3, 20)]
    items = list(stream_parallel(producers, workers=3, buffer=2))
    assert sorted(items) == sorted(x for n in (1, 5, 3, 20) for x in range(n * 100, n * 100 + n))
    by_producer = [x for x in items if 2000 <= x < 2100]
    assert by_producer == sorted(by_producer)  # one producer's items keep their order

    def failing() -> Iterator[int]:
        yield 1
        raise SourceApiError("x", account="a", endpoint="/e", status=500, platform_message="boom")

    def endless() -> Iterator[int]:
        while True:
            time.sleep(0.001)
            yield 0

    started = time.perf_counter()
    with pytest.raises(SourceApiError, match="boom"):
        list(stream_parallel([endless, failing, endless], workers=3))
    assert time.perf_counter() - started < 2
