"""Replica of the LinkedIn Community Management API (versioned `/rest`) endpoints the LinkedIn Pages connector uses.

Base `{url}/linkedin/rest` (real: `https://api.linkedin.com/rest`). Headers: `Authorization: Bearer <token>`,
`LinkedIn-Version: YYYYMM` (required; an unknown version answers 426 NONEXISTENT_VERSION) and
`X-Restli-Protocol-Version: 2.0.0`. Rest.li 2.0 query syntax: `timeIntervals=(timeRange:(start:<ms>,end:<ms>),
timeGranularityType:DAY)`, `shares=List(urn%3Ali%3Ashare%3A1,...)`. Errors `{"status", "serviceErrorCode", "code",
"message"}`; throttles 429 TOO_MANY_REQUESTS with Retry-After (injected). Time-bound statistics use UTC days and
only cover finished days.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import unquote

from sandbox.constants import EPOCH
from sandbox.credentials import LINKEDIN_ACCESS_TOKEN, LINKEDIN_VERSIONS
from sandbox.faults import FaultState
from sandbox.http_util import Response
from sandbox.linkedin_social import (
    LI_ORGANIZATION_URN,
    LI_TOTALS,
    LiPost,
    li_follower_gains,
    li_posts_before,
    li_share_day,
)
from sandbox.world import World

MAX_COUNT = 100
MAX_SHARES_PER_CALL = 100
_INTERVALS = re.compile(
    r"^\(timeRange:\(start:(?P<start>\d+),end:(?P<end>\d+)\),timeGranularityType:(?P<granularity>DAY|MONTH)\)$"
)


class LinkedInError(Exception):
    """An error answered with a LinkedIn error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        service_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.service_code = status, code, message, service_code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON error body."""
        out: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        if self.service_code is not None:
            out["serviceErrorCode"] = self.service_code
        return out


def _bad(message: str) -> LinkedInError:
    return LinkedInError(400, "ILLEGAL_ARGUMENT", message, 100)


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _utc_day_start(day: date) -> int:
    return _ms(datetime.combine(day, datetime.min.time(), UTC))


class LinkedInApi:
    """Serves /linkedin/rest/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /linkedin/; parts are the path segments after 'linkedin'."""
        try:
            if not parts or parts[0] != "rest":
                raise LinkedInError(404, "NOT_FOUND", "Not Found")
            route = parts[1:]
            if route == ["posts"]:
                family, handler = "li_posts", self._posts
            elif route == ["organizationalEntityShareStatistics"]:
                family, handler = "li_sharestats", self._share_statistics
            elif route == ["organizationalEntityFollowerStatistics"]:
                family, handler = "li_followerstats", self._follower_statistics
            elif len(route) == 2 and route[0] == "networkSizes":
                family, handler = "li_network", self._network_size
                query = {**query, "_urn": unquote(route[1])}
            else:
                raise LinkedInError(404, "NOT_FOUND", f"No virtual resource found: /{'/'.join(route)}")
            outcome = self.faults.decide(family)
            if outcome is not None:
                raise self._fault_error(outcome)
            self._check_headers(headers)
            return Response(200, handler(query))
        except LinkedInError as e:
            return Response(e.status, e.body(), e.headers)

    def _fault_error(self, outcome: str) -> LinkedInError:
        if outcome == "server_error":
            return LinkedInError(500, "INTERNAL_SERVER_ERROR", "Internal Server Error")
        retry = {"Retry-After": f"{self.faults.faults.retry_after_seconds:.0f}"}
        message = "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."
        return LinkedInError(429, "TOO_MANY_REQUESTS", message, 101, retry)

    def _check_headers(self, headers: dict[str, str]) -> None:
        if headers.get("authorization") != f"Bearer {LINKEDIN_ACCESS_TOKEN}":
            raise LinkedInError(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)
        version = headers.get("linkedin-version")
        if not version:
            raise LinkedInError(400, "VERSION_MISSING", "A version must be present. Please specify a version.")
        if version not in LINKEDIN_VERSIONS:
            raise LinkedInError(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
        if headers.get("x-restli-protocol-version") != "2.0.0":
            raise _bad("Rest.li protocol version 2.0.0 is required (X-Restli-Protocol-Version header)")

    def _organization(self, urn: str | None) -> None:
        if not urn:
            raise _bad("organizationalEntity/author is required")
        if urn != LI_ORGANIZATION_URN:
            raise LinkedInError(403, "ACCESS_DENIED", f"Not enough permissions to access: {urn}", 100)

    def _int(self, query: dict[str, str], name: str, default: int, hi: int) -> int:
        raw = query.get(name)
        if raw is None:
            return default
        if not raw.isdigit() or int(raw) > hi:
            raise _bad(f"Invalid value for parameter '{name}': {raw}")
        return int(raw)

    def _posts(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /rest/posts?q=author&author=<urn>&count&start&sortBy (newest first)."""
        if query.get("q") != "author":
            raise _bad("Only the author finder (q=author) is replicated")
        self._organization(query.get("author"))
        if query.get("sortBy", "LAST_MODIFIED") not in ("LAST_MODIFIED", "CREATED"):
            raise _bad(f"Invalid sortBy {query['sortBy']}")
        start = self._int(query, "start", 0, 10**9)
        count = self._int(query, "count", 10, MAX_COUNT)
        posts = self.faults.paged("li_posts", list(reversed(li_posts_before(self.world.cutoff))), count)
        chunk = posts[start : start + count]
        return {
            "paging": {"start": start, "count": count, "links": [], "total": len(posts)},
            "elements": [self.faults.drifted("li_posts", self._post(p)) for p in chunk],
        }

    def _post(self, p: LiPost) -> dict[str, Any]:
        ms = _ms(p.published_at)
        return {
            "id": p.urn,
            "author": LI_ORGANIZATION_URN,
            "commentary": p.commentary,
            "visibility": "PUBLIC",
            "lifecycleState": "PUBLISHED",
            "createdAt": ms,
            "publishedAt": ms,
            "lastModifiedAt": ms,
            "isReshareDisabledByAuthor": False,
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
        }

    def _days(self, query: dict[str, str]) -> list[date]:
        """Finished UTC days inside a DAY timeIntervals range (start inclusive, end exclusive)."""
        raw = query.get("timeIntervals")
        match = _INTERVALS.match(raw or "")
        if not match:
            raise _bad(f"Invalid timeIntervals: {raw}")
        if match["granularity"] != "DAY":
            raise _bad("Only DAY granularity is replicated")
        start, end = int(match["start"]), int(match["end"])
        days, day = [], EPOCH
        last = self.world.as_of - timedelta(days=1)
        while day <= last:
            if start <= _utc_day_start(day) and _utc_day_start(day + timedelta(days=1)) <= end:
                days.append(day)
            day += timedelta(days=1)
        return days

    def _share_statistics(self, query: dict[str, str]) -> dict[str, Any]:
        """Daily page statistics (timeIntervals) or lifetime per-post statistics (shares=List(...))."""
        if query.get("q") != "organizationalEntity":
            raise _bad("Only the organizationalEntity finder is replicated")
        self._organization(query.get("organizationalEntity"))
        if "shares" in query:
            if "timeIntervals" in query:
                raise _bad("Only lifetime statistics are replicated for shares=List(...)")
            raw = query["shares"]
            if not (raw.startswith("List(") and raw.endswith(")")):
                raise _bad(f"Invalid shares: {raw}")
            urns = [u for u in raw[5:-1].split(",") if u]
            if len(urns) > MAX_SHARES_PER_CALL:
                raise _bad(f"At most {MAX_SHARES_PER_CALL} shares per call")
            posts = {p.urn: p for p in li_posts_before(self.world.cutoff)}
            elements = [
                {
                    "organizationalEntity": LI_ORGANIZATION_URN,
                    "share": urn,
                    "totalShareStatistics": self._stats(posts[urn].seen(self.world.cutoff)),
                }
                for urn in urns
                if urn in posts
            ]
            elements = [self.faults.drifted("li_sharestats", e) for e in elements]
            return {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}
        elements = [
            {
                "organizationalEntity": LI_ORGANIZATION_URN,
                "timeRange": {"start": _utc_day_start(d), "end": _utc_day_start(d + timedelta(days=1))},
                "totalShareStatistics": self._stats(li_share_day(d)),
            }
            for d in self._days(query)
        ]
        elements = [self.faults.drifted("li_sharestats", e) for e in elements]
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}

    def _stats(self, m: dict[str, int]) -> dict[str, Any]:
        engaged = m["clickCount"] + m["likeCount"] + m["commentCount"] + m["shareCount"]
        rate = engaged / m["impressionCount"] if m["impressionCount"] else 0.0
        return {**m, "engagement": rate}

    def _follower_statistics(self, query: dict[str, str]) -> dict[str, Any]:
        """Daily organic/paid follower gains (time-bound only)."""
        if query.get("q") != "organizationalEntity":
            raise _bad("Only the organizationalEntity finder is replicated")
        self._organization(query.get("organizationalEntity"))
        if "timeIntervals" not in query:
            raise _bad("Only time-bound follower statistics are replicated")
        elements = []
        for d in self._days(query):
            organic, paid = li_follower_gains(d)
            element = {
                "organizationalEntity": LI_ORGANIZATION_URN,
                "timeRange": {"start": _utc_day_start(d), "end": _utc_day_start(d + timedelta(days=1))},
                "followerGains": {"organicFollowerGain": organic, "paidFollowerGain": paid},
            }
            elements.append(self.faults.drifted("li_followerstats", element))
        return {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements}

    def _network_size(self, query: dict[str, str]) -> dict[str, Any]:
        """GET /rest/networkSizes/<organization urn>?edgeType=COMPANY_FOLLOWED_BY_MEMBER (followers at the cutoff)."""
        if query.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER":
            raise _bad("edgeType must be COMPANY_FOLLOWED_BY_MEMBER")
        self._organization(query["_urn"])
        return self.faults.drifted(
            "li_network", {"firstDegreeSize": LI_TOTALS.total(self.world.as_of - timedelta(days=1))}
        )
