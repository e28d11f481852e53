"""Ground truth agrees with what the HTTP replicas serve, recomputed here independently of sandbox.truth."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from sandbox.truth import Truth

AS_OF = date(2026, 11, 22)
SMALL_AS_OF = date(2025, 4, 15)
INPUTS = Path(__file__).resolve().parents[3] / "inputs"
NY = ZoneInfo("America/New_York")
CENT = Decimal("0.01")
SHOPS = ("northwind-us", "northwind-eu", "northwind-uk")


@pytest.fixture(scope="module")
def rates() -> dict[tuple[str, date], Decimal]:
    """Rates from the committed inputs/fx_rates.csv."""
    with (INPUTS / "fx_rates.csv").open() as f:
        return {(r["base_currency"], date.fromisoformat(r["rate_date"])): Decimal(r["rate"]) for r in csv.DictReader(f)}


def _usd(amount: Decimal, currency: str, day: date, rates: dict) -> Decimal:
    rate = Decimal(1) if currency == "USD" else rates[(currency, day)]
    return (amount * rate).quantize(CENT, ROUND_HALF_UP)


@pytest.fixture(scope="module")
def truth() -> Truth:
    return Truth(AS_OF)


@pytest.fixture(scope="module")
def small_truth() -> Truth:
    return Truth(SMALL_AS_OF)


def test_spend_matches_http_per_account_and_month(truth, graph_get, insights_loader, rates) -> None:
    for account, currency in (("1001", "USD"), ("1002", "EUR")):
        rows = insights_loader(graph_get, account, date(2026, 9, 1), date(2026, 11, 30))
        local: dict[str, Decimal] = defaultdict(Decimal)
        usd: dict[str, Decimal] = defaultdict(Decimal)
        for r in rows:
            month, day = r["date_start"][:7], date.fromisoformat(r["date_start"])
            local[month] += Decimal(r["spend"])
            usd[month] += _usd(Decimal(r["spend"]), currency, day, rates)
        for month in ("2026-09", "2026-10", "2026-11"):
            assert truth.spend_local(account, month) == local[month] > 0
    meta_usd = defaultdict(Decimal)
    for account, currency in (("1001", "USD"), ("1002", "EUR")):
        for r in insights_loader(graph_get, account, date(2026, 11, 1), date(2026, 11, 30)):
            meta_usd["2026-11"] += _usd(Decimal(r["spend"]), currency, date.fromisoformat(r["date_start"]), rates)
    assert truth.spend("meta", "2026-11") == meta_usd["2026-11"]
    assert truth.spend_by_platform_month()[("meta", "2026-11")] == meta_usd["2026-11"]
    by_campaign = truth.spend_by_campaign("2026-11")
    assert sum(v for k, v in by_campaign.items() if k.startswith("meta:")) == meta_usd["2026-11"]
    assert truth.spend("tiktok", "2026-11") > 0  # TikTok exists in the world, not (yet) over HTTP


def _segment(name: str | None) -> str:
    parts = (name or "").split("_")
    return parts[1] if len(parts) > 1 and parts[1] in ("genz", "millennial", "parents") else "unassigned"


# Referring host (or a parent domain of it) -> channel; google.<tld> is google.
_REFERRERS = {
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


def _host(site: str | None) -> str | None:
    host = urlsplit(site or "").hostname
    return host.removeprefix("www.") if host else None


def _referrer_channel(host: str | None) -> str | None:
    if not host:
        return None
    if host.startswith("google."):
        return "google"
    return next((c for d, c in _REFERRERS.items() if host == d or host.endswith(f".{d}")), None)


def _rule_segment(rules: list[dict[str, str]], kind: str, fields: dict[str, str | None]) -> str | None:
    """The segment of the first rule of inputs/segment_rules.csv of that kind matching `fields`."""
    for rule in rules:
        actual = fields.get(rule["field"]) if rule["applies_to"] == kind else None
        if actual is None:
            continue
        actual, wanted = actual.lower(), rule["value"].lower()
        matched = {"equals": actual == wanted, "contains": wanted in actual, "starts_with": actual.startswith(wanted)}
        if matched[rule["operator"]]:
            return rule["segment"]
    return None


def _customer_segment(
    order: dict, campaign: tuple[str, str] | None, rules: list[dict[str, str]], campaign_id: str | None
) -> str:
    """The campaign's naming segment, else its first campaign rule, else the order's first order rule."""
    if campaign is not None:
        name, account = campaign
        first = name.split("_")[0]
        fields = {
            "campaign_name": name,
            "campaign_id": campaign_id,
            "initiative": first if re.fullmatch("[a-z0-9-]+", first) else None,
            "platform": "meta",
            "account_id": account,
        }
        segment = _segment(name)
        segment = segment if segment != "unassigned" else _rule_segment(rules, "campaign", fields) or "unassigned"
        if segment != "unassigned":
            return segment
    landing = order["landing_site"] or ""
    q = {k: v[0] for k, v in parse_qs(urlsplit(landing).query).items()}
    codes = [d["code"].upper() for d in order["discount_codes"]]
    fields = {
        "landing_path": urlsplit(landing).path or None,
        "discount_code": codes[0] if codes else None,
        "utm_source": q.get("utm_source"),
        "utm_medium": q.get("utm_medium"),
        "utm_campaign": q.get("utm_campaign"),
        "referring_host": _host(order["referring_site"]),
    }
    return _rule_segment(rules, "order", fields) or "unassigned"


def _attribute(order: dict, known: dict[str, dict[str, str]], promos: dict[str, dict]) -> tuple[str, str, str | None]:
    """The design.md attribution rules, implemented from served data only."""
    q = {k: v[0] for k, v in parse_qs(urlsplit(order["landing_site"] or "").query).items()}
    if q.get("utm_source"):
        src, med = q["utm_source"].lower(), q.get("utm_medium", "").lower()
        if src in ("facebook", "fb", "instagram", "ig", "meta") and med in ("paid_social", "paid", "cpc", "paidsocial"):
            channel = "meta"
        elif src in ("facebook", "fb"):
            channel = "facebook"
        elif src in ("instagram", "ig"):
            channel = "instagram"
        else:
            social = {"twitter": "x", "linkedin": "linkedin", "snapchat": "snapchat", "pinterest": "pinterest"}
            channel = src if src in ("tiktok", "google") else social.get(src, "other")
        value = q.get("utm_campaign", "")
        norm = re.sub("[^a-z0-9]", "", value.lower())
        cid = value if value in known["id"] else known["name"].get(value) or known["norm"].get(norm)
        return "utm", channel, f"meta:{cid}" if cid else None
    for code in (d["code"] for d in order["discount_codes"]):
        p = promos.get(code.upper())
        if p:
            if p["kind"] == "influencer":
                return "promo_code", "influencer", None
            return "promo_code", p["channel"], f"{p['channel']}:{p['campaign_id']}"
    channel = _referrer_channel(_host(order["referring_site"]))
    return ("referrer", channel, None) if channel else ("unattributed", "unattributed", None)


def test_revenue_customers_and_attribution_match_http(
    small_server, small_truth, http, orders_loader, graph_factory, insights_loader, rates
) -> None:
    get = graph_factory(small_server.url)
    known: dict[str, dict[str, str]] = {"id": {}, "name": {}, "norm": {}}
    names: dict[str, tuple[str, str]] = {}
    for account in ("1001", "1002"):
        for r in insights_loader(get, account, date(2025, 1, 1), SMALL_AS_OF):
            known["id"][r["campaign_id"]] = r["campaign_id"]
            known["name"][r["campaign_name"]] = r["campaign_id"]
            known["norm"][re.sub("[^a-z0-9]", "", r["campaign_name"].lower())] = r["campaign_id"]
            names[f"meta:{r['campaign_id']}"] = (r["campaign_name"], r["account_id"])
    with (INPUTS / "promo_codes.csv").open() as f:
        promos = {r["code"].upper(): r for r in csv.DictReader(f)}
    with (INPUTS / "segment_rules.csv").open() as f:
        rules = list(csv.DictReader(f))
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    by_campaign: dict[str, Decimal] = defaultdict(Decimal)
    by_method: dict[str, Decimal] = defaultdict(Decimal)
    by_referrer: dict[str, Decimal] = defaultdict(Decimal)
    by_channel: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_segment: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    new_customers: dict[str, int] = defaultdict(int)
    orders_count: dict[str, int] = defaultdict(int)
    for shop in SHOPS:
        orders, _ = orders_loader(http, small_server.url, shop, order="created_at asc")
        seen: set[int] = set()
        for o in orders:
            if o["test"]:
                continue
            method, channel, campaign = _attribute(o, known, promos)
            segment = _customer_segment(o, names.get(campaign or ""), rules, (campaign or ":").split(":")[1])
            created = datetime.fromisoformat(o["created_at"]).astimezone(NY).date()
            amount = _usd(Decimal(o["subtotal_price"]), o["currency"], created, rates)
            entries = [(created, amount)]
            for r in o["refunds"]:
                rday = datetime.fromisoformat(r["created_at"]).astimezone(NY).date()
                sub = sum(Decimal(rl["subtotal"]) for rl in r["refund_line_items"])
                entries.append((rday, _usd(-sub, o["currency"], rday, rates)))
            for day, value in entries:
                month = day.strftime("%Y-%m")
                revenue[month] += value
                by_method[month] += value if method == "utm" else 0
                by_referrer[month] += value if method == "referrer" else 0
                by_channel[(month, channel)] += value
                by_segment[(month, segment)] += value
                if campaign:
                    by_campaign[campaign] += value
            orders_count[created.strftime("%Y-%m")] += 1
            if o["customer"]["id"] not in seen:
                seen.add(o["customer"]["id"])
                new_customers[created.strftime("%Y-%m")] += 1
    months = ["2025-01", "2025-02", "2025-03", "2025-04"]
    for month in months:
        assert small_truth.revenue(month) == revenue[month] > 0
        assert small_truth.orders(month) == orders_count[month]
        assert small_truth.new_customers(month) == new_customers[month]
        assert small_truth.revenue_by_attribution_method(month)["utm"] == by_method[month]
        assert small_truth.revenue_by_attribution_method(month)["referrer"] == by_referrer[month] != 0
        for channel, value in small_truth.revenue_by_channel(month).items():
            assert value == by_channel[(month, channel)], (month, channel)
        for segment, value in small_truth.revenue_by_segment(month).items():
            assert value == by_segment[(month, segment)], (month, segment)
    assert small_truth.attributed_revenue_by_campaign() == dict(by_campaign)
    assert any(k.startswith("meta:") for k in by_campaign) and len(by_campaign) >= 5
    assert {s for _, s in by_segment} == {"genz", "millennial", "parents", "unassigned"}


def test_breakdowns_add_up(truth) -> None:
    for month in ("2025-07", "2026-10"):
        total = truth.revenue(month)
        assert sum(truth.revenue_by_attribution_method(month).values()) == total
        assert sum(truth.revenue_by_channel(month).values()) == total
        assert sum(truth.revenue_by_segment(month).values()) == total
        assert set(truth.revenue_by_attribution_method(month)) == {"utm", "promo_code", "referrer", "unattributed"}
        assert {"meta", "instagram", "facebook", "tiktok", "influencer", "unattributed", "other"} <= set(
            truth.revenue_by_channel(month)
        )
        assert truth.refunds(month) < 0
        assert sum(truth.revenue_local(s, month) for s in SHOPS) != total  # different currencies
    assert truth.roas("2026-10") == truth.revenue_by_channel("2026-10")["meta"] / truth.spend("meta", "2026-10")
    assert truth.cpa("2026-10") == truth.spend("meta", "2026-10") / truth.attributed_orders("meta", "2026-10")


def test_followers_match_http(truth, graph_get) -> None:
    last = AS_OF - timedelta(days=1)
    ig = graph_get("17841400000000001", fields="followers_count").json()["followers_count"]
    fb = graph_get("100000000000001", fields="followers_count").json()["followers_count"]
    assert truth.followers_total("instagram", last) == ig
    assert truth.followers_total("facebook", last) == fb
    oct_gain = truth.followers_total("facebook", date(2026, 10, 31)) - truth.followers_total(
        "facebook", date(2026, 9, 30)
    )
    assert truth.followers_gained("facebook", "2026-10") == oct_gain
    with pytest.raises(ValueError):
        truth.followers_total("instagram", AS_OF)


def test_truth_uses_restated_values_at_its_run_date() -> None:
    early, late = Truth(date(2026, 11, 3)), Truth(date(2026, 11, 20))
    assert early.spend_local("1001", "2026-11") < late.spend_local("1001", "2026-11")
    day = date(2026, 11, 2)
    early_day = sum(early.world.seen_ad(r).spend_cents for r in early.world.ad_days_for("1001") if r.day == day)
    final_day = sum(r.spend_cents for r in late.world.ad_days_for("1001") if r.day == day)
    assert early_day < final_day and early_day >= final_day * 98 // 100 - 10


def test_organic_api_covers_every_platform(small_truth) -> None:
    from sandbox.truth import ORGANIC_PLATFORMS

    last = SMALL_AS_OF - timedelta(days=1)
    for platform in ORGANIC_PLATFORMS:
        assert small_truth.posts_published(platform, "2025-03") > 0
        assert small_truth.organic_impressions(platform, "2025-03") > small_truth.engagements(platform, "2025-03") > 0
        assert small_truth.followers_gained(platform, "2025-03") > 0
        assert small_truth.followers_total(platform, last) > 0
        assert small_truth.posts_published(platform) == sum(
            small_truth.posts_published(platform, m) for m in small_truth.months()
        )
    with pytest.raises(KeyError):
        small_truth.posts_published("myspace", "2025-03")


def test_instagram_and_facebook_organic_truth_from_the_world() -> None:
    """Final lifetime metrics once every post of the month is a week old; grown (smaller) values before."""
    early, late = Truth(date(2025, 4, 2)), Truth(date(2025, 5, 1))
    media = [m for m in late.world.ig_media if m.published_at.astimezone(NY).strftime("%Y-%m") == "2025-03"]
    posts = [p for p in late.world.fb_posts if p.published_at.astimezone(NY).strftime("%Y-%m") == "2025-03"]
    assert late.posts_published("instagram", "2025-03") == early.posts_published("instagram", "2025-03") == len(media)
    assert late.organic_impressions("instagram", "2025-03") == sum(m.views for m in media)
    assert late.engagements("instagram", "2025-03") == sum(
        m.like_count + m.comments_count + m.shares + m.saved for m in media
    )
    assert late.posts_published("facebook", "2025-03") == early.posts_published("facebook", "2025-03") == len(posts)
    assert late.organic_impressions("facebook", "2025-03") == sum(p.impressions for p in posts)
    assert late.engagements("facebook", "2025-03") == sum(
        sum(p.reactions) + p.comments + p.shares + p.clicks for p in posts
    )
    for platform in ("instagram", "facebook"):
        assert early.engagements(platform, "2025-03") < late.engagements(platform, "2025-03")
        assert early.organic_impressions(platform, "2025-03") < late.organic_impressions(platform, "2025-03")


def test_ad_impressions_and_clicks(small_truth) -> None:
    rows = [
        r for r in small_truth.world.ad_days if r.campaign.platform == "meta" and r.day.strftime("%Y-%m") == "2025-03"
    ]
    assert small_truth.impressions("meta", "2025-03") == sum(r.impressions for r in rows) > 0
    assert small_truth.clicks("meta", "2025-03") == sum(r.clicks for r in rows) > 0
    assert small_truth.clicks("meta") == sum(small_truth.clicks("meta", m) for m in small_truth.months())


def test_daily_views_add_up_to_the_months(small_truth) -> None:
    """Ads per account-timezone day, GA4 sessions per property date and attributed store sales per reporting-timezone
    date add up to the monthly truth computed from the rows of each month."""
    month = "2025-03"
    ads = {day: t for (platform, day), t in small_truth.ad_totals_by_day().items() if platform == "meta"}
    in_month = [t for day, t in ads.items() if day.strftime("%Y-%m") == month]
    assert len(in_month) == 31
    assert sum(t.spend for t in in_month) == small_truth.spend("meta", month) > 0
    assert sum(t.impressions for t in in_month) == small_truth.impressions("meta", month)
    assert sum(t.clicks for t in in_month) == small_truth.clicks("meta", month)
    day = date(2025, 3, 14)
    rows = [r for r in small_truth.world.ad_days if r.campaign.platform == "meta" and r.day == day]
    assert (ads[day].impressions, ads[day].clicks) == (sum(r.impressions for r in rows), sum(r.clicks for r in rows))

    sessions = small_truth.sessions_by_channel_day()
    assert sum(n for (_, d), n in sessions.items() if d.strftime("%Y-%m") == month) == small_truth.sessions(month)
    assert {channel for channel, _ in sessions} >= {"meta", "google", "instagram", "other"}

    sales = small_truth.revenue_by_channel_day()
    month_sales = [v for (_, d), v in sales.items() if d.strftime("%Y-%m") == month]
    assert sum(v.revenue for v in month_sales) == small_truth.revenue(month)
    assert sum(v.orders for v in month_sales) == small_truth.orders(month)
    assert sum(v.new_customers for v in month_sales) == small_truth.new_customers(month)
    on_day = [o for o in small_truth.order_facts() if o.order_date == day and o.attribution.channel == "meta"]
    refunds = [r for r in small_truth.refund_facts() if r.refund_date == day and r.attribution.channel == "meta"]
    expected = sum((o.revenue for o in on_day), Decimal(0)) + sum((r.amount for r in refunds), Decimal(0))
    assert (sales[("meta", day)].revenue, sales[("meta", day)].orders) == (expected, len(on_day))
