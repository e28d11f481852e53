"""Parameters of the data-quality gate: the run date, freshness limits, volume band and tolerances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

DEFAULT_FRESHNESS_DAYS = 2
DEFAULT_SOURCES = ("meta_ads", "shopify", "instagram", "facebook_pages")


@dataclass(frozen=True)
class GateParams:
    """Thresholds the gate's suites are built with.

    Attributes:
        run_date: The run's date (the sandbox ``as_of``). Freshness is measured against it.
        freshness_days: Maximum age in days of a source's newest row (days between it and the run date).
            Either one number for every source, or a mapping per source keyed by raw dataset name
            (``raw_meta_ads``, ``raw_shopify``, ``raw_instagram``, ``raw_facebook_pages``; the names without
            the ``raw_`` prefix are accepted too), where unlisted sources use ``default_freshness_days``.
        default_freshness_days: Freshness limit for sources a ``freshness_days`` mapping does not list.
        reconciliation_tolerance: Largest accepted absolute difference per currency between a mart total and
            its raw total, in the currency's units. ``0`` means exact to the cent.
        max_noncompliant_campaign_share: Largest share (0..1) of campaigns in ``marts.dim_campaigns`` that may
            break the naming convention before the (warning-level) check fails.
        spend_reconciliation_platform: When set, only this platform's spend is reconciled (mart rows of the
            platform against its raw insights table); by default every loaded ad platform is, each on its own.
        sample_rows: How many bad rows each failed check reports (at most).
        sources: The sources (catalog names such as ``meta_ads``, ``exports``) this run loads; the raw checks of
            exactly these run, so a source that is not configured is not judged, and one that should have loaded
            but did not fails freshness. ``None`` means the four sources every deployment has: meta_ads, shopify,
            instagram and facebook_pages.
        fx_max_carry_forward_days: Money converted at an FX rate carried forward more days than this (from the
            last earlier rate) is reported by a warning naming currency and days; 0 reports every such day.
        volume_min_ratio: The volume warning's band: a source's newest data day must have at least this many times
            the median rows per day of the window before it...
        volume_max_ratio: ... and at most this many times.
        volume_window_days: The days before a source's newest data day whose row counts give its median.
        volume_min_history_days: A source with fewer days with rows in that window is not judged (too new).
    """

    run_date: date
    freshness_days: int | Mapping[str, int] = field(default_factory=dict)
    default_freshness_days: int = DEFAULT_FRESHNESS_DAYS
    reconciliation_tolerance: Decimal = Decimal("0.00")
    max_noncompliant_campaign_share: float = 0.2
    spend_reconciliation_platform: str | None = None
    sample_rows: int = 5
    sources: tuple[str, ...] | None = None
    fx_max_carry_forward_days: int = 0
    volume_min_ratio: float = 0.5
    volume_max_ratio: float = 2.0
    volume_window_days: int = 28
    volume_min_history_days: int = 7

    def __post_init__(self) -> None:
        """Reject thresholds that cannot be meant."""
        if not 0 <= self.max_noncompliant_campaign_share <= 1:
            raise ValueError("max_noncompliant_campaign_share must be between 0 and 1")
        if self.reconciliation_tolerance < 0:
            raise ValueError("reconciliation_tolerance must not be negative")
        if self.sample_rows < 0:
            raise ValueError("sample_rows must not be negative")
        if self.fx_max_carry_forward_days < 0:
            raise ValueError("fx_max_carry_forward_days must not be negative")
        if not 0 <= self.volume_min_ratio <= self.volume_max_ratio:
            raise ValueError("volume ratios must satisfy 0 <= volume_min_ratio <= volume_max_ratio")
        if not 1 <= self.volume_min_history_days <= self.volume_window_days:
            raise ValueError("volume days must satisfy 1 <= volume_min_history_days <= volume_window_days")
        limits = self.freshness_days if isinstance(self.freshness_days, Mapping) else {"all": self.freshness_days}
        for source, days in {**limits, "default": self.default_freshness_days}.items():
            if days < 0:
                raise ValueError(f"freshness limit for {source} must not be negative, got {days}")

    def freshness_limit(self, dataset: str) -> int:
        """Return the freshness limit in days for a raw dataset such as ``raw_shopify``."""
        if not isinstance(self.freshness_days, Mapping):
            return self.freshness_days
        if dataset in self.freshness_days:
            return self.freshness_days[dataset]
        return self.freshness_days.get(dataset.removeprefix("raw_"), self.default_freshness_days)

    def checks_source(self, source: str) -> bool:
        """Whether this run's raw checks include ``source`` (a catalog name such as ``shopify``)."""
        return source in (DEFAULT_SOURCES if self.sources is None else self.sources)
