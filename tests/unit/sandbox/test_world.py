"""The world model: determinism across run dates, volumes and the shape of the simulated data."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.attribution import channel_for, naming_segment, normalise, parse_name, utm_params
from sandbox.campaigns import campaigns_for_month, month_index
from sandbox.constants import AD_ACCOUNTS, EPOCH, EPOCH_START_UTC, GEOS, IG_BASE_FOLLOWERS, SHOPS
from sandbox.world import build_world, cutoff_for

AS_OF = date(2026, 11, 22)
EARLY = date(2025, 3, 10)

# Digest of everything visible at `early`, computed from a world built at `late`; run in-process and in a
# fresh interpreter (whose generators never went past `early`) to prove the data for a day never depends on
# the run date.
DIGEST = """
import hashlib, json
from datetime import date
from sandbox.world import build_world, cutoff_for

def digest(early: date, late: date) -> str:
    w = build_world(late)
    cutoff = cutoff_for(early)
    parts = []
    for shop, orders in sorted(w.orders.items()):
        for o in orders:
            if o.created_at < cutoff:
                parts.append((shop, o.id, o.name, o.created_at.isoformat(), o.customer_id,
                              o.customer_created_at.isoformat(), o.landing_site, o.referring_site,
                              repr(o.discount), repr(o.line_items), repr(o.refunds), o.test))
    parts += [(r.campaign.key, r.ad.ad_id, r.day.isoformat(), r.spend_cents, r.impressions, r.clicks, r.reach,
               r.purchases, r.purchase_value_cents, r.video_views) for r in w.ad_days if r.day < early]
    parts += [repr(m) for m in w.ig_media if m.published_at < cutoff]
    parts += [repr(p) for p in w.fb_posts if p.published_at < cutoff]
    parts += [repr(d) for d in w.ig_days if d.day < early] + [repr(d) for d in w.fb_days if d.day < early]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest() + f":{len(parts)}"
"""


def test_data_for_a_day_does_not_depend_on_the_run_date() -> None:
    ns: dict = {}
    exec(DIGEST, ns)
    in_process = ns["digest"](EARLY, AS_OF)
    code = DIGEST + f"\nprint(digest(date({EARLY.year}, {EARLY.month}, {EARLY.day}), "
    code += f"date({EARLY.year}, {EARLY.month}, {EARLY.day})))"
    fresh = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    ).stdout.strip()
    assert in_process == fresh
    assert int(fresh.split(":")[1]) > 3000


def test_only_events_before_the_cutoff_are_visible() -> None:
    w = build_world(EARLY)
    cutoff = cutoff_for(EARLY)
    assert cutoff.isoformat() == "2025-03-10T04:00:00+00:00"
    orders = [o for os_ in w.orders.values() for o in os_]
    assert all(EPOCH_START_UTC <= o.created_at < cutoff for o in orders)
    assert all(r.created_at < cutoff for o in orders for r in w.refunds(o))
    assert any(r.created_at >= cutoff for o in orders for r in o.refunds)  # refunds still to come exist
    assert max(r.day for r in w.ad_days) == EARLY - timedelta(days=1)
    assert [d.day for d in w.ig_days][-1] == EARLY - timedelta(days=1)
    assert all(m.published_at < cutoff for m in w.ig_media)


def test_campaign_schedule() -> None:
    campaigns = [c for m in range(36) for c in campaigns_for_month(m)]
    for m in range(36):
        month = campaigns_for_month(m)
        assert [c.platform for c in month] == [
            "meta",
            "meta",
            "meta",
            "tiktok",
            "google",
            "linkedin",
            "x",
            "snapchat",
            "pinterest",
        ]
        assert {c.account_id for c in month} == {a.account_id for a in AD_ACCOUNTS.values()}
    meta = [c for c in campaigns if c.platform == "meta"]
    assert [c.account_id for c in meta[:4]] == ["1001", "1002", "1001", "1002"]
    for c in campaigns:
        flight = (c.end - c.launch).days + 1
        if c.platform == "google":
            assert 60 <= flight <= 90
        elif c.platform in ("meta", "tiktok"):
            assert 45 <= flight <= 75
        else:
            assert 21 <= flight <= 60
        assert len({a.adset_id for a in c.ads}) == 2 and len(c.ads) == 4
        assert c.segment in ("genz", "millennial", "parents")
        if c.platform == "x":
            assert re.fullmatch(r"[0-9a-z]{5}", c.campaign_id)
        elif c.platform == "snapchat":
            assert str(uuid.UUID(c.campaign_id)) == c.campaign_id
        else:
            assert c.campaign_id.isdigit()
        if c.platform == "meta":
            assert re.fullmatch(r"120210\d{11}", c.campaign_id)
            assert c.geo == "us" if c.account_id == "1001" else c.geo in ("eu", "uk")
    for start in range(0, 36 - 18 + 1):
        window = [c for c in campaigns if start <= month_index(c.launch) < start + 18]
        assert len(window) >= 25
    assert len({c.campaign_id for c in campaigns}) == len(campaigns)
    assert len({normalise(c.name) for c in campaigns}) == len(campaigns)
    broken = [c for c in campaigns if c.naming_issue]
    assert 1 / 12 <= len(broken) / len(campaigns) <= 1 / 5
    assert {c.naming_issue for c in broken} == {"copy_of", "unknown_segment", "missing_field"}
    for c in campaigns:
        parts = parse_name(c.name)
        assert parts.compliant == (c.naming_issue is None), c.name
        if parts.compliant:
            assert (parts.segment, parts.geo, parts.yyyymm) == (c.segment, c.geo, f"{c.launch:%Y%m}")


def test_ad_rows_are_consistent() -> None:
    w = build_world(AS_OF)
    assert len(w.ad_days) > 15_000
    for r in w.ad_days:
        assert r.campaign.active(r.day)
        assert r.spend_cents > 0 and 0 < r.reach <= r.impressions and r.clicks <= r.impressions
        assert 0 <= r.purchases <= r.clicks and (r.purchase_value_cents > 0) == (r.purchases > 0)
    per_campaign_day = Counter((r.campaign.key, r.day) for r in w.ad_days)
    assert set(per_campaign_day.values()) <= {1, 2, 3, 4}
    assert any(v < 4 for v in per_campaign_day.values())  # some ads without delivery are omitted


def test_order_volumes_ids_and_names() -> None:
    w = build_world(AS_OF)
    days = (AS_OF - EPOCH).days
    for shop in SHOPS:
        orders = w.orders[shop.handle]
        assert 15 <= len(orders) / days <= 25, shop.handle
        assert len({o.id for o in orders}) == len(orders)
        assert [o.number for o in orders] == list(range(1001, 1001 + len(orders)))
        assert 10 <= sum(o.test for o in orders) <= 80
        assert all(o.created_at <= b.created_at for o, b in itertools.pairwise(orders))


def test_customers_new_and_returning() -> None:
    w = build_world(AS_OF)
    all_ids: list[set[int]] = []
    for shop in SHOPS:
        first: dict[int, object] = {}
        for o in w.orders[shop.handle]:
            if o.customer_id not in first:
                assert o.is_first_order and o.customer_created_at == o.created_at
                first[o.customer_id] = o.created_at
            else:
                assert not o.is_first_order and o.customer_created_at == first[o.customer_id]
        returning = sum(not o.is_first_order for o in w.orders[shop.handle])
        assert 0.2 <= returning / len(w.orders[shop.handle]) <= 0.4
        all_ids.append(set(first))
    assert not (all_ids[0] & all_ids[1]) and not (all_ids[1] & all_ids[2])


def test_order_money_discounts_and_refunds() -> None:
    w = build_world(AS_OF)
    orders = [o for os_ in w.orders.values() for o in os_]
    refunded = [o for o in orders if o.refunds]
    assert 0.05 <= len(refunded) / len(orders) <= 0.07
    assert not any(o.refunds for o in orders if o.test)
    for o in orders:
        assert o.subtotal_cents == sum(li.price_cents * li.quantity - li.discount_cents for li in o.line_items)
        assert o.total_cents == o.subtotal_cents + o.tax_cents + o.shipping_cents
        if o.discount:
            assert o.discount.amount_cents == o.discount_cents > 0
        for r in o.refunds:
            assert 3 <= (r.created_at - o.created_at).days <= 20
            lines = {li.id: li for li in o.line_items}
            if len(r.lines) == 1 and r.lines[0].quantity < lines[r.lines[0].line_item_id].quantity:
                assert r.lines[0].quantity == 1
            assert 0 < r.subtotal_cents <= o.subtotal_cents
    partial = [o for o in refunded if o.refunds[0].subtotal_cents < o.subtotal_cents]
    assert 0.3 <= len(partial) / len(refunded) <= 0.8


def test_utm_and_code_mix() -> None:
    w = build_world(AS_OF)
    cutoff_by_key = {c.key: c for c in w.campaigns}
    forms: Counter[str] = Counter()
    sources: Counter[tuple[str, str]] = Counter()
    both = neither = 0
    for shop in SHOPS:
        for o in w.orders[shop.handle]:
            q = {k: v[0] for k, v in parse_qs(urlsplit(o.landing_site).query).items()}
            if "utm_source" in q:
                sources[(q["utm_source"], q["utm_medium"])] += 1
                both += o.discount is not None
            elif o.discount is None:
                neither += 1
            if o.driver in ("meta", "tiktok", "linkedin", "x", "snapchat", "pinterest"):
                c = cutoff_by_key[o.driver_campaign]
                local_day = o.created_at.astimezone(shop.tz).date()
                assert c.launch < local_day <= c.end and c.geo == shop.geo
                value = q["utm_campaign"]
                if value == c.campaign_id:
                    forms["id"] += 1
                elif value == c.name:
                    forms["name"] += 1
                else:
                    assert normalise(value) == normalise(c.name) and value.strip() != c.name
                    forms["messy"] += 1
    total = sum(forms.values())
    assert 0.55 <= forms["id"] / total <= 0.65
    assert 0.2 <= forms["name"] / total <= 0.3
    assert 0.1 <= forms["messy"] / total <= 0.2
    assert {s for s, m in sources if m in ("paid_social", "cpc")} == {
        "facebook",
        "fb",
        "instagram",
        "ig",
        "tiktok",
        "google",
        "linkedin",
        "twitter",
        "snapchat",
        "pinterest",
    }
    assert sources[("instagram", "social")] > 0 and sources[("facebook", "social")] > 0
    assert sources[("newsletter", "email")] > 0 and both > 100 and neither > 1000


def test_social_volumes() -> None:
    w = build_world(AS_OF)
    days = (AS_OF - EPOCH).days
    assert 0.9 <= len(w.ig_media) / days <= 1.1
    assert 0.6 <= len(w.fb_posts) / days <= 0.8
    assert {m.media_type for m in w.ig_media} == {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}
    assert {m.media_product_type for m in w.ig_media} == {"FEED", "REELS"}
    assert all("#" in m.caption for m in w.ig_media)
    assert any("#nw" in m.caption for m in w.ig_media)
    assert all(d.follower_count >= 0 for d in w.ig_days)
    fb = w.fb_days
    assert all(b.page_follows - a.page_follows == b.page_daily_follows_unique for a, b in itertools.pairwise(fb))
    assert w.fb_followers_count() == fb[-1].page_follows
    assert w.ig_followers_count() == IG_BASE_FOLLOWERS + sum(d.follower_count for d in w.ig_days)


@pytest.mark.parametrize("geo", GEOS)
def test_every_geo_has_paid_campaigns(geo: str) -> None:
    assert sum(c.geo == geo for m in range(23) for c in campaigns_for_month(m)) >= 10


def test_world_cache_is_fast() -> None:
    import time

    build_world(AS_OF)
    t = time.perf_counter()
    build_world(AS_OF)
    assert time.perf_counter() - t < 0.01
    assert json.dumps(str(cutoff_for(AS_OF))) == '"2026-11-22 05:00:00+00:00"'


def test_attribution_helpers() -> None:
    assert naming_segment("Copy of spring-drop_genz_conv_us_202506") == "genz"
    assert naming_segment("spring-drop_parents_us_202506") == "parents"
    assert naming_segment("spring-drop_boomers_conv_us_202506") == "unassigned"
    assert naming_segment("brand-search") == "unassigned"
    assert not parse_name("Copy of spring-drop_genz_conv_us_202506").compliant
    assert parse_name("spring-drop_genz_conv_us_202613").issue == "invalid yyyymm"
    assert [
        channel_for(s, m)
        for s, m in [
            ("IG", "cpc"),
            ("fb", "social"),
            ("instagram", "social"),
            ("tiktok", "paid_social"),
            ("newsletter", "email"),
            ("meta", "paid"),
        ]
    ] == ["meta", "facebook", "instagram", "tiktok", "other", "meta"]
    assert utm_params("/?utm_source=fb&utm_campaign=Spring%20Drop%20%7C%20GENZ&x=1") == {
        "utm_source": "fb",
        "utm_campaign": "Spring Drop | GENZ",
    }
