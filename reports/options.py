"""How a report is built: the reporting currency and time zone, the status thresholds, PDF or not, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socialmart.config import Settings


@dataclass(frozen=True)
class ReportOptions:
    """Settings every report builder takes.

    `currency` is the reporting currency the marts' money is in (they have no currency column). The thresholds are
    those dbt applied to the statuses (`[socialmart.targets]`), repeated in the definitions. `pdf`: None prints a
    PDF when Chromium is installed, True requires one, False makes none. `generated_at` defaults to now.
    """

    currency: str = "USD"
    timezone: str = "America/New_York"
    on_track_min: float = 0.95
    at_risk_min: float = 0.85
    pdf: bool | None = None
    generated_at: datetime | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, pdf: bool | None = None) -> ReportOptions:
        """The options of the configured pipeline."""
        return cls(
            currency=settings.reporting_currency,
            timezone=settings.reporting_timezone,
            on_track_min=settings.on_track_min,
            at_risk_min=settings.at_risk_min,
            pdf=pdf,
        )

    def now(self) -> datetime:
        """The build time stamped on the report."""
        return self.generated_at or datetime.now(UTC)
