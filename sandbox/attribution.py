"""The attribution rules of docs/design.md (channel seed, campaign matching, promo codes, naming convention)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from sandbox.campaigns import Campaign
from sandbox.constants import GEOS, OBJECTIVES, SEGMENTS
from sandbox.orders import Order
from sandbox.promo import promo_index

PAID_MEDIUMS = frozenset({"paid_social", "paid", "cpc", "paidsocial"})
_SLUG = re.compile(r"^[a-z0-9-]+$")
_YYYYMM = re.compile(r"^20\d\d(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class NameParts:
    """A campaign name parsed with the naming convention."""

    compliant: bool
    issue: str | None
    initiative: str | None = None
    segment: str | None = None
    objective: str | None = None
    geo: str | None = None
    yyyymm: str | None = None


@dataclass(frozen=True)
class Attribution:
    """How an order is attributed."""

    method: str  # utm | promo_code | unattributed
    channel: str
    campaign_key: str | None
    segment: str
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    discount_code: str | None = None


def normalise(name: str) -> str:
    """Lowercase and keep only [a-z0-9]."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def parse_name(name: str) -> NameParts:
    """Parse `<initiative>_<segment>_<objective>_<geo>_<yyyymm>`; non-compliant names get an issue."""
    parts = name.split("_")
    if len(parts) != 5:
        return NameParts(False, f"expected 5 fields, got {len(parts)}")
    initiative, segment, objective, geo, yyyymm = parts
    checks = (
        (_SLUG.match(initiative) is not None, "initiative"),
        (segment in SEGMENTS, "segment"),
        (objective in OBJECTIVES, "objective"),
        (geo in GEOS, "geo"),
        (_YYYYMM.match(yyyymm) is not None, "yyyymm"),
    )
    bad = [what for ok, what in checks if not ok]
    if bad:
        return NameParts(False, f"invalid {bad[0]}")
    return NameParts(True, None, initiative, segment, objective, geo, yyyymm)


def naming_segment(name: str) -> str:
    """The name's segment field (2nd `_` field) when it is a known segment, even if other fields break the
    convention; else 'unassigned'."""
    parts = name.split("_")
    return parts[1] if len(parts) >= 2 and parts[1] in SEGMENTS else "unassigned"


def channel_for(source: str, medium: str | None) -> str:
    """Map utm_source x utm_medium to a channel (the channel_sources seed)."""
    s, m = source.strip().lower(), (medium or "").strip().lower()
    if s in ("facebook", "fb", "instagram", "ig", "meta") and m in PAID_MEDIUMS:
        return "meta"
    if s in ("facebook", "fb"):
        return "facebook"
    if s in ("instagram", "ig"):
        return "instagram"
    if s in ("tiktok", "google", "linkedin", "pinterest", "snapchat", "youtube", "x"):
        return s
    if s in ("twitter", "t.co"):
        return "x"
    return "other"


def utm_params(landing_site: str | None) -> dict[str, str]:
    """utm_* query parameters (percent-decoded) of a landing site."""
    if not landing_site:
        return {}
    query = parse_qs(urlsplit(landing_site).query, keep_blank_values=True)
    return {k: v[0] for k, v in query.items() if k.startswith("utm_")}


class CampaignIndex:
    """Known campaigns, looked up by id, then exact name, then normalised name."""

    def __init__(self, campaigns: Iterable[Campaign]) -> None:
        self.by_id: dict[str, Campaign] = {}
        self.by_name: dict[str, Campaign] = {}
        self.by_norm: dict[str, Campaign] = {}
        for c in campaigns:
            self.by_id[c.campaign_id] = c
            self.by_name.setdefault(c.name, c)
            self.by_norm.setdefault(normalise(c.name), c)

    def match(self, value: str) -> Campaign | None:
        """The campaign a utm_campaign value refers to, if any."""
        return self.by_id.get(value) or self.by_name.get(value) or self.by_norm.get(normalise(value))


def attribute(order: Order, known: CampaignIndex, all_campaigns: CampaignIndex) -> Attribution:
    """Attribute an order: utm first, then a listed promo code, else unattributed."""
    code = order.discount.code if order.discount else None
    utm = utm_params(order.landing_site)
    if utm.get("utm_source"):
        channel = channel_for(utm["utm_source"], utm.get("utm_medium"))
        value = utm.get("utm_campaign")
        campaign = known.match(value) if value else None
        return Attribution(
            "utm",
            channel,
            campaign.key if campaign else None,
            naming_segment(campaign.name) if campaign else "unassigned",
            utm["utm_source"],
            utm.get("utm_medium"),
            value,
            code,
        )
    promo = promo_index().get(code.upper()) if code else None
    if promo is not None:
        if promo.kind == "influencer":
            return Attribution("promo_code", "influencer", None, "unassigned", discount_code=code)
        campaign = all_campaigns.by_id.get(promo.campaign_id or "")
        return Attribution(
            "promo_code",
            promo.channel,
            f"{promo.channel}:{promo.campaign_id}",
            naming_segment(campaign.name) if campaign else "unassigned",
            discount_code=code,
        )
    return Attribution("unattributed", "unattributed", None, "unassigned", discount_code=code)
