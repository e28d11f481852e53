"""The attribution rules of docs/design.md (channel seed, campaign matching, promo codes, referrers, naming convention,
segment rules)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs, urlsplit

from sandbox.campaigns import Campaign
from sandbox.constants import GEOS, OBJECTIVES, SEGMENTS
from sandbox.orders import Order
from sandbox.promo import promo_index
from sandbox.segments import UNASSIGNED, first_rule_segment

PAID_MEDIUMS = frozenset({"paid_social", "paid", "cpc", "paidsocial"})
_SLUG = re.compile(r"^[a-z0-9-]+$")
_YYYYMM = re.compile(r"^20\d\d(0[1-9]|1[0-2])$")
# Referring hosts (without "www.") -> channel, for the host and any subdomain of it (l.instagram.com, m.facebook.com);
# any google.<tld> is google (organic search: paid Google clicks carry UTMs and are attributed before).
_REFERRER_DOMAINS = {
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "t.co": "x",
    "x.com": "x",
    "twitter.com": "x",
    "linkedin.com": "linkedin",
    "lnkd.in": "linkedin",
    "pinterest.com": "pinterest",
    "pin.it": "pinterest",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "tiktok.com": "tiktok",
}


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

    method: str  # utm | promo_code | referrer | unattributed
    channel: str
    campaign_key: str | None
    segment: str  # the attributed campaign's segment (campaign_segment), else unassigned
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    discount_code: str | None = None
    customer_segment: str = UNASSIGNED  # the campaign's segment, else the first matching order rule
    referring_host: str | None = None


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


def campaign_segment(campaign: Campaign) -> str:
    """The campaign's naming-convention segment, else the first matching campaign rule's, else 'unassigned'.

    Rule fields: campaign_name, campaign_id, initiative (the name's first `_` field when it is a lowercase slug,
    whatever the other fields), platform, account_id."""
    segment = naming_segment(campaign.name)
    if segment != UNASSIGNED:
        return segment
    first = campaign.name.split("_")[0]
    fields = {
        "campaign_name": campaign.name,
        "campaign_id": campaign.campaign_id,
        "initiative": first if _SLUG.match(first) else None,
        "platform": campaign.platform,
        "account_id": campaign.account_id,
    }
    return first_rule_segment("campaign", fields) or UNASSIGNED


def with_customer_segment(attribution: Attribution, landing_site: str | None = None) -> Attribution:
    """The attribution with its customer segment: the campaign's segment, else the first matching order rule's,
    else 'unassigned'. Order rule fields: landing_path (the landing site's path), discount_code, utm_source,
    utm_medium, utm_campaign (from the landing site when the order was not attributed by utm) and referring_host."""
    if attribution.segment != UNASSIGNED:
        return replace(attribution, customer_segment=attribution.segment)
    landing_utm = utm_params(landing_site)
    fields = {
        "landing_path": (urlsplit(landing_site).path or None) if landing_site else None,
        "discount_code": attribution.discount_code,
        "utm_source": attribution.utm_source or landing_utm.get("utm_source"),
        "utm_medium": attribution.utm_medium or landing_utm.get("utm_medium"),
        "utm_campaign": attribution.utm_campaign or landing_utm.get("utm_campaign"),
        "referring_host": attribution.referring_host,
    }
    return replace(attribution, customer_segment=first_rule_segment("order", fields) or UNASSIGNED)


def referring_host(site: str | None) -> str | None:
    """The lower-cased host of a referring site without a leading "www."; None without one."""
    host = urlsplit(site).hostname if site else None
    if not host:
        return None
    return host.removeprefix("www.")


def referrer_channel(host: str | None) -> str | None:
    """The channel of a referring host (the host or a parent domain in _REFERRER_DOMAINS, google.<tld>), if any."""
    if host is None:
        return None
    if host.startswith("google."):
        return "google"
    parts = host.split(".")
    for i in range(len(parts) - 1):
        channel = _REFERRER_DOMAINS.get(".".join(parts[i:]))
        if channel is not None:
            return channel
    return None


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
    """Attribute an order: utm first, then a listed promo code, then a known referrer, else unattributed; then its
    customer segment."""
    return with_customer_segment(_attribute(order, known, all_campaigns), order.landing_site)


def _attribute(order: Order, known: CampaignIndex, all_campaigns: CampaignIndex) -> Attribution:
    """The attribution steps of an order (without the customer segment)."""
    code = order.discount.code if order.discount else None
    host = referring_host(order.referring_site)
    utm = utm_params(order.landing_site)
    if utm.get("utm_source"):
        channel = channel_for(utm["utm_source"], utm.get("utm_medium"))
        value = utm.get("utm_campaign")
        campaign = known.match(value) if value else None
        return Attribution(
            "utm",
            channel,
            campaign.key if campaign else None,
            campaign_segment(campaign) if campaign else UNASSIGNED,
            utm["utm_source"],
            utm.get("utm_medium"),
            value,
            code,
            referring_host=host,
        )
    promo = promo_index().get(code.upper()) if code else None
    if promo is not None:
        if promo.kind == "influencer":
            return Attribution("promo_code", "influencer", None, UNASSIGNED, discount_code=code, referring_host=host)
        campaign = all_campaigns.by_id.get(promo.campaign_id or "")
        return Attribution(
            "promo_code",
            promo.channel,
            f"{promo.channel}:{promo.campaign_id}",
            campaign_segment(campaign) if campaign else UNASSIGNED,
            discount_code=code,
            referring_host=host,
        )
    channel = referrer_channel(host)
    if channel is not None:
        return Attribution("referrer", channel, None, UNASSIGNED, discount_code=code, referring_host=host)
    return Attribution("unattributed", "unattributed", None, UNASSIGNED, discount_code=code, referring_host=host)
