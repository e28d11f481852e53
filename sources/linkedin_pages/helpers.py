"""LinkedIn Pages: the API client (versioned /rest headers, Rest.li 2.0 queries), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

import pyarrow as pa

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field
from sources.common.cursors import Chunk
from sources.common.dates import api_epoch, day_windows
from sources.common.errors import ColumnTypeError
from sources.common.http import ApiClient
from sources.common.linkedin import LinkedInHints, linkedin_error_info
from sources.linkedin_pages import settings

_STATS_FIELDS = [field(column, pa.int64()) for _, column in settings.SHARE_METRICS]

ORGANIZATIONS_SCHEMA = pa.schema(
    [
        field("organization_id", pa.string(), nullable=False),
        field("organization_urn", pa.string()),
        field("followers_count", pa.int64()),
        field("snapshot_date", pa.date32(), nullable=False),
    ]
)

POSTS_SCHEMA = pa.schema(
    [
        field("organization_id", pa.string()),
        field("id", pa.string(), nullable=False),
        field("commentary", pa.string()),
        field("lifecycle_state", pa.string()),
        field("visibility", pa.string()),
        field("published_at", TIMESTAMP),
        field("last_modified_at", TIMESTAMP),
        *_STATS_FIELDS,
        field("engagement", pa.float64()),
    ]
)

SHARE_STATS_SCHEMA = pa.schema(
    [
        field("organization_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        *_STATS_FIELDS,
        field("engagement", pa.float64()),
    ]
)

FOLLOWER_STATS_SCHEMA = pa.schema(
    [
        field("organization_id", pa.string(), nullable=False),
        field("date", pa.date32(), nullable=False),
        field("organic_follower_gain", pa.int64()),
        field("paid_follower_gain", pa.int64()),
    ]
)


def organization_urn(organization_id: str) -> str:
    """`urn:li:organization:<id>` (an id given as a URN is kept)."""
    return organization_id if organization_id.startswith("urn:li:") else f"urn:li:organization:{organization_id}"


ERROR_HINTS = LinkedInHints(
    unauthorized=(
        "the access token expired (60 days) or was revoked: refresh it (refresh tokens last 365 days) or "
        f"re-authorize with rw_organization_admin, and set {settings.TOKEN_SETTING}"
    ),
    forbidden=(
        "the authorizing member must be an ADMINISTRATOR of the page and the token needs "
        f"rw_organization_admin: check sources.linkedin_pages.organization_ids and {settings.TOKEN_SETTING}"
    ),
    version_setting=settings.VERSION_SETTING,
    other="see the LinkedIn Community Management API error codes",
)


def _ms(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC).timestamp() * 1000)


def _from_ms(value: Any, field: str) -> dt.datetime | None:
    if isinstance(value, dict | list):  # a changed type: the post's time decides its window, so it cannot wait
        raise ColumnTypeError("published_at", value, "epoch milliseconds")
    return api_epoch(value, field, milliseconds=True)


def time_intervals(first: dt.date, last: dt.date) -> str:
    """Rest.li 2.0 `timeIntervals` of the UTC days [first, last] at DAY granularity."""
    end = last + dt.timedelta(days=1)
    return f"(timeRange:(start:{_ms(first)},end:{_ms(end)}),timeGranularityType:DAY)"


class LinkedInClient:
    """GETs versioned /rest endpoints with the Bearer token, `LinkedIn-Version` and Rest.li 2.0 headers."""

    def __init__(self, base_url: str, access_token: str, version: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=partial(linkedin_error_info, hints=ERROR_HINTS),
            headers={
                "Authorization": f"Bearer {access_token}",
                "LinkedIn-Version": str(version),
                "X-Restli-Protocol-Version": settings.RESTLI_PROTOCOL_VERSION,
            },
            secrets=[access_token],
        )

    def get(self, path: str, query: Sequence[tuple[str, str]], *, account: str) -> dict[str, Any]:
        """GET `{base_url}/{path}?{query}`; values are sent as given (Rest.li syntax, URNs pre-encoded)."""
        endpoint = f"/{path.split('/')[0]}"
        url = f"{self.base_url}/{path}?" + "&".join(f"{k}={v}" for k, v in query)
        body = self.api.get_json(url, account=account, endpoint=endpoint)
        return body if isinstance(body, dict) else {}

    def posts(self, organization_id: str, since: dt.datetime) -> Iterator[list[dict[str, Any]]]:
        """Pages of the organization's posts, newest first, until a page reaches posts published before `since`."""
        urn = quote(organization_urn(organization_id), safe="")
        start = 0
        while True:
            query = [
                ("q", "author"),
                ("author", urn),
                ("sortBy", "CREATED"),
                ("count", str(settings.POSTS_PAGE_SIZE)),
                ("start", str(start)),
            ]
            body = self.get(settings.POSTS_PATH, query, account=organization_id)
            elements = [e for e in body.get("elements") or [] if isinstance(e, dict)]
            yield elements
            total = (body.get("paging") or {}).get("total")
            start += len(elements)
            oldest = (
                _from_ms(elements[-1].get("publishedAt") or elements[-1].get("createdAt"), "publishedAt")
                if elements
                else None
            )
            if not elements or (total is not None and start >= int(total)) or (oldest is not None and oldest < since):
                return

    def post_statistics(self, organization_id: str, urns: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Lifetime share statistics of posts, by post URN (`shares=List(...)`, batched)."""
        org = quote(organization_urn(organization_id), safe="")
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(urns), settings.SHARES_PER_CALL):
            batch = ",".join(quote(u, safe="") for u in urns[i : i + settings.SHARES_PER_CALL])
            query = [("q", "organizationalEntity"), ("organizationalEntity", org), ("shares", f"List({batch})")]
            body = self.get(settings.SHARE_STATS_PATH, query, account=organization_id)
            for element in body.get("elements") or []:
                key = element.get("share") or element.get("ugcPost")
                if key:
                    out[str(key)] = element.get("totalShareStatistics") or {}
        return out

    def daily(self, path: str, organization_id: str, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
        """Elements of a time-bound statistics call over the UTC days [first, last]."""
        org = quote(organization_urn(organization_id), safe="")
        query = [
            ("q", "organizationalEntity"),
            ("organizationalEntity", org),
            ("timeIntervals", time_intervals(first, last)),
        ]
        body = self.get(path, query, account=organization_id)
        return [e for e in body.get("elements") or [] if isinstance(e, dict)]

    def followers(self, organization_id: str) -> int | None:
        """Total followers (`networkSizes`, edgeType COMPANY_FOLLOWED_BY_MEMBER)."""
        path = settings.NETWORK_SIZE_PATH.format(urn=quote(organization_urn(organization_id), safe=""))
        body = self.get(path, [("edgeType", "COMPANY_FOLLOWED_BY_MEMBER")], account=organization_id)
        size = body.get("firstDegreeSize")
        return None if size is None else int(size)


def _stats_columns(stats: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {column: stats.get(name) for name, column in settings.SHARE_METRICS}
    engagement = stats.get("engagement")
    row["engagement"] = None if engagement is None else float(engagement)
    return row


def post_row(raw: Mapping[str, Any], organization_id: str, stats: Mapping[str, Any]) -> dict[str, Any]:
    """Shape a post and its lifetime statistics to the `posts` raw contract."""
    return {
        "organization_id": organization_id,
        "id": str(raw["id"]),
        "commentary": raw.get("commentary"),
        "lifecycle_state": raw.get("lifecycleState"),
        "visibility": raw.get("visibility"),
        "published_at": _from_ms(raw.get("publishedAt") or raw.get("createdAt"), "publishedAt"),
        "last_modified_at": _from_ms(raw.get("lastModifiedAt"), "lastModifiedAt"),
    } | _stats_columns(stats)


def _element_day(element: Mapping[str, Any]) -> dt.date | None:
    start = _from_ms((element.get("timeRange") or {}).get("start"), "timeRange.start")
    return None if start is None else start.date()


def post_chunks(
    client: LinkedInClient, organizations_since: Sequence[tuple[str, dt.datetime]], until: dt.datetime
) -> Iterator[Chunk]:
    """Posts of each organization published in [since, until) with their lifetime statistics, then a mark."""
    for organization_id, since in organizations_since:
        wanted = []
        for page in client.posts(organization_id, since):
            for raw in page:
                published = _from_ms(raw.get("publishedAt") or raw.get("createdAt"), "publishedAt")
                if published is not None and since <= published < until and raw.get("id"):
                    wanted.append(raw)
        stats = client.post_statistics(organization_id, [str(raw["id"]) for raw in wanted])
        buffer = ColumnBuffer(POSTS_SCHEMA)
        buffer.extend(post_row(raw, organization_id, stats.get(str(raw["id"]), {})) for raw in wanted)
        yield Chunk(organization_id, buffer.flush() if len(buffer) else None, read_through=until)


def share_stats_chunks(
    client: LinkedInClient, organizations_since: Sequence[tuple[str, dt.date]], last: dt.date
) -> Iterator[Chunk]:
    """Daily page share statistics of each organization from `since` to `last` (UTC days)."""
    for organization_id, since in organizations_since:
        for first, window_last in day_windows(since, last, settings.WINDOW_DAYS):
            buffer = ColumnBuffer(SHARE_STATS_SCHEMA)
            for element in client.daily(settings.SHARE_STATS_PATH, organization_id, first, window_last):
                day = _element_day(element)
                if day is not None and first <= day <= window_last:
                    row = {"organization_id": organization_id, "date": day}
                    buffer.append(row | _stats_columns(element.get("totalShareStatistics") or {}))
            yield Chunk(organization_id, buffer.flush() if len(buffer) else None, read_through=window_last)


def follower_stats_chunks(
    client: LinkedInClient, organizations_since: Sequence[tuple[str, dt.date]], last: dt.date
) -> Iterator[Chunk]:
    """Daily organic and paid follower gains of each organization from `since` to `last` (UTC days)."""
    for organization_id, since in organizations_since:
        for first, window_last in day_windows(since, last, settings.WINDOW_DAYS):
            buffer = ColumnBuffer(FOLLOWER_STATS_SCHEMA)
            for element in client.daily(settings.FOLLOWER_STATS_PATH, organization_id, first, window_last):
                day = _element_day(element)
                gains = element.get("followerGains") or {}
                if day is not None and first <= day <= window_last:
                    buffer.append(
                        {
                            "organization_id": organization_id,
                            "date": day,
                            "organic_follower_gain": gains.get("organicFollowerGain"),
                            "paid_follower_gain": gains.get("paidFollowerGain"),
                        }
                    )
            yield Chunk(organization_id, buffer.flush() if len(buffer) else None, read_through=window_last)
