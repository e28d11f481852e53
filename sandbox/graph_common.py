"""Shared pieces of the Graph replica: errors, parameter parsing, cursor paging, daily insight series."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from sandbox.constants import EPOCH
from sandbox.faults import FaultState
from sandbox.http_util import FieldSpec, Response, decode_cursor, encode_cursor, parse_fields
from sandbox.world import World


class GraphError(Exception):
    """A Graph API error response."""

    def __init__(
        self,
        message: str,
        code: int,
        status: int = 400,
        subcode: int | None = None,
        transient: bool = False,
        etype: str = "OAuthException",
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.message, self.code, self.status, self.subcode = message, code, status, subcode
        self.transient, self.etype, self.headers = transient, etype, headers or {}

    def response(self, trace: str) -> Response:
        """The error as a Graph error response."""
        err: dict[str, object] = {"message": self.message, "type": self.etype, "code": self.code}
        if self.subcode is not None:
            err["error_subcode"] = self.subcode
        if self.transient:
            err["is_transient"] = True
        err["fbtrace_id"] = trace
        return Response(self.status, {"error": err}, self.headers)


def bad_param(message: str) -> GraphError:
    """A code-100 invalid parameter error."""
    return GraphError(f"(#100) {message}", 100)


def graph_ts(ts: datetime) -> str:
    """Graph timestamp format, e.g. 2026-10-05T14:23:11+0000."""
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def money(cents: int) -> str:
    """Cents as a Graph money string ("12.34", "-0.50")."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def int_param(query: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    """An integer parameter within bounds."""
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_param(f"Param {name} must be an integer") from None
    if not lo <= value <= hi:
        raise bad_param(f"Param {name} must be between {lo} and {hi}")
    return value


def unix_param(query: dict[str, str], name: str) -> int | None:
    """A unix-seconds parameter (also accepts YYYY-MM-DD as UTC midnight)."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        pass
    try:
        return int(datetime.combine(date.fromisoformat(raw), datetime.min.time(), UTC).timestamp())
    except ValueError:
        raise bad_param(f"Param {name} must be a unix timestamp or a date") from None


class GraphBase:
    """Helpers shared by the Graph endpoint handlers (needs `world`, `faults` and `base_url`)."""

    world: World
    faults: FaultState
    base_url: str

    def _paginate(
        self,
        family: str,
        items: Sequence[object],
        query: dict[str, str],
        path: str,
        limits: tuple[int, int],
        render: Callable[[object], dict[str, object]],
    ) -> dict[str, object]:
        """Slice items with cursor paging (paging.cursors + paging.next on all but the last page).

        `limits` is (default, maximum) of the `limit` parameter; each served item is `render(item)`, drifted by an
        extra_field fault. A duplicate_page fault serves the first page again as the second.
        """
        limit = int_param(query, "limit", limits[0], 1, limits[1])
        items = self.faults.paged(family, items, limit)
        offset = 0
        for name in ("after", "before"):
            if name in query:
                cur = decode_cursor(query[name])
                if cur is None or not isinstance(cur.get("o"), int) or cur["o"] < 0:
                    raise bad_param(f"Invalid cursor: the {name} parameter is malformed")
                offset = cur["o"] if name == "after" else max(0, cur["o"] - limit)
                break
        chunk = items[offset : offset + limit]
        body: dict[str, object] = {"data": [self.faults.drifted(family, render(item)) for item in chunk]}
        if not chunk:
            return body
        paging: dict[str, object] = {
            "cursors": {
                "before": encode_cursor({"o": offset, "b": 1}),
                "after": encode_cursor({"o": offset + len(chunk)}),
            }
        }
        if offset + len(chunk) < len(items):
            params = {k: v for k, v in query.items() if k not in ("after", "before")}
            params["after"] = encode_cursor({"o": offset + len(chunk)})
            paging["next"] = f"{self.base_url}{path}?{urlencode(params)}"
        if offset > 0:
            params = {k: v for k, v in query.items() if k not in ("after", "before")}
            params["before"] = encode_cursor({"o": offset, "b": 1})
            paging["previous"] = f"{self.base_url}{path}?{urlencode(params)}"
        body["paging"] = paging
        return body

    @staticmethod
    def _fields(query: dict[str, str], allowed: tuple[str, ...], type_name: str) -> list[FieldSpec] | None:
        """Parse and validate `fields`."""
        try:
            specs = parse_fields(query.get("fields"))
        except ValueError as e:
            raise bad_param(f"Syntax error in fields: {e}") from None
        for s in specs or []:
            if s.name not in allowed:
                raise bad_param(f"Tried accessing nonexisting field ({s.name}) on node type ({type_name})")
        return specs

    def _time_window(self, query: dict[str, str]) -> tuple[datetime | None, datetime | None]:
        """since/until (unix) as UTC datetimes."""
        since, until = unix_param(query, "since"), unix_param(query, "until")
        return (
            None if since is None else datetime.fromtimestamp(since, UTC),
            None if until is None else datetime.fromtimestamp(until, UTC),
        )

    @staticmethod
    def _metrics(spec: FieldSpec, allowed: tuple[str, ...]) -> list[str]:
        """Validate the metrics of an insights field expansion."""
        names = [m.strip() for m in spec.modifiers.get("metric", "").split(",") if m.strip()]
        if not names:
            raise GraphError("(#100) The value must be a valid insights metric", 100)
        for n in names:
            if n not in allowed:
                raise bad_param(f"metric[{names.index(n)}] must be one of the following values: {', '.join(allowed)}")
        return names

    def _day_series(
        self, query: dict[str, str], max_days: int, allowed: tuple[str, ...]
    ) -> tuple[list[str], list[date]]:
        """Validate metric/period/since/until of a daily insights request; return metrics and days."""
        metrics = [m.strip() for m in query.get("metric", "").split(",") if m.strip()]
        if not metrics:
            raise GraphError("(#100) The parameter metric is required", 100)
        for i, m in enumerate(metrics):
            if m not in allowed:
                raise bad_param(f"metric[{i}] must be one of the following values: {', '.join(allowed)}")
        if query.get("period", "day") != "day":
            raise bad_param("period must be day in the sandbox")
        since, until = unix_param(query, "since"), unix_param(query, "until")
        cutoff_ts = int(self.world.cutoff.timestamp())
        until = cutoff_ts if until is None else until
        since = until - 2 * 86400 if since is None else since
        if since > until:
            raise bad_param("since must be before until")
        if until - since > max_days * 86400:
            raise bad_param(f"There cannot be more than {max_days} days ({max_days * 86400} s) between since and until")
        first = datetime.fromtimestamp(since, UTC).date()
        end = datetime.fromtimestamp(until, UTC).date()
        last_visible = self.world.as_of - timedelta(days=1)
        days = []
        d = max(first, EPOCH)
        while d < end and d <= last_visible:
            days.append(d)
            d += timedelta(days=1)
        return metrics, days

    def _series(
        self, family: str, node: str, metrics: list[str], days: list[date], value: Callable[[str, date], object]
    ) -> dict[str, object]:
        """Insights body: one series per metric with end_time = next day 07:00 UTC (drifted by extra_field)."""
        data = []
        for m in metrics:
            data.append(
                {
                    "name": m,
                    "period": "day",
                    "values": [
                        {"value": value(m, d), "end_time": f"{d + timedelta(days=1):%Y-%m-%d}T07:00:00+0000"}
                        for d in days
                    ],
                    "title": m.replace("_", " ").title(),
                    "description": f"Daily {m.replace('_', ' ')}",
                    "id": f"{node}/insights/{m}/day",
                }
            )
        return {"data": [self.faults.drifted(family, series) for series in data]}
