"""Tests for the report number formatting and status styles."""

from __future__ import annotations

import pytest

from reports.formatting import (
    NO_DATA,
    OKABE_ITO,
    STATUS_STYLES,
    channel_label,
    format_count,
    format_metric_value,
    format_money,
    format_percent,
    format_ratio,
    segment_label,
    status_style,
)


@pytest.mark.parametrize(
    ("value", "currency", "decimals", "expected"),
    [
        (241234.56, "USD", 0, "$241,235"),
        (1234.5, "EUR", 2, "€1,234.50"),
        (1234.0, "GBP", 0, "£1,234"),
        (1234.0, "chf", 0, "CHF\u00a01,234"),
        (-1234.4, "USD", 0, "-$1,234"),
        (-0.001, "USD", 2, "$0.00"),
        (2.5, "USD", 0, "$3"),  # half away from zero, as the marts round money
        (-2.5, "USD", 0, "-$3"),
        (None, "USD", 0, NO_DATA),
    ],
)
def test_format_money(value: float | None, currency: str, decimals: int, expected: str) -> None:
    assert format_money(value, currency, decimals) == expected


def test_counts_ratios_and_percents() -> None:
    assert format_count(1234567.0) == "1,234,567"
    assert format_count(None) == NO_DATA
    assert format_ratio(4.1054) == "4.11"
    assert format_ratio(1234.5) == "1,234.50"
    assert format_percent(0.96493824) == "96.5%"
    assert format_percent(0.7625) == "76.3%"  # not 76.2% from binary floating point
    assert format_percent(1.09166750, 0) == "109%"
    assert format_percent(float("nan")) == NO_DATA


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("revenue", 241234.56, "$241,235"),
        ("spend", 58760.25, "$58,760"),
        ("cpa", 19.256, "$19.26"),
        ("roas", 4.0, "4.00"),
        ("orders", 3051.0, "3,051"),
        ("new_customers", 1502.0, "1,502"),
        ("followers_gained", 12500.0, "12,500"),
        ("sessions", 98765.0, "98,765"),
        ("engagement_rate", 0.04215, "4.22%"),
        ("some_new_metric", 1234.567, "1,234.57"),
    ],
)
def test_format_metric_value(metric: str, value: float, expected: str) -> None:
    assert format_metric_value(metric, value, "USD") == expected


def test_status_styles_are_okabe_ito_with_labels() -> None:
    assert set(STATUS_STYLES) == {"on_track", "at_risk", "off_track", "no_data"}
    colours = [style.colour for style in STATUS_STYLES.values()]
    assert len(set(colours)) == len(colours)
    for key in ("on_track", "at_risk", "off_track"):
        assert STATUS_STYLES[key].colour in OKABE_ITO.values()
    for style in STATUS_STYLES.values():
        assert style.label and style.symbol
    assert status_style("at_risk").label == "At risk"
    assert status_style(None).key == "no_data"
    unknown = status_style("paused")
    assert unknown.label == "Paused"
    assert unknown.colour == STATUS_STYLES["no_data"].colour


def test_labels() -> None:
    assert channel_label("meta") == "Meta Ads"
    assert channel_label("all") == "All channels"
    assert channel_label("snapchat_ads") == "Snapchat ads"
    assert segment_label("genz") == "Gen Z"
    assert segment_label("all") == "All segments"
