"""Fault injection for the sandbox HTTP layer. Faults change what is served, never the truth."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

T = TypeVar("T")

# Path families; a key in the per-family maps may also be the group (the part before the first '_').
PATH_FAMILIES = (
    "meta_accounts",
    "meta_insights",
    "ig_user",
    "ig_media",
    "ig_insights",
    "fb_page",
    "fb_posts",
    "fb_insights",
    "shopify_shop",
    "shopify_orders",
    "tiktok_advertiser",
    "tiktok_report",
    "ga4_report",
    "ttorganic_account",
    "ttorganic_videos",
    "youtube_channels",
    "youtube_playlist",
    "youtube_videos",
    "youtube_analytics",
    "x_user",
    "x_tweets",
    "li_posts",
    "li_sharestats",
    "li_followerstats",
    "li_network",
    "pin_account",
    "pin_pins",
    "pin_analytics",
    "google_ads_search",
    "liads_accounts",
    "liads_campaigns",
    "liads_creatives",
    "liads_analytics",
    "xads_accounts",
    "xads_campaigns",
    "xads_stats",
    "snap_token",
    "snap_accounts",
    "snap_campaigns",
    "snap_stats",
    "pinads_accounts",
    "pinads_campaigns",
    "pinads_analytics",
    "stripe_charges",
    "stripe_refunds",
    "stripe_balance",
)
GROUPS = (
    "meta",
    "ig",
    "fb",
    "shopify",
    "tiktok",
    "ga4",
    "google",
    "x",
    "li",
    "pin",
    "ttorganic",
    "youtube",
    "liads",
    "xads",
    "snap",
    "pinads",
    "stripe",
)


@dataclass(frozen=True)
class Faults:
    """Faults to inject.

    rate_limit_first_n: {family or group: N} -> the first N requests get a throttle response: HTTP 429 with
        Retry-After (Shopify body, or a Graph error with code 80004 for ads / 17 otherwise); with
        meta_throttle_as_400 the Graph families answer HTTP 400 with the same error and no Retry-After.
        TikTok families answer HTTP 200 with code 40100 (as TikTok does), or with tiktok_throttle_as_429 HTTP 429
        with Retry-After.
    server_errors_first_n: {family or group: M} -> the next M requests (after the throttled ones) get a 5xx
        (Graph: HTTP 500 code 2 is_transient; Shopify: HTTP 500; TikTok: HTTP 500 code 50000; GA4: HTTP 500
        INTERNAL; Google Ads: HTTP 500 INTERNAL with internalError). GA4 and Google Ads throttles answer HTTP 429
        RESOURCE_EXHAUSTED with Retry-After (Google Ads: quotaError RESOURCE_TEMPORARILY_EXHAUSTED).
    duplicate_page: families or groups whose paged listings serve their first page twice: the records of page 1
        come again as page 2 and every later page moves one on (what offset paging shows when rows shift between
        requests, or a cursor that points back once). Nothing is lost; a connector must not load a record twice.
        Next links, totals and cursors follow the longer walk (Shopify's page_info then carries an offset; Google
        Ads serves the first batch of its stream twice).
    extra_field: families or groups whose records carry a field the connector has never seen (`EXTRA_FIELD`,
        a string), as when a platform adds a field to its API. It is served even where the client names the fields
        it wants (Graph `fields=`, GA4 dimensions/metrics, GAQL, TikTok metrics), which a real platform would not
        do but one rolling out a change might; YouTube Analytics rows are arrays, so there the report body has it.
    numbers_as_text: families or groups whose records serve every JSON number as a string (`12` -> `"12"`,
        `0.5` -> `"0.5"`, nested ones too), as when a platform changes a field's type; Google Ads already serves
        its int64 fields so, and Meta every metric. Applied where extra_field is.
    missing_optional: families or groups whose records omit every field at its empty value (null, 0, "", [] or
        {}, nested ones too; booleans stay), as real APIs do for optional fields: Google Ads' proto3 JSON leaves
        out zero metrics, Pinterest and LinkedIn ads analytics leave out metrics without data, YouTube leaves out
        hidden counts, the Graph API an insight without actions, Shopify a guest order's customer. They omit too,
        whatever their value, the fields `OPTIONAL_FIELDS` lists as documented optional for their family. Applied
        where extra_field is (GA4: on the response's metadata as well).
    changed_type: families or groups whose records serve every number as an object (`12` -> `{"value": 12}`,
        `"12"` -> `{"value": "12"}` where the platform sends numbers as text, nested ones too; ids and dimensions
        stay), a changed
        type no connector can read as a number. Applied where extra_field is.
    date_format: families or groups whose records serve every date and time in another format, as when a platform
        changes a field's format: a day `2025-01-05` as `01/05/2025`, an ISO-8601 instant as epoch seconds, TikTok's
        `2025-01-05 00:00:00` as `01/05/2025 00:00:00`, GA4's `20250105` as `2025-01-05`, LinkedIn's
        `{"year": 2025, "month": 1, "day": 5}` as `2025-01-05`, and an epoch time (in seconds or milliseconds,
        under a key such as `created`, `create_time`, `createdAt` or a `timeRange`'s `start`) as an ISO-8601
        instant. Applied where extra_field is.
    timeout_first_n: {family or group: N} -> the first N requests (after the throttled and failed ones) are
        answered only after `timeout_seconds`, and then not at all: a client with a shorter timeout gives up.
    truncated_json: families or groups whose every response is whole by HTTP (its Content-Length) but carries only
        the first half of its JSON, as a proxy or a platform bug cutting a body short would.
    negative_spend_day: on this account-tz day the first served ad row of each Meta account has negative spend.
    duplicate_order_day: on this shop-local day the first non-test order of `duplicate_order_shop` is served
        twice: the copy has a new id (and new line item ids) and the same name.
    """

    rate_limit_first_n: dict[str, int] = field(default_factory=dict)
    server_errors_first_n: dict[str, int] = field(default_factory=dict)
    retry_after_seconds: float = 2.0
    meta_throttle_as_400: bool = False
    tiktok_throttle_as_429: bool = False
    duplicate_page: tuple[str, ...] = ()
    extra_field: tuple[str, ...] = ()
    numbers_as_text: tuple[str, ...] = ()
    missing_optional: tuple[str, ...] = ()
    changed_type: tuple[str, ...] = ()
    date_format: tuple[str, ...] = ()
    timeout_first_n: dict[str, int] = field(default_factory=dict)
    timeout_seconds: float = 1.0
    truncated_json: tuple[str, ...] = ()
    negative_spend_day: date | None = None
    duplicate_order_day: date | None = None
    duplicate_order_shop: str = "northwind-us"

    def __post_init__(self) -> None:
        """Validate the family keys."""
        counted = (*self.rate_limit_first_n, *self.server_errors_first_n, *self.timeout_first_n)
        drifts = (
            *self.extra_field,
            *self.numbers_as_text,
            *self.missing_optional,
            *self.changed_type,
            *self.date_format,
        )
        for key in (*counted, *self.duplicate_page, *drifts, *self.truncated_json):
            if key not in PATH_FAMILIES and key not in GROUPS:
                raise ValueError(f"unknown path family {key!r}; use one of {PATH_FAMILIES + GROUPS}")

    @classmethod
    def from_json(cls, text: str) -> Faults:
        """Build from a JSON object (dates as YYYY-MM-DD)."""
        raw: dict[str, Any] = json.loads(text)
        for key in ("negative_spend_day", "duplicate_order_day"):
            if raw.get(key):
                raw[key] = date.fromisoformat(raw[key])
        for key in (
            "duplicate_page",
            "extra_field",
            "numbers_as_text",
            "missing_optional",
            "changed_type",
            "date_format",
            "truncated_json",
        ):
            raw[key] = tuple(raw.get(key, ()))
        return cls(**raw)


EXTRA_FIELD = "sandbox_added_field"

# Fields each platform documents as optional, that the connector reads: the missing_optional fault leaves them out
# of every served record of the family whatever their value (dotted paths into the record).
OPTIONAL_FIELDS: dict[str, tuple[str, ...]] = {
    # IG Media: a post without a caption has none; `permalink` is not served for some media (album children).
    "ig_media": ("caption", "permalink"),
    # runReport's ResponseMetaData: `currency_code` and `time_zone` are proto3 `optional` fields.
    "ga4_report": ("metadata.currencyCode", "metadata.timeZone"),
    # Integrated report: `reach` is reported for reservation buys only, video metrics for video ads only.
    "tiktok_report": ("metrics.reach", "metrics.video_play_actions"),
    # Business account videos: a video may have no caption, and `share_url` is left out of private videos.
    "ttorganic_videos": ("caption", "share_url"),
    # ads/analytics: a column without data for the ad and day is left out of the row.
    "pinads_analytics": ("TOTAL_CHECKOUT", "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR", "TOTAL_VIDEO_3SEC_VIEWS"),
}


def _applies(family: str, keys: Sequence[str]) -> bool:
    """Whether a fault listed for `keys` (families or groups) applies to a family."""
    return family in keys or family.split("_")[0] in keys


class FaultState:
    """Per-server request counters deciding which requests fail."""

    def __init__(self, faults: Faults | None) -> None:
        self.faults = faults or Faults()
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._transport = threading.local()
        self.omitted = 0  # how many served records the missing_optional fault left fields out of
        self.redated = 0  # how many served records the date_format fault changed
        self.timed_out = 0  # how many requests the timeout_first_n fault left unanswered

    def decide(self, family: str) -> str | None:
        """Count a request of `family`; return 'throttle', 'server_error' or None.

        A timeout or a truncated body is not the API's answer but the transport's: it is kept for this thread's
        request, and the HTTP handler takes it with `take_transport`."""
        f = self.faults
        outcome = transport = None
        with self._lock:
            for key in (family, family.split("_")[0]):
                rl, se = f.rate_limit_first_n.get(key, 0), f.server_errors_first_n.get(key, 0)
                to = f.timeout_first_n.get(key, 0)
                if rl == 0 and se == 0 and to == 0:
                    continue
                n = self._counts[key] = self._counts.get(key, 0) + 1
                if outcome is None and n <= rl:
                    outcome = "throttle"
                elif outcome is None and n <= rl + se:
                    outcome = "server_error"
                elif n <= rl + se + to:
                    transport = "timeout"
        if transport is None and _applies(family, f.truncated_json):
            transport = "truncated"
        self._transport.fault = transport
        return outcome

    def take_transport(self) -> str | None:
        """The transport fault ('timeout', 'truncated' or None) decided for this thread's request, cleared."""
        fault = getattr(self._transport, "fault", None)
        self._transport.fault = None
        with self._lock:
            self.timed_out += fault == "timeout"
        return fault

    def paged(self, family: str, items: Sequence[T], page_size: int) -> list[T]:
        """The records a paged listing of `family` walks through: `items`, or with a duplicate_page fault the first
        page's records twice (page 2 repeats page 1, later pages move one on)."""
        if not _applies(family, self.faults.duplicate_page) or not items:
            return list(items)
        return [*items[:page_size], *items]

    def drifted(self, family: str, record: dict[str, Any]) -> dict[str, Any]:
        """A served record of `family`: unchanged, or with an extra_field fault carrying EXTRA_FIELD too; with a
        missing_optional fault without its empty fields and its OPTIONAL_FIELDS, with numbers_as_text or
        changed_type its numbers as strings or as objects, with date_format its dates and times in another format."""
        if _applies(family, self.faults.missing_optional):
            kept = _without_empty(_without_optional(family, record))
            with self._lock:
                self.omitted += kept != record
            record = kept
        if _applies(family, self.faults.numbers_as_text):
            record = _numbers_as(record, json.dumps)
        if _applies(family, self.faults.changed_type):
            record = _metrics_as_objects(record)
        if _applies(family, self.faults.date_format):
            redated = _dates_reformatted(record)
            with self._lock:
                self.redated += redated != record
            record = redated
        if not _applies(family, self.faults.extra_field):
            return record
        return {**record, EXTRA_FIELD: "added by the platform"}

    def without_optional(self, family: str, record: dict[str, Any]) -> dict[str, Any]:
        """`record` (a part of a response other than its records, such as GA4's metadata) without the
        `OPTIONAL_FIELDS` of `family` when a missing_optional fault applies to it."""
        if not _applies(family, self.faults.missing_optional):
            return record
        kept = _without_optional(family, record)
        with self._lock:
            self.omitted += kept != record
        return kept


def _without_optional(family: str, record: dict[str, Any]) -> dict[str, Any]:
    """`record` without the `OPTIONAL_FIELDS` of `family` (a path that is not in the record is skipped)."""
    for path in OPTIONAL_FIELDS.get(family, ()):
        record = _without_path(record, path.split("."))
    return record


def _without_path(record: dict[str, Any], path: list[str]) -> dict[str, Any]:
    """A copy of `record` without the field at `path` (keys into nested objects)."""
    head, rest = path[0], path[1:]
    if head not in record:
        return record
    if not rest:
        return {key: value for key, value in record.items() if key != head}
    inner = record[head]
    return record if not isinstance(inner, dict) else {**record, head: _without_path(inner, rest)}


def _numbers_as(value: Any, served: Callable[[int | float], Any]) -> Any:
    """`value` with every int and float in it (not bools) served as `served(number)`."""
    if isinstance(value, dict):
        return {key: _numbers_as(item, served) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers_as(item, served) for item in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return served(value)
    return value


def _metrics_as_objects(value: Any, key: str = "") -> Any:
    """`value` with every number and numeric text in it served as `{"value": ...}`, but for ids (`id`, `*_id`,
    `*Id`, `id_str`, their lists) and dimensions (TikTok's `dimensions`, GA4's `dimensionValues`, LinkedIn's
    `dateRange`)."""
    if key in ("id", "dimensions", "dimensionValues", "dateRange") or key.endswith(
        ("_id", "Id", "_ids", "Ids", "id_str")
    ):
        return value
    if isinstance(value, dict):
        return {name: _metrics_as_objects(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_metrics_as_objects(item, key) for item in value]
    numeric_text = isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value)
    if numeric_text or (isinstance(value, int | float) and not isinstance(value, bool)):
        return {"value": value}
    return value


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}:\d{2})")
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_BASIC_DAY = re.compile(r"20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
_EPOCH_KEYS = re.compile(r"created|available_on|start|end|time|.*(_time|_at|At|_on)")
_EPOCH_SECONDS = (10**9, 22 * 10**8)  # 2001-09-09 to 2039-09-18


def _dates_reformatted(value: Any, key: str = "") -> Any:
    """`value` with every date and time in it in another format (see Faults.date_format)."""
    if isinstance(value, dict):
        if key == "dimensionValues":  # an item of GA4's dimension values: the `date` dimension is YYYYMMDD
            return {
                name: f"{item[:4]}-{item[4:6]}-{item[6:]}"
                if isinstance(item, str) and _BASIC_DAY.fullmatch(item)
                else item
                for name, item in value.items()
            }
        if value.keys() == {"year", "month", "day"}:  # LinkedIn's dateRange start or end
            return f"{value['year']:04}-{value['month']:02}-{value['day']:02}"
        return {name: _dates_reformatted(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [_dates_reformatted(item, key) for item in value]
    if isinstance(value, str):
        if match := _DAY.fullmatch(value):
            return f"{match[2]}/{match[3]}/{match[1]}"
        if match := _DAY_TIME.fullmatch(value):
            return f"{match[2]}/{match[3]}/{match[1]} {match[4]}"
        if _INSTANT.fullmatch(value):
            instant = datetime.fromisoformat(value)
            return int((instant if instant.tzinfo else instant.replace(tzinfo=UTC)).timestamp())
        return value
    if isinstance(value, int) and not isinstance(value, bool) and _EPOCH_KEYS.fullmatch(key):
        for scale, spec in ((1, "seconds"), (1000, "milliseconds")):
            if _EPOCH_SECONDS[0] * scale <= value < _EPOCH_SECONDS[1] * scale:
                instant = datetime.fromtimestamp(value / scale, UTC)
                return instant.isoformat(timespec=spec).replace("+00:00", "Z")
    return value


def _is_empty(value: Any) -> bool:
    """Whether an API would leave `value` out as empty: null, 0, "", [] or {} (not False)."""
    return value is None or (not isinstance(value, bool) and value in (0, "")) or value == [] or value == {}


def _without_empty(value: Any) -> Any:
    """`value` without the dict fields that are empty, at every depth (list items stay where they are)."""
    if isinstance(value, dict):
        return {key: _without_empty(item) for key, item in value.items() if not _is_empty(item)}
    if isinstance(value, list):
        return [_without_empty(item) for item in value]
    return value
