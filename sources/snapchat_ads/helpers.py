"""Snapchat Ads: OAuth access tokens, the API client (errors, retries, paging), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa
import requests

from sources.common.arrow import ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import api_timestamp, day_windows
from sources.common.errors import SourceApiError, SourceAuthError, mask_secrets
from sources.common.http import ApiClient, ErrorInfo
from sources.common.parallel import stream_parallel
from sources.snapchat_ads import settings

AD_ACCOUNTS_SCHEMA = pa.schema(
    [
        field("ad_account_id", pa.string(), nullable=False),
        field("name", pa.string()),
        field("currency", pa.string()),
        field("timezone", pa.string()),
    ]
)

AD_INSIGHTS_SCHEMA = pa.schema(
    [
        field("ad_account_id", pa.string(), nullable=False),
        field("account_currency", pa.string()),
        field("account_timezone", pa.string()),
        field("campaign_id", pa.string()),
        field("campaign_name", pa.string()),
        field("ad_squad_id", pa.string()),
        field("ad_squad_name", pa.string()),
        field("ad_id", pa.string(), nullable=False),
        field("ad_name", pa.string()),
        field("date", pa.date32(), nullable=False),
        field("impressions", pa.int64()),
        field("swipes", pa.int64()),
        field("spend", pa.int64()),
        field("video_views", pa.int64()),
        field("conversion_purchases", pa.int64()),
        field("conversion_purchases_value", pa.int64()),
    ]
)
# Stats columns that hold micro-currency (millionths of the account currency), as the API reports them.
MICRO_COLUMNS = ("spend", "conversion_purchases_value")


def _hint(response: requests.Response, body: Mapping[str, Any]) -> ErrorInfo:
    """What a final error response means and what to do, from the token endpoint's or the API's body."""
    status = response.status_code
    oauth_error = body.get("error") if isinstance(body.get("error"), str) else None
    if oauth_error is not None:
        message = f"{oauth_error}: {body.get('error_description') or 'no description'}"
        if oauth_error == "invalid_grant":
            hint = (
                "the refresh token is expired or revoked: re-authorize the Snapchat app (OAuth authorization code "
                f"flow, scope snapchat-marketing-api) and set {settings.REFRESH_TOKEN_SETTING}"
            )
            return ErrorInfo(message=message, code=oauth_error, hint=hint, auth=True)
        if oauth_error in ("invalid_client", "unauthorized_client") or status == 401:
            hint = f"the OAuth app credentials were rejected: check {settings.CLIENT_SETTINGS}"
            return ErrorInfo(message=message, code=oauth_error, hint=hint, auth=True)
        return ErrorInfo(message=message, code=oauth_error, hint="the token request failed: rerun later")
    message = str(body.get("debug_message") or body.get("display_message") or response.reason or "no message")
    if body.get("request_id"):
        message += f" (request_id {body['request_id']})"
    code = body.get("error_code")
    if status == 401:
        hint = (
            "the access token was rejected even after minting a new one: re-authorize the Snapchat app and set "
            f"{settings.REFRESH_TOKEN_SETTING} (and check {settings.CLIENT_SETTINGS})"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if status == 403:
        hint = (
            "the authorized Snapchat user has no access to this ad account: grant it access in Ads Manager, or set "
            f"a refresh token of a user who has it in {settings.REFRESH_TOKEN_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if status == 404:
        return ErrorInfo(message=message, code=code, hint="unknown ad account: check ad_account_ids and base_url")
    if status == 429 or status >= 500:
        return ErrorInfo(message=message, code=code, hint="Snapchat is rate limiting or failing after retries: rerun")
    return ErrorInfo(message=message, code=code, hint="invalid request: check ad_account_ids, base_url and dates")


def snapchat_error_info(response: requests.Response) -> ErrorInfo:
    """Explain a final error response of the token endpoint (`{"error", "error_description"}`) or of the API
    (`{"request_status": "ERROR", "debug_message", "error_code", ...}`)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    return _hint(response, body)


class SnapchatHttp(ApiClient):
    """An ApiClient that sends per-request headers (the current bearer token) and form POSTs (the token grant)."""

    def add_secret(self, value: str) -> None:
        """Scrub `value` (a newly minted access token) from every later error message too."""
        if value and value not in self._secrets:
            self._secrets.append(value)

    def send(
        self,
        method: str,
        url: str,
        *,
        account: str | None,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send one request (retrying 429/5xx, honouring Retry-After); raise `SourceApiError` on a final error."""
        endpoint = urlsplit(url).path
        try:
            response = self._client.request(method, url, params=params, data=data, headers=dict(headers or {}))
        except requests.RequestException as exc:
            raise SourceApiError(
                self.source,
                account=account,
                endpoint=endpoint,
                status=None,
                platform_message=mask_secrets(type(exc).__name__, self._secrets),
                hint="the API could not be reached after retries: check base_url, token_url and the network",
                method=method,
            ) from None
        finally:
            self.request_count += 1
        if response.status_code >= 400:
            raise self._error(response, account, endpoint, method=method)
        return response


class AccessTokens:
    """Mints access tokens from the refresh token (OAuth 2 refresh_token grant) and renews them when they expire
    or are rejected. Shared by the worker threads."""

    def __init__(self, http: SnapchatHttp, token_url: str, client_id: str, client_secret: str, refresh_token: str):
        self._http = http
        self._token_url = token_url
        self._grant = {
            "grant_type": "refresh_token",
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
        }
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def current(self) -> str:
        """A token that has not reached its expiry (minus a safety margin), minting one when needed."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._mint()
            return self._token  # type: ignore[return-value]

    def renew(self, rejected: str) -> str:
        """A new token after the API rejected `rejected` (another thread may already have replaced it)."""
        with self._lock:
            if self._token == rejected:
                self._mint()
            return self._token  # type: ignore[return-value]

    def _mint(self) -> None:
        response = self._http.send("POST", self._token_url, account=None, data=self._grant)
        endpoint = urlsplit(self._token_url).path
        body = self._http.decode(response, account=None, endpoint=endpoint, method="POST")
        try:
            token, expires_in = str(body["access_token"]), float(body.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError):
            raise SourceApiError(
                settings.SOURCE_NAME,
                account=None,
                endpoint=endpoint,
                status=response.status_code,
                platform_message="the token response has no access_token",
                hint="check that token_url points at the Snapchat OAuth token endpoint",
                method="POST",
            ) from None
        self._http.add_secret(token)
        self._token = token
        self._expires = time.monotonic() + max(0.0, expires_in - settings.TOKEN_REFRESH_MARGIN_SECONDS)


class SnapchatClient:
    """GETs Snapchat Marketing API endpoints with a bearer token, minting a new one once on HTTP 401."""

    def __init__(self, base_url: str, token_url: str, client_id: str, client_secret: str, refresh_token: str):
        self.base_url = base_url.rstrip("/")
        self.http = SnapchatHttp(
            settings.SOURCE_NAME,
            error_parser=snapchat_error_info,
            secrets=[client_secret, refresh_token],
        )
        self.tokens = AccessTokens(self.http, token_url, client_id, client_secret, refresh_token)

    def get(self, path_or_url: str, params: Mapping[str, Any] | None, *, account: str) -> dict[str, Any]:
        """GET a path below base_url (or a paging.next_link URL) and return its JSON body."""
        url = path_or_url if path_or_url.startswith("http") else f"{self.base_url}/{path_or_url.lstrip('/')}"
        token = self.tokens.current()
        try:
            response = self._get(url, params, token, account)
        except SourceAuthError as error:
            if error.status != 401:
                raise
            response = self._get(url, params, self.tokens.renew(token), account)
        body = self.http.decode(response, account=account, endpoint=urlsplit(url).path)
        if not isinstance(body, dict):
            raise SourceApiError(
                settings.SOURCE_NAME,
                account=account,
                endpoint=urlsplit(url).path,
                status=response.status_code,
                platform_message=f"response is not a JSON object: {response.text[:200]!r}",
                hint="check that base_url points at the Snapchat Marketing API",
            )
        return body

    def _get(self, url: str, params: Mapping[str, Any] | None, token: str, account: str) -> requests.Response:
        return self.http.send("GET", url, account=account, params=params, headers={"Authorization": f"Bearer {token}"})

    def pages(self, path: str, params: Mapping[str, Any], *, account: str) -> Iterator[dict[str, Any]]:
        """Yield the body of every page, following `paging.next_link` (which carries the query) to the end."""
        body = self.get(path, params, account=account)
        yield body
        while next_link := (body.get("paging") or {}).get("next_link"):
            body = self.get(next_link, None, account=account)
            yield body


def _malformed(account: str, endpoint: str, what: str) -> SourceApiError:
    return SourceApiError(
        settings.SOURCE_NAME,
        account=account,
        endpoint=endpoint,
        status=200,
        platform_message=f"unexpected response: {what}",
        hint="the Snapchat API answered in an unknown shape: check base_url and the API version (v1)",
    )


def _items(body: Mapping[str, Any], plural: str, singular: str, account: str, endpoint: str) -> list[dict[str, Any]]:
    """The records of a `{plural: [{"sub_request_status", singular: {...}}]}` answer; a failed item is an error."""
    out = []
    for item in body.get(plural) or []:
        status = str(item.get("sub_request_status") or "SUCCESS").upper()
        record = item.get(singular)
        if status != "SUCCESS" or not isinstance(record, dict) or not record.get("id"):
            raise _malformed(account, endpoint, f"{plural} item {str(item)[:200]} has status {status} or no id")
        out.append(record)
    return out


class AccountDirectory:
    """Reads each ad account (currency, time zone) and its ads' names and parents once, for every resource."""

    def __init__(self, client: SnapchatClient) -> None:
        self._client = client
        self._accounts: dict[str, dict[str, Any]] = {}
        self._ads: dict[str, dict[str, dict[str, Any]]] = {}

    def get(self, account_id: str) -> dict[str, Any]:
        """The account's `ad_account_id`, `name`, `currency`, `timezone` (GET /adaccounts/{id})."""
        if account_id not in self._accounts:
            path = settings.AD_ACCOUNT_PATH.format(account_id=account_id)
            body = self._client.get(path, None, account=account_id)
            records = _items(body, "adaccounts", "adaccount", account_id, f"/{path}")
            info = next((r for r in records if str(r["id"]) == account_id), None)
            if info is None:
                raise _malformed(account_id, f"/{path}", "the ad account is not in the answer")
            self._accounts[account_id] = {
                "ad_account_id": account_id,
                "name": info.get("name"),
                "currency": info.get("currency"),
                "timezone": info.get("timezone"),
            }
        return self._accounts[account_id]

    def ads(self, account_id: str) -> dict[str, dict[str, Any]]:
        """ad id -> ad_name, ad_squad_id, ad_squad_name, campaign_id, campaign_name (from the entity lists)."""
        if account_id not in self._ads:
            lists = {kind: self._entities(account_id, kind) for kind in settings.ENTITY_LISTS}
            campaigns, squads = lists["campaigns"], lists["adsquads"]
            ads = {}
            for ad_id, ad in lists["ads"].items():
                squad = squads.get(str(ad.get("ad_squad_id")), {})
                campaign = campaigns.get(str(squad.get("campaign_id")), {})
                ads[ad_id] = {
                    "ad_name": ad.get("name"),
                    "ad_squad_id": ad.get("ad_squad_id"),
                    "ad_squad_name": squad.get("name"),
                    "campaign_id": squad.get("campaign_id"),
                    "campaign_name": campaign.get("name"),
                }
            self._ads[account_id] = ads
        return self._ads[account_id]

    def _entities(self, account_id: str, kind: str) -> dict[str, dict[str, Any]]:
        """Every record of an entity list by id (a record served twice by shifting pages is kept once)."""
        path = f"{settings.AD_ACCOUNT_PATH.format(account_id=account_id)}/{kind}"
        out: dict[str, dict[str, Any]] = {}
        for body in self._client.pages(path, {"limit": settings.PAGE_LIMIT}, account=account_id):
            for record in _items(body, kind, settings.ENTITY_SINGULAR[kind], account_id, f"/{path}"):
                out[str(record["id"])] = record
        return out


def account_midnight(day: dt.date, timezone: ZoneInfo) -> str:
    """Midnight starting `day` in the account time zone, ISO 8601 with that day's UTC offset (DST aware)."""
    return dt.datetime.combine(day, dt.time(0), timezone).isoformat()


def account_zone(account: Mapping[str, Any]) -> ZoneInfo:
    """The account's IANA time zone (the day boundaries of its stats)."""
    try:
        return ZoneInfo(str(account.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        raise SourceApiError(
            settings.SOURCE_NAME,
            account=account["ad_account_id"],
            endpoint=f"/{settings.AD_ACCOUNT_PATH.format(account_id=account['ad_account_id'])}",
            status=200,
            platform_message=f"unknown ad account timezone {account.get('timezone')!r}",
            hint="the account's timezone must be an IANA name such as Europe/London",
        ) from None


def stats_params(since: dt.date, until: dt.date, timezone: ZoneInfo) -> dict[str, Any]:
    """Query of one DAY-granularity stats request over the account-timezone days [since, until]."""
    return {
        "granularity": settings.GRANULARITY,
        "breakdown": settings.BREAKDOWN,
        "fields": ",".join(settings.STATS_FIELDS),
        "start_time": account_midnight(since, timezone),
        "end_time": account_midnight(until + dt.timedelta(days=1), timezone),
    }


def to_int(value: Any, *, account: str, name: str) -> int | None:
    """A stat value (a JSON number, or a numeric string) as an integer; anything else is a clear error."""
    if value is None:
        return None
    try:
        return int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        raise _malformed(account, f"/{settings.STATS_PATH.format(account_id=account)}", f"{name}={value!r}") from None


def stats_row(
    ad_id: str, entry: Mapping[str, Any], account: Mapping[str, Any], ad: Mapping[str, Any], timezone: ZoneInfo
) -> dict[str, Any] | None:
    """Shape one day of an ad's timeseries to the `ad_insights` raw contract; None for a day without delivery."""
    account_id = account["ad_account_id"]
    stats = entry.get("stats") or {}
    values = {name: to_int(stats.get(name), account=account_id, name=name) for name in settings.STATS_FIELDS}
    if not any(values.values()):
        return None
    start = api_timestamp(entry.get("start_time"), "timeseries.start_time")  # another format: DateFormatError
    if start is None:
        path = f"/{settings.STATS_PATH.format(account_id=account_id)}"
        raise _malformed(account_id, path, f"ad {ad_id} has a timeseries entry without a start_time")
    day = start.astimezone(timezone).date()
    return {
        "ad_account_id": account_id,
        "account_currency": account.get("currency"),
        "account_timezone": account.get("timezone"),
        "campaign_id": ad.get("campaign_id"),
        "campaign_name": ad.get("campaign_name"),
        "ad_squad_id": ad.get("ad_squad_id"),
        "ad_squad_name": ad.get("ad_squad_name"),
        "ad_id": ad_id,
        "ad_name": ad.get("ad_name"),
        "date": day,
        **values,
    }


def breakdown_ads(body: Mapping[str, Any], account_id: str) -> Iterator[dict[str, Any]]:
    """The per-ad entries (`breakdown_stats.ad`) of a stats answer's `timeseries_stats`."""
    path = f"/{settings.STATS_PATH.format(account_id=account_id)}"
    for item in body.get("timeseries_stats") or []:
        status = str(item.get("sub_request_status") or "SUCCESS").upper()
        stat = item.get("timeseries_stat")
        if status != "SUCCESS" or not isinstance(stat, dict):
            raise _malformed(account_id, path, f"timeseries_stats item with status {status}")
        for ad_stat in (stat.get("breakdown_stats") or {}).get(settings.BREAKDOWN) or []:
            if not ad_stat.get("id"):
                raise _malformed(account_id, path, f"breakdown entry without an id: {str(ad_stat)[:200]}")
            yield ad_stat


def window_chunk(
    client: SnapchatClient,
    account: Mapping[str, Any],
    ads: Mapping[str, Mapping[str, Any]],
    since: dt.date,
    until: dt.date,
) -> Iterator[Chunk]:
    """Read every page of an account's daily ad stats for [since, until] into one table (one row per ad x day)."""
    account_id = account["ad_account_id"]
    timezone = account_zone(account)
    params = stats_params(since, until, timezone)
    rows: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for body in client.pages(settings.STATS_PATH.format(account_id=account_id), params, account=account_id):
        for ad_stat in breakdown_ads(body, account_id):
            ad_id = str(ad_stat["id"])
            for entry in ad_stat.get("timeseries") or []:
                row = stats_row(ad_id, entry, account, ads.get(ad_id, {}), timezone)
                if row is not None:
                    rows[(ad_id, row["date"])] = row  # an ad served again on a shifted page is kept once
    buffer = ColumnBuffer(AD_INSIGHTS_SCHEMA)
    buffer.extend(rows[key] for key in sorted(rows))
    yield Chunk(account_id, buffer.flush() if len(buffer) else None, read_through=until)


def insights_chunks(
    client: SnapchatClient,
    accounts: Sequence[tuple[Mapping[str, Any], Mapping[str, Mapping[str, Any]], dt.date]],
    until: dt.date,
    workers: int = settings.MAX_WORKERS,
) -> Iterator[Chunk]:
    """Stats of each (account, ads, since) from `since` to `until`, in 31-day windows fetched concurrently."""
    producers = [
        partial(window_chunk, client, account, ads, first, last)
        for account, ads, since in accounts
        for first, last in day_windows(since, until, settings.WINDOW_DAYS)
    ]
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
