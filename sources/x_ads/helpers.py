"""X Ads: the OAuth 1.0a API client (errors, x-rate-limit-reset, cursor paging), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import requests
from dlt.sources.helpers.requests import Session
from requests_oauthlib import OAuth1

from sources.common.arrow import ColumnBuffer, field, table_from_columns
from sources.common.cursors import Chunk
from sources.common.dates import api_timestamp, day_windows
from sources.common.errors import ColumnTypeError, SourceApiError
from sources.common.http import ApiClient, ErrorInfo
from sources.common.parallel import stream_parallel
from sources.x.helpers import rate_limit_reset_hook
from sources.x_ads import settings

ACCOUNTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("timezone", pa.string()),
    ]
)

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("account_currency", pa.string()),
        field("account_timezone", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("line_item_id", pa.string()),
        field("line_item_name", pa.string()),
        field("promoted_tweet_id", pa.string(), nullable=False),
        field("tweet_id", pa.string()),
        field("stat_date", pa.date32(), nullable=False),
        *(field(metric, pa.int64()) for metric in settings.METRICS),
        *(field(f"conversion_purchases_{key}", pa.int64()) for key in settings.PURCHASE_METRICS),
    ]
)


def x_ads_error_info(response: requests.Response) -> ErrorInfo:
    """Explain an X Ads error body `{"errors": [{"code", "message"}], "request": {...}}`."""
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) and isinstance(body.get("errors"), list) else []
    errors = [e for e in errors if isinstance(e, dict)]
    if not errors:
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    message = "; ".join(str(e.get("message") or e.get("code")) for e in errors)
    code = errors[0].get("code")
    if response.status_code in (401, 403):
        hint = (
            "the OAuth 1.0a credentials were refused (access token revoked or regenerated, wrong consumer key or "
            "secret, or the user has no access to this ad account): regenerate the access token and secret of a "
            "user with access to the ad account in the X developer portal (app > Keys and tokens) and set "
            f"{', '.join(settings.CREDENTIAL_SETTINGS)}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if response.status_code == 429:
        return ErrorInfo(message=message, code=code, hint="X Ads rate limit still exceeded after retries: rerun later")
    if code == "INVALID_PARAMETER":
        return ErrorInfo(message=message, code=code, hint="invalid parameter: check account_ids and base_url")
    if response.status_code == 404:
        return ErrorInfo(message=message, code=code, hint="unknown ad account: check sources.x_ads.account_ids")
    return ErrorInfo(message=message, code=code, hint="see the X Ads API error codes and responses")


def sign_each_attempt(send: Callable[..., requests.Response], signer: OAuth1) -> Callable[..., requests.Response]:
    """Re-wrap a retrying `Session.send` so that every attempt carries a fresh OAuth 1.0a signature.

    X refuses a replayed nonce and stale timestamps, so a retried request (after a 429 wait) must be signed again.
    """
    raw_send, retrying = send.__wrapped__, send.retry  # type: ignore[attr-defined]

    def signed_send(request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.headers.pop("Authorization", None)  # else its oauth_* parameters would be signed too
        return raw_send(signer(request), **kwargs)

    return retrying.wraps(signed_send)


class XAdsClient:
    """GETs X Ads API endpoints signed with OAuth 1.0a (HMAC-SHA1); retries 429 at `x-rate-limit-reset`."""

    def __init__(
        self, base_url: str, consumer_key: str, consumer_secret: str, access_token: str, access_token_secret: str
    ) -> None:
        self.base_url = base_url.rstrip("/")
        secrets = [consumer_key, consumer_secret, access_token, access_token_secret]
        self.api = ApiClient(settings.SOURCE_NAME, error_parser=x_ads_error_info, secrets=secrets)
        signer = OAuth1(consumer_key, consumer_secret, access_token, access_token_secret)
        client = self.api._client
        make_session = client._make_session

        def _make_session() -> Session:
            session = make_session()
            session.hooks["response"].append(rate_limit_reset_hook)
            session.send = sign_each_attempt(session.send, signer)  # type: ignore[method-assign]
            return session

        client._make_session = _make_session  # type: ignore[method-assign]

    def get(self, path: str, params: Mapping[str, Any], *, account: str) -> dict[str, Any]:
        """GET `{base_url}/{path}` and return the decoded body."""
        endpoint = f"/{path}"
        body = self.api.get_json(f"{self.base_url}{endpoint}", params=params, account=account, endpoint=endpoint)
        if not isinstance(body, dict):
            raise SourceApiError(
                settings.SOURCE_NAME,
                account=account,
                endpoint=endpoint,
                status=200,
                platform_message=f"unexpected response body {str(body)[:200]!r}",
                hint="check that base_url points at the X Ads API",
            )
        return body

    def list_all(self, path: str, *, account: str) -> Iterator[dict[str, Any]]:
        """Every record of a cursor-paged listing (`count`, `cursor` -> `next_cursor`)."""
        params: dict[str, Any] = {"count": settings.PAGE_SIZE}
        while True:
            body = self.get(path, params, account=account)
            yield from (r for r in body.get("data") or [] if isinstance(r, dict))
            cursor = body.get("next_cursor")
            if not cursor:
                return
            params = {**params, "cursor": cursor}


class AccountDirectory:
    """Reads each ad account once (`GET accounts/:id` and its funding instruments) and shares it."""

    def __init__(self, client: XAdsClient) -> None:
        self._client = client
        self._accounts: dict[str, dict[str, Any]] = {}

    def get(self, account_id: str) -> dict[str, Any]:
        """The account's `account_id`, `name`, `currency` (of its funding instruments), `timezone` (IANA)."""
        if account_id not in self._accounts:
            data = self._client.get(settings.ACCOUNT_PATH.format(account_id=account_id), {}, account=account_id)
            account = data.get("data") or {}
            path = settings.FUNDING_INSTRUMENTS_PATH.format(account_id=account_id)
            currencies = [fi.get("currency") for fi in self._client.list_all(path, account=account_id)]
            self._accounts[account_id] = {
                "account_id": account_id,
                "name": account.get("name"),
                "currency": next((c for c in currencies if c), None),
                "timezone": account.get("timezone"),
            }
        return self._accounts[account_id]


def accounts_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """The `ad_accounts` rows as an Arrow table."""
    return table_from_columns({name: [row[name] for row in rows] for name in ACCOUNTS_SCHEMA.names}, ACCOUNTS_SCHEMA)


def _by_id(records: Iterator[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records keyed by id (a record served twice, e.g. on a shifted page, counts once)."""
    return {str(r["id"]): r for r in records if r.get("id") is not None}


def promoted_tweets(client: XAdsClient, account_id: str) -> list[dict[str, Any]]:
    """Each promoted tweet of the account with its line item and campaign ids and names."""
    campaigns = _by_id(client.list_all(settings.CAMPAIGNS_PATH.format(account_id=account_id), account=account_id))
    items = _by_id(client.list_all(settings.LINE_ITEMS_PATH.format(account_id=account_id), account=account_id))
    tweets = _by_id(client.list_all(settings.PROMOTED_TWEETS_PATH.format(account_id=account_id), account=account_id))
    out = []
    for tweet_id, tweet in sorted(tweets.items()):
        item = items.get(str(tweet.get("line_item_id")), {})
        campaign = campaigns.get(str(item.get("campaign_id")), {})
        out.append(
            {
                "promoted_tweet_id": tweet_id,
                "tweet_id": tweet.get("tweet_id"),
                "line_item_id": tweet.get("line_item_id"),
                "line_item_name": item.get("name"),
                "campaign_id": item.get("campaign_id"),
                "campaign_name": campaign.get("name"),
                "start_time": item.get("start_time"),
                "end_time": item.get("end_time"),
            }
        )
    return out


def _instant(value: Any, field: str) -> dt.datetime | None:
    return api_timestamp(value, field)


def _rfc3339(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def serving_in(tweets: Sequence[Mapping[str, Any]], start: dt.datetime, end: dt.datetime) -> list[Mapping[str, Any]]:
    """The promoted tweets whose line item's flight overlaps [start, end) (unknown flights are kept)."""
    out = []
    for tweet in tweets:
        first, last = _instant(tweet.get("start_time"), "start_time"), _instant(tweet.get("end_time"), "end_time")
        if (first is None or first < end) and (last is None or last > start):
            out.append(tweet)
    return out


def stats_params(ids: Sequence[str], start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Query of one synchronous daily PROMOTED_TWEET stats request over [start, end)."""
    return {
        "entity": settings.ENTITY,
        "entity_ids": ",".join(ids),
        "start_time": _rfc3339(start),
        "end_time": _rfc3339(end),
        "granularity": settings.GRANULARITY,
        "placement": settings.PLACEMENT,
        "metric_groups": ",".join(settings.METRIC_GROUPS),
    }


def _value(metrics: dict[str, Any], metric: str, index: int) -> int | None:
    """One day of a metric array; a null metric (no data in the range) is None. Anything but an array of numbers
    is a changed type: ColumnTypeError names the metric."""
    series = metrics.get(metric)
    if series is None:
        return None
    if not isinstance(series, list):
        raise ColumnTypeError(metric, series, "an array of daily numbers")
    value = series[index] if index < len(series) else None
    if isinstance(value, dict | list):
        raise ColumnTypeError(metric, value, "int64")
    return None if value is None else int(value)


def stat_rows(
    entry: Mapping[str, Any], tweet: Mapping[str, Any], account: Mapping[str, Any], days: Sequence[dt.date]
) -> Iterator[dict[str, Any]]:
    """Rows of one stats `data` entry: a row per day on which the promoted tweet has any non-zero metric."""
    for id_data in entry.get("id_data") or []:
        metrics = id_data.get("metrics") or {}
        purchases = metrics.get("conversion_purchases") or {}
        for i, day in enumerate(days):
            values = {metric: _value(metrics, metric, i) for metric in settings.METRICS}
            values |= {f"conversion_purchases_{k}": _value(purchases, k, i) for k in settings.PURCHASE_METRICS}
            if not any(values.values()):
                continue
            yield {
                "account_id": account["account_id"],
                "account_currency": account.get("currency"),
                "account_timezone": account.get("timezone"),
                "campaign_id": tweet.get("campaign_id"),
                "campaign_name": tweet.get("campaign_name"),
                "line_item_id": tweet.get("line_item_id"),
                "line_item_name": tweet.get("line_item_name"),
                "promoted_tweet_id": tweet["promoted_tweet_id"],
                "tweet_id": tweet.get("tweet_id"),
                "stat_date": day,
            } | values


def window_chunk(
    client: XAdsClient,
    account: Mapping[str, Any],
    tweets: Sequence[Mapping[str, Any]],
    first: dt.date,
    last: dt.date,
) -> Iterator[Chunk]:
    """Stats of the account's promoted tweets for the account-timezone days [first, last], 20 ids a request."""
    account_id = account["account_id"]
    tz = ZoneInfo(account["timezone"])
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    by_id = {t["promoted_tweet_id"]: t for t in serving_in(tweets, start, end)}
    ids = sorted(by_id)
    rows: dict[tuple[str, dt.date], dict[str, Any]] = {}
    path = settings.STATS_PATH.format(account_id=account_id)
    for i in range(0, len(ids), settings.MAX_ENTITY_IDS):
        body = client.get(path, stats_params(ids[i : i + settings.MAX_ENTITY_IDS], start, end), account=account_id)
        for entry in body.get("data") or []:
            tweet = by_id.get(str(entry.get("id")))
            if tweet is None:
                continue  # an entity not asked for
            for row in stat_rows(entry, tweet, account, days):
                rows[(row["promoted_tweet_id"], row["stat_date"])] = row  # an entity served twice counts once
    buffer = ColumnBuffer(AD_INSIGHTS_SCHEMA)
    buffer.extend(rows.values())
    yield Chunk(account_id, buffer.flush() if len(buffer) else None, read_through=last)


def insights_chunks(
    client: XAdsClient,
    accounts: Sequence[tuple[Mapping[str, Any], dt.date]],
    until: dt.date,
    workers: int = settings.MAX_WORKERS,
) -> Iterator[Chunk]:
    """Stats of each (account, since) from `since` to `until`, in 7-day windows fetched concurrently."""
    producers = []
    for account, since in accounts:
        if account.get("timezone") is None:
            raise SourceApiError(
                settings.SOURCE_NAME,
                account=account["account_id"],
                endpoint=f"/{settings.ACCOUNT_PATH.format(account_id=account['account_id'])}",
                status=200,
                platform_message="the account has no timezone",
                hint="check sources.x_ads.account_ids (ad account ids such as 18ce54d4x5t)",
            )
        tweets = promoted_tweets(client, account["account_id"])
        producers.extend(
            partial(window_chunk, client, account, tweets, first, last)
            for first, last in day_windows(since, until, settings.WINDOW_DAYS)
        )
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
