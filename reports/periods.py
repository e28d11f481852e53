"""The periods reports cover: calendar months (`2026-10`) and ISO weeks (`2026-W44`, Monday to Sunday)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO week: `year` and `week` (1-53) of the ISO calendar."""

    year: int
    week: int

    @property
    def label(self) -> str:
        """`2026-W44`, as `rpt_weekly_campaign_revenue.iso_week` spells it."""
        return f"{self.year}-W{self.week:02d}"

    @property
    def start(self) -> date:
        """The week's Monday."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        """The week's Sunday."""
        return self.start + timedelta(days=6)

    def previous(self) -> IsoWeek:
        """The week before."""
        return IsoWeek.of(self.start - timedelta(days=7))

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        """The ISO week `day` falls in."""
        year, week, _ = day.isocalendar()
        return cls(year, week)


def parse_month(text: str) -> date:
    """`YYYY-MM` -> the month's first day; ValueError with the expected form otherwise."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month: use YYYY-MM, e.g. 2026-10")
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_iso_week(text: str) -> IsoWeek:
    """`YYYY-Www` -> IsoWeek; ValueError with the expected form otherwise (also for week 53 of a 52-week year)."""
    match = _WEEK.match(text.strip().upper())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week: use YYYY-Www, e.g. 2026-W44")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not an ISO week: {year} has no week {week}") from exc
    return IsoWeek(year, week)


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def next_month(month: date) -> date:
    """The first day of the month after `month`'s."""
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of `month`'s month."""
    return next_month(month) - timedelta(days=1)


def last_closed_month(run_date: date) -> date:
    """The month before `run_date`'s (the data of a run covers the days before its run date)."""
    return month_start(month_start(run_date) - timedelta(days=1))


def pacing_month(run_date: date) -> date:
    """The month a run's pacing report covers: the month of its last day of data (run_date - 1)."""
    return month_start(run_date - timedelta(days=1))


def last_complete_week(run_date: date) -> IsoWeek:
    """The last ISO week wholly before `run_date`."""
    return IsoWeek.of(run_date).previous()
