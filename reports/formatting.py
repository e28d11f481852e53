"""Number formatting, labels and status colours shared by the report builders.

Every figure a report shows goes through `format_metric_value`, so a number reads the same in a headline,
a table and a chart label. Colours come from the Okabe-Ito palette, which stays distinguishable for the
common forms of colour blindness; every coloured status also carries a text label and a symbol, so it
survives greyscale print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

NO_DATA = "—"

# Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008).
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}

MetricKind = Literal["money", "count", "ratio", "percent"]


@dataclass(frozen=True)
class MetricSpec:
    """How one target metric is labelled and formatted."""

    label: str
    kind: MetricKind
    decimals: int = 0
    lower_is_better: bool = False


# The metrics a targets file may name (docs/design.md), in the order a report shows them.
METRICS: dict[str, MetricSpec] = {
    "revenue": MetricSpec("Revenue (net sales)", "money"),
    "orders": MetricSpec("Orders", "count"),
    "sessions": MetricSpec("Sessions", "count"),
    "conversion_rate": MetricSpec("Conversion rate", "percent", decimals=2),
    "new_customers": MetricSpec("New customers", "count"),
    "followers_gained": MetricSpec("Followers gained", "count"),
    "engagement_rate": MetricSpec("Engagement rate", "percent", decimals=2),
    "spend": MetricSpec("Spend", "money"),
    "cpa": MetricSpec("CPA", "money", decimals=2, lower_is_better=True),
    "roas": MetricSpec("ROAS", "ratio", decimals=2),
}

CHANNEL_LABELS = {
    "all": "All channels",
    "meta": "Meta Ads",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "google": "Google",
    "linkedin": "LinkedIn",
    "x": "X",
    "snapchat": "Snapchat",
    "pinterest": "Pinterest",
    "influencer": "Influencer",
    "other": "Other",
    "unattributed": "Unattributed",
}

SEGMENT_LABELS = {
    "all": "All segments",
    "genz": "Gen Z",
    "millennial": "Millennial",
    "parents": "Parents",
    "unassigned": "Unassigned",
}


@dataclass(frozen=True)
class StatusStyle:
    """How a target status is shown: a text label, a symbol and an Okabe-Ito colour (black text on it)."""

    key: str
    label: str
    symbol: str
    colour: str
    text_colour: str = "#000000"


STATUS_STYLES: dict[str, StatusStyle] = {
    "on_track": StatusStyle("on_track", "On track", "✓", OKABE_ITO["bluish_green"]),
    "at_risk": StatusStyle("at_risk", "At risk", "!", OKABE_ITO["orange"]),
    "off_track": StatusStyle("off_track", "Off track", "✕", OKABE_ITO["vermillion"]),
    "no_data": StatusStyle("no_data", "No data", "–", "#BBBBBB"),
}


def _is_missing(value: float | None) -> bool:
    """True for SQL NULL (None) and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _signed(value: float, decimals: int, prefix: str = "", suffix: str = "", scale: int = 1) -> str:
    """`value * scale` rounded half away from zero to `decimals`, with thousands separators.

    The sign goes before the prefix (`-$1,234`) and never on a value that rounds to zero. Rounding goes
    through the shortest decimal form of the float, so 0.7625 as a percentage is 76.3%, as a reader expects.
    """
    exact = Decimal(repr(float(value))) * scale
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    return f"{sign}{prefix}{abs(rounded):,.{decimals}f}{suffix}"


def format_money(value: float | None, currency: str, decimals: int = 0) -> str:
    """Format an amount in `currency`: `$48,213`, `€1,234.50`, `CHF 1,234`; missing values give a dash."""
    if _is_missing(value):
        return NO_DATA
    code = currency.upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    return _signed(value, decimals, prefix=symbol if symbol else f"{code}\u00a0")


def format_count(value: float | None) -> str:
    """Format a count with thousands separators and no decimals: `12,345`."""
    if _is_missing(value):
        return NO_DATA
    return _signed(value, 0)


def format_ratio(value: float | None, decimals: int = 2) -> str:
    """Format a plain ratio (ROAS) to `decimals` places: `3.42`."""
    if _is_missing(value):
        return NO_DATA
    return _signed(value, decimals)


def format_percent(value: float | None, decimals: int = 1) -> str:
    """Format a fraction as a percentage: 0.964 -> `96.4%`."""
    if _is_missing(value):
        return NO_DATA
    return _signed(value, decimals, suffix="%", scale=100)


def metric_spec(metric: str) -> MetricSpec:
    """The spec of `metric`; an unknown metric is labelled from its name and shown as a 2-decimal number."""
    spec = METRICS.get(metric)
    if spec is not None:
        return spec
    return MetricSpec(metric.replace("_", " ").capitalize(), "ratio", decimals=2)


def format_metric_value(metric: str, value: float | None, currency: str) -> str:
    """Format a target, actual or projection of `metric` the way every report shows it."""
    spec = metric_spec(metric)
    if spec.kind == "money":
        return format_money(value, currency, spec.decimals)
    if spec.kind == "count":
        return format_count(value)
    if spec.kind == "percent":
        return format_percent(value, spec.decimals)
    return format_ratio(value, spec.decimals)


# Budget pacing statuses (fct_budget_pacing.pacing_status), styled like the target statuses.
PACING_STYLES: dict[str, StatusStyle] = {
    "on_pace": StatusStyle("on_pace", "On pace", "✓", OKABE_ITO["bluish_green"]),
    "under_pacing": StatusStyle("under_pacing", "Under pacing", "▼", OKABE_ITO["sky_blue"]),
    "over_pacing": StatusStyle("over_pacing", "Over pacing", "▲", OKABE_ITO["vermillion"]),
}


def status_style(status: str | None) -> StatusStyle:
    """The style of a target or pacing status; NULL means no_data, and an unknown value is shown as-is in grey."""
    if status is None:
        return STATUS_STYLES["no_data"]
    style = STATUS_STYLES.get(status) or PACING_STYLES.get(status)
    if style is not None:
        return style
    return StatusStyle(status, status.replace("_", " ").capitalize(), "?", STATUS_STYLES["no_data"].colour)


def channel_label(channel: str) -> str:
    """Display name of a channel key: `meta` -> `Meta Ads`."""
    return CHANNEL_LABELS.get(channel, channel.replace("_", " ").capitalize())


def segment_label(segment: str) -> str:
    """Display name of a segment key: `genz` -> `Gen Z`."""
    return SEGMENT_LABELS.get(segment, segment.replace("_", " ").capitalize())
