"""The brand's promo-code list (inputs/promo_codes.csv): influencer codes and Meta campaign codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sandbox.campaigns import campaigns_for_month, month_index
from sandbox.catalog import INFLUENCER_CODES

INPUTS_HORIZON = date(2027, 12, 31)


@dataclass(frozen=True)
class PromoCode:
    """A row of promo_codes.csv."""

    code: str
    kind: str  # influencer | campaign
    channel: str
    campaign_id: str | None
    influencer: str | None


@cache
def promo_codes() -> tuple[PromoCode, ...]:
    """All listed codes: influencer codes, then campaign codes of campaigns launched through INPUTS_HORIZON."""
    rows = [PromoCode(code, "influencer", "influencer", None, name) for code, name, _ in INFLUENCER_CODES]
    for m in range(month_index(INPUTS_HORIZON) + 1):
        for c in campaigns_for_month(m):
            if c.promo_code:
                rows.append(PromoCode(c.promo_code, "campaign", c.platform, c.campaign_id, None))
    return tuple(rows)


@cache
def promo_index() -> dict[str, PromoCode]:
    """Listed codes by upper-cased code."""
    return {p.code.upper(): p for p in promo_codes()}
