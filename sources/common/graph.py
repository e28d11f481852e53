"""Meta Graph API access shared by the Meta Ads, Instagram and Facebook Pages connectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import requests

from sources.common.dates import api_timestamp
from sources.common.http import ApiClient, ErrorInfo

__all__ = [
    "GraphClient",
    "graph_error_info",
    "is_graph_throttle_or_transient",
    "lifetime_insights",
    "pivot_daily_series",
]

# Codes Meta documents as "wait and retry": API unknown/service, app/user/page/custom throttles,
# and the business-use-case (ads insights, ads management, ...) limits.
THROTTLE_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, *range(80000, 80015)})
AUTH_CODES = frozenset({102, 190, 463, 467})
PERMISSION_CODES = frozenset({3, 10, *range(200, 300)})


def _error_body(response: requests.Response | None) -> dict[str, Any]:
    if response is None:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def is_graph_throttle_or_transient(response: requests.Response | None, exception: BaseException | None) -> bool:
    """Retry predicate: Meta signals throttling with HTTP 400/403 and a code, and flags transient errors."""
    if response is None or response.status_code < 400:
        return False
    error = _error_body(response)
    if not error:
        return False
    return bool(error.get("is_transient")) or error.get("code") in THROTTLE_CODES


def graph_error_info(response: requests.Response, token_setting: str) -> ErrorInfo:
    """Explain a Graph API error response, with the fix; `token_setting` names the config key of the token."""
    error = _error_body(response)
    if not error:
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    code = error.get("code")
    subcode = error.get("error_subcode")
    label = f"{error.get('type') or 'error'} {code}" + (f"/{subcode}" if subcode else "")
    message = str(error.get("message") or "no message")
    if error.get("fbtrace_id"):
        message += f" (fbtrace_id {error['fbtrace_id']})"
    hint: str | None
    auth = False
    if code in AUTH_CODES or (error.get("type") == "OAuthException" and code is None):
        hint = f"access token expired or invalid: generate a new token and set {token_setting}"
        auth = True
    elif code in PERMISSION_CODES:
        hint = f"the token lacks a permission for this object: grant it, or set another token in {token_setting}"
        auth = True
    elif code == 100:
        hint = "invalid parameter or unknown object: check the account/page id and the API version in base_url"
    elif code == 803:
        hint = "the object does not exist or is not visible to this token: check the configured ids"
    elif code in THROTTLE_CODES or error.get("is_transient"):
        hint = "Meta is throttling or temporarily failing even after retries: wait a while and rerun"
    else:
        hint = "see Meta's Graph API error reference for this code"
    return ErrorInfo(message=message, code=label, hint=hint, auth=auth)


class GraphClient:
    """GETs Graph API objects and follows cursor paging (`paging.cursors.after` until `next` is absent)."""

    def __init__(self, source: str, base_url: str, access_token: str, token_setting: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self.api = ApiClient(
            source,
            error_parser=lambda r: graph_error_info(r, token_setting),
            retry_condition=is_graph_throttle_or_transient,
            secrets=[access_token],
        )

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, account: str | None = None) -> Any:
        """GET `{base_url}/{path}` with the token; returns the decoded JSON."""
        query = {**(params or {}), "access_token": self._token}
        return self.api.get_json(
            f"{self.base_url}/{path.lstrip('/')}",
            params=query,
            account=account,
            endpoint=f"/{path.lstrip('/')}",
        )

    def pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, account: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield the `data` list of each page of an edge, following `after` cursors to the last page."""
        query = dict(params or {})
        while True:
            body = self.get(path, query, account=account)
            yield list(body.get("data") or [])
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            query["after"] = after


def lifetime_insights(node: dict[str, Any] | None) -> dict[str, Any]:
    """`{"data": [{"name", "values": [{"value"}]}]}` (a node's expanded `insights`) as {metric: value}."""
    values: dict[str, Any] = {}
    for metric in (node or {}).get("data") or []:
        points = metric.get("values") or []
        if metric.get("name") and points:
            values[metric["name"]] = points[-1].get("value")
    return values


def pivot_daily_series(series: list[dict[str, Any]], first: dt.date, last: dt.date) -> dict[dt.date, dict[str, Any]]:
    """Pivot `period=day` insight series to {day: {metric: value}} for days in [first, last].

    A value's day is the UTC date of its `end_time` minus one day (end_time is the end of the day).
    """
    days: dict[dt.date, dict[str, Any]] = {}
    for metric in series:
        name = metric.get("name")
        if not name:
            continue
        for point in metric.get("values") or []:
            end_time = api_timestamp(point.get("end_time"), "end_time")
            if end_time is None:
                continue
            day = end_time.date() - dt.timedelta(days=1)
            if first <= day <= last:
                days.setdefault(day, {})[name] = point.get("value")
    return days
