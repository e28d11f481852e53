"""The agency profile: a deterministic, vectorised generator of raw-shape Parquet files (issue 8).

`python -m bench.agency OUT --run-date YYYY-MM-DD [--scale 0.01] [--since YYYY-MM-DD]` writes, under
`OUT/exports/raw/<source>/<table>/<YYYY-MM>.parquet` (an exports folder), three years of data up to the day before
the run date: 50 ad accounts across the 7 ad platforms (ad-level daily insights, plus Meta and TikTok age x gender
breakdowns), 10 Shopify shops (orders with UTM landing sites, line items, refunds), 70 organic accounts on the 7
organic platforms (posts and the daily account tables), and `OUT/inputs/` (the repository's business inputs with
daily FX rates for the whole span).
At scale 1 that is about 10.6 million ad-performance rows, 2 million orders and 200 thousand posts.

Every value is a hash of its keys (account, ad, day, ...) and the seed, never of the position in the file, so a day's
rows are the same whichever window is generated: `--since` writes only the days from then on (a nightly increment
with its look-back window), identical to the full history's rows for those days. `--scale` multiplies the rows per
account and day (ads, orders, posts), keeping every table, account and day: the same shapes, smaller.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sources.exports.raw_tables import RAW_TABLES

SEED = 20_261_110
EPOCH = date(2020, 1, 1)  # day numbers (and the 91-day campaign quarters) count from here, whatever the run date
YEARS = 3
ADS_PER_ACCOUNT = 40  # at scale 1: 50 accounts x 40 ads x 1,096 days = 2.19M ad rows, 8.4M Meta/TikTok breakdown rows
ADS_PER_CAMPAIGN = 8
ADS_PER_AD_GROUP = 4
ORDERS_PER_SHOP_DAY = 183  # 10 shops -> 2.0M orders over 1,096 days
POSTS_PER_ACCOUNT_DAY = 2.7  # 70 organic accounts -> 207k posts over 1,096 days
SHOPS = 10
ORGANIC_ACCOUNTS = 10  # per organic platform
AGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
TIKTOK_AGES = ("AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100", "NONE")
GENDERS = ("female", "male")
TIKTOK_GENDERS = ("FEMALE", "MALE")
CURRENCIES = ("USD", "USD", "USD", "EUR", "GBP")  # by account / shop number modulo 5
TIMEZONES = {"USD": "America/New_York", "EUR": "Europe/Berlin", "GBP": "Europe/London"}
# The naming convention of [socialmart.naming]: <initiative>_<segment>_<objective>_<geo>_<yyyymm>.
INITIATIVES = ("springdrop", "summersale", "backtoschool", "holiday", "evergreen", "launch")
SEGMENTS = ("genz", "millennial", "parents")
OBJECTIVES = ("awareness", "traffic", "conv")
GEOS = {"USD": "us", "EUR": "eu", "GBP": "uk"}
# Ad platform: (accounts, utm_source) - 50 accounts in all.
AD_PLATFORMS = {
    "meta_ads": (8, "facebook"),
    "tiktok_ads": (8, "tiktok"),
    "google_ads": (8, "google"),
    "linkedin_ads": (6, "linkedin"),
    "x_ads": (6, "twitter"),
    "snapchat_ads": (7, "snapchat"),
    "pinterest_ads": (7, "pinterest"),
}
ORGANIC = ("instagram", "facebook_pages", "tiktok_organic", "youtube", "x", "linkedin_pages", "pinterest")
MICROS_PER_CENT = 10_000


# ---- deterministic per-key noise ---------------------------------------------------------------------------------


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of each value."""
    with np.errstate(over="ignore"):
        h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return h ^ (h >> np.uint64(31))


def noise(*keys: np.ndarray | int) -> np.ndarray:
    """Uniform [0, 1) floats, one per element, a pure function of the seed and the keys."""
    h = np.uint64(SEED)
    with np.errstate(over="ignore"):
        for key in keys:
            h = _mix(
                np.asarray(h, dtype=np.uint64) ^ (np.asarray(key).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
            )
    return (np.asarray(h) >> np.uint64(11)).astype(np.float64) / float(1 << 53)


# ---- Arrow columns -----------------------------------------------------------------------------------------------


def decimal_from_units(units: np.ndarray, type_: pa.Decimal128Type) -> pa.Array:
    """A decimal array from its unscaled integers (cents for decimal(18,2)), built from the buffer, exact."""
    words = np.empty((len(units), 2), dtype=np.int64)
    words[:, 0] = units
    words[:, 1] = units >> 63  # sign extension to 128 bits
    return pa.Array.from_buffers(type_, len(units), [None, pa.py_buffer(words.tobytes())])


def _column(values: object, type_: pa.DataType, n: int) -> pa.Array:
    """One column: an Arrow array as given, a scalar repeated, or numpy values (decimals as cents, dates as days)."""
    if values is None:
        return pa.nulls(n, type_)
    if isinstance(values, pa.Array):
        return values if values.type.equals(type_) else values.cast(type_)
    if not isinstance(values, np.ndarray):
        return pa.repeat(pa.scalar(values, type=type_), n)
    if pa.types.is_decimal(type_):
        return decimal_from_units(values.astype(np.int64) * 10 ** (type_.scale - 2), type_)
    if pa.types.is_date32(type_):
        return pa.array(values.astype("datetime64[D]").astype(np.int32), type=pa.int32()).cast(pa.date32())
    if pa.types.is_timestamp(type_):
        return pa.array(values.astype(np.int64), type=pa.int64()).cast(type_)
    return pa.array(values, type=type_)


def build_table(source: str, table: str, columns: dict[str, object], n: int) -> pa.Table:
    """A table in the connector's declared schema; columns not given are null."""
    schema = RAW_TABLES[source][table].schema
    return pa.Table.from_arrays([_column(columns.get(f.name), f.type, n) for f in schema], schema=schema)


def labels(prefix: str, numbers: np.ndarray) -> pa.Array:
    """`<prefix><number>` strings, built once per distinct number."""
    unique, inverse = np.unique(numbers, return_inverse=True)
    return pa.array([f"{prefix}{u}" for u in unique]).take(pa.array(inverse))


# ---- the calendar --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """The days generated, [first, last]."""

    first: date
    last: date

    def months(self) -> list[tuple[str, np.ndarray]]:
        """(YYYY-MM, the month's days as day numbers since EPOCH) for each month of the span."""
        days = np.arange((self.first - EPOCH).days, (self.last - EPOCH).days + 1)
        months = self.dates(days).astype("datetime64[M]")
        return [(str(m), days[months == m]) for m in np.unique(months)]

    @staticmethod
    def dates(days: np.ndarray) -> np.ndarray:
        """Day numbers since EPOCH as datetime64[D]."""
        return np.datetime64(EPOCH) + np.asarray(days).astype("timedelta64[D]")


def _grid(*sizes: int) -> list[np.ndarray]:
    """Every combination of ranges of the given sizes, as flat index arrays (first varies slowest)."""
    return [g.ravel() for g in np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij")]


# ---- ad platforms --------------------------------------------------------------------------------------------------


def _ads_per_account(scale: float) -> int:
    return max(1, round(ADS_PER_ACCOUNT * scale))


def account_currency(platform_no: int, account: np.ndarray) -> np.ndarray:
    """The account's currency code (by account number)."""
    return np.array(CURRENCIES)[(account + platform_no) % len(CURRENCIES)]


def campaign_number(
    platform_no: np.ndarray | int, account: np.ndarray, day: np.ndarray, slot: np.ndarray
) -> np.ndarray:
    """A campaign's number (its id): one per platform, account, 91-day quarter and slot."""
    return ((platform_no * 100 + account) * 1_000 + day // 91) * 100 + slot


def ad_rows(span: Span, days: np.ndarray, platform_no: int, accounts: int, ads: int) -> dict[str, np.ndarray]:
    """The canonical ad-day rows of one platform for `days`: keys, quarter-long campaigns, metrics (cents)."""
    a, k, d = _grid(accounts, ads, len(days))
    day = days[d]
    quarter = (day // 91).astype(np.int64)  # campaigns (and their ads) are renewed every 91 days
    campaign = campaign_number(platform_no, a, day, k // ADS_PER_CAMPAIGN)
    ad = campaign * 100 + k % ADS_PER_CAMPAIGN
    ad_group = campaign * 100 + (k % ADS_PER_CAMPAIGN) // ADS_PER_AD_GROUP
    u = noise(ad, day)
    impressions = (200 + 2_800 * u * (1 + 0.3 * np.sin(day / 58.0))).astype(np.int64)
    clicks = (impressions * (0.004 + 0.03 * noise(ad, day, 1))).astype(np.int64)
    conversions = (clicks * 0.08 * noise(ad, day, 2)).astype(np.int64)
    return {
        "account": a,
        "day": day,
        "quarter": quarter,
        "campaign": campaign,
        "ad_group": ad_group,
        "ad": ad,
        "impressions": impressions,
        "clicks": clicks,
        "reach": (impressions * (0.6 + 0.3 * noise(ad, day, 3))).astype(np.int64),
        "spend_cents": (impressions * (400 + 1_200 * noise(ad, 4)) / 1_000).astype(np.int64),
        "conversions": conversions,
        "value_cents": conversions * (2_500 + (6_000 * noise(ad, day, 5)).astype(np.int64)),
        "video_views": (impressions * 0.2 * noise(ad, day, 6)).astype(np.int64),
    }


def campaign_names(span: Span, rows: dict[str, np.ndarray], currency: np.ndarray) -> pa.Array:
    """Names following the naming convention, launch month = the campaign's first day (one name per campaign)."""
    unique, first, inverse = np.unique(rows["campaign"], return_index=True, return_inverse=True)
    launch = Span.dates(rows["quarter"][first] * 91).astype("datetime64[M]").astype(str)
    names = [
        "_".join(
            (
                INITIATIVES[c % len(INITIATIVES)],
                SEGMENTS[(c // 7) % len(SEGMENTS)],
                OBJECTIVES[(c // 3) % len(OBJECTIVES)],
                GEOS[currency[i]],
                launch[j].replace("-", ""),
            )
        )
        for j, (c, i) in enumerate(zip(unique, first, strict=True))
    ]
    return pa.array(names).take(pa.array(inverse))


def _common(source: str, span: Span, rows: dict[str, np.ndarray], platform_no: int) -> dict[str, object]:
    """Keys, names, currency and time zone of one platform's rows (the names its own columns take are mapped later)."""
    currency = account_currency(platform_no, rows["account"])
    index = pa.array((rows["account"] + platform_no) % len(CURRENCIES))
    return {
        "account_id": labels(f"{platform_no}0", rows["account"] + 1_000),
        "currency": pa.array(CURRENCIES).take(index),
        "timezone": pa.array([TIMEZONES[c] for c in CURRENCIES]).take(index),
        "campaign_id": labels("", rows["campaign"]),
        "campaign_name": campaign_names(span, rows, currency),
        "ad_group_id": labels("", rows["ad_group"]),
        "ad_group_name": labels("group ", rows["ad_group"]),
        "ad_id": labels("", rows["ad"]),
        "ad_name": labels("ad ", rows["ad"]),
        "date": Span.dates(rows["day"]),
    }


AdColumns = Callable[[dict[str, object], dict[str, np.ndarray]], dict[str, object]]


def _meta(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "account_id": c["account_id"], "account_currency": c["currency"], "account_timezone": c["timezone"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "adset_id": c["ad_group_id"],
        "adset_name": c["ad_group_name"], "ad_id": c["ad_id"], "ad_name": c["ad_name"], "date_start": c["date"],
        "spend": r["spend_cents"], "impressions": r["impressions"], "clicks": r["clicks"], "reach": r["reach"],
        "conversions": r["conversions"].astype(np.float64), "conversion_value": r["value_cents"],
        "video_views": r["video_views"],
    }  # fmt: skip


def _tiktok(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "advertiser_id": c["account_id"], "advertiser_currency": c["currency"], "advertiser_timezone": c["timezone"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "adgroup_id": c["ad_group_id"],
        "adgroup_name": c["ad_group_name"], "ad_id": c["ad_id"], "ad_name": c["ad_name"], "stat_date": c["date"],
        "spend": r["spend_cents"], "impressions": r["impressions"], "clicks": r["clicks"], "reach": r["reach"],
        "conversion": r["conversions"], "complete_payment": r["conversions"],
        "total_complete_payment_rate": r["value_cents"], "video_play_actions": r["video_views"],
    }  # fmt: skip


def _google(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "customer_id": c["account_id"], "customer_currency": c["currency"], "customer_timezone": c["timezone"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "ad_group_id": c["ad_group_id"],
        "ad_group_name": c["ad_group_name"], "ad_id": c["ad_id"], "date": c["date"],
        "cost_micros": r["spend_cents"] * MICROS_PER_CENT, "impressions": r["impressions"], "clicks": r["clicks"],
        "conversions": r["conversions"].astype(np.float64), "conversions_value": r["value_cents"] / 100,
    }  # fmt: skip


def _linkedin(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "account_id": c["account_id"], "account_currency": c["currency"], "account_timezone": c["timezone"],
        "campaign_group_id": c["ad_group_id"], "campaign_group_name": c["ad_group_name"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "creative_id": c["ad_id"],
        "creative_name": c["ad_name"], "date": c["date"], "cost_in_local_currency": r["spend_cents"],
        "impressions": r["impressions"], "clicks": r["clicks"], "external_website_conversions": r["conversions"],
        "conversion_value_in_local_currency": r["value_cents"], "video_views": r["video_views"],
    }  # fmt: skip


def _x(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "account_id": c["account_id"], "account_currency": c["currency"], "account_timezone": c["timezone"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "line_item_id": c["ad_group_id"],
        "line_item_name": c["ad_group_name"], "promoted_tweet_id": c["ad_id"], "tweet_id": c["ad_id"],
        "stat_date": c["date"], "impressions": r["impressions"], "clicks": r["clicks"], "url_clicks": r["clicks"],
        "engagements": r["clicks"], "billed_charge_local_micro": r["spend_cents"] * MICROS_PER_CENT,
        "video_total_views": r["video_views"], "conversion_purchases_metric": r["conversions"],
        "conversion_purchases_sale_amount": r["value_cents"] * MICROS_PER_CENT,
    }  # fmt: skip


def _snapchat(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "ad_account_id": c["account_id"], "account_currency": c["currency"], "account_timezone": c["timezone"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "ad_squad_id": c["ad_group_id"],
        "ad_squad_name": c["ad_group_name"], "ad_id": c["ad_id"], "ad_name": c["ad_name"], "date": c["date"],
        "impressions": r["impressions"], "swipes": r["clicks"], "spend": r["spend_cents"] * MICROS_PER_CENT,
        "video_views": r["video_views"], "conversion_purchases": r["conversions"],
        "conversion_purchases_value": r["value_cents"] * MICROS_PER_CENT,
    }  # fmt: skip


def _pinterest(c: dict[str, object], r: dict[str, np.ndarray]) -> dict[str, object]:
    return {
        "ad_account_id": c["account_id"], "account_currency": c["currency"], "account_timezone": c["timezone"],
        "campaign_id": c["campaign_id"], "campaign_name": c["campaign_name"], "ad_group_id": c["ad_group_id"],
        "ad_group_name": c["ad_group_name"], "ad_id": c["ad_id"], "ad_name": c["ad_name"], "date": c["date"],
        "spend_in_micro_dollar": r["spend_cents"] * MICROS_PER_CENT, "total_impression": r["impressions"],
        "total_clickthrough": r["clicks"], "total_impression_user": r["reach"], "total_checkout": r["conversions"],
        "total_checkout_value_in_micro_dollar": r["value_cents"] * MICROS_PER_CENT,
        "total_video_3sec_views": r["video_views"],
    }  # fmt: skip


AD_COLUMNS: dict[str, AdColumns] = {
    "meta_ads": _meta,
    "tiktok_ads": _tiktok,
    "google_ads": _google,
    "linkedin_ads": _linkedin,
    "x_ads": _x,
    "snapchat_ads": _snapchat,
    "pinterest_ads": _pinterest,
}
ACCOUNT_TABLES = {  # the accounts table of each ad platform that has one, and its column names
    "meta_ads": ("ad_accounts", "account_id", "currency", "timezone_name"),
    "tiktok_ads": ("advertisers", "advertiser_id", "currency", "timezone"),
    "linkedin_ads": ("ad_accounts", "account_id", "currency", "timezone"),
    "x_ads": ("ad_accounts", "account_id", "currency", "timezone"),
    "snapchat_ads": ("ad_accounts", "ad_account_id", "currency", "timezone"),
    "pinterest_ads": ("ad_accounts", "ad_account_id", "currency", "timezone"),
}


def split_by_age_gender(metric: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Split each row's count over the 12 age x gender cells (shape n x 12); the cells add up to the row exactly."""
    weights = np.array([0.10, 0.22, 0.20, 0.14, 0.08, 0.03, 0.07, 0.16, 0.13, 0.09, 0.05, 0.02])
    share = weights * (0.7 + 0.6 * noise(key[:, None], np.arange(12)[None, :]))
    share /= share.sum(axis=1, keepdims=True)
    cells = np.floor(metric[:, None] * share).astype(np.int64)
    cells[:, 1] += metric - cells.sum(axis=1)  # the remainder to the largest cell
    return cells


def breakdown(columns: dict[str, object], rows: dict[str, np.ndarray], source: str) -> dict[str, object]:
    """The age x gender breakdown rows of an insights table's columns: every row split into 12 cells."""
    n = len(rows["ad"])
    take = pa.array(np.repeat(np.arange(n), 12))
    split = {
        name: split_by_age_gender(np.asarray(columns[name], dtype=np.int64), rows["ad"] * 7 + rows["day"]).ravel()
        for name, value in columns.items()
        if isinstance(value, np.ndarray) and value.dtype == np.int64
    }
    out: dict[str, object] = {}
    for name, value in columns.items():
        if name in split:
            out[name] = split[name]
        elif isinstance(value, pa.Array):
            out[name] = value.take(take)
        else:
            out[name] = np.repeat(value, 12)
    for name in ("conversions",):  # Meta's conversions are a float count: split like the integers
        if name in out and source == "meta_ads":
            out[name] = split_by_age_gender(rows["conversions"], rows["ad"] * 7 + rows["day"]).ravel().astype(float)
    ages, genders = (AGES, GENDERS) if source == "meta_ads" else (TIKTOK_AGES, TIKTOK_GENDERS)
    cells = [(g, a) for g in genders for a in ages]
    out["age"] = pa.array([a for _, a in cells] * n)
    out["gender"] = pa.array([g for g, _ in cells] * n)
    return out


# ---- writing -------------------------------------------------------------------------------------------------------


class Writer:
    """Writes tables to `<out>/raw/<source>/<table>/<name>.parquet` and counts their rows."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows: dict[str, int] = {}

    def write(self, source: str, table: str, name: str, data: pa.Table) -> None:
        """Write one file (no file for an empty table)."""
        if not data.num_rows:
            return
        folder = self.out / "exports" / "raw" / source / table
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(data, folder / f"{name}.parquet")
        key = f"{source}.{table}"
        self.rows[key] = self.rows.get(key, 0) + data.num_rows


def write_ads(writer: Writer, span: Span, scale: float) -> None:
    """Every ad platform's accounts and daily ad insights, plus Meta's and TikTok's age x gender breakdowns."""
    ads = _ads_per_account(scale)
    for platform_no, (source, (accounts, _)) in enumerate(AD_PLATFORMS.items(), start=1):
        if source in ACCOUNT_TABLES:
            table, id_column, currency_column, timezone_column = ACCOUNT_TABLES[source]
            number = np.arange(accounts)
            currency = account_currency(platform_no, number)
            columns = {
                id_column: labels(f"{platform_no}0", number + 1_000),
                "name": labels(f"{source} account ", number),
                currency_column: pa.array(currency),
                timezone_column: pa.array([TIMEZONES[c] for c in currency]),
            }
            writer.write(source, table, "accounts", build_table(source, table, columns, accounts))
        for month, days in span.months():
            rows = ad_rows(span, days, platform_no, accounts, ads)
            columns = AD_COLUMNS[source](_common(source, span, rows, platform_no), rows)
            n = len(rows["ad"])
            writer.write(source, "ad_insights", month, build_table(source, "ad_insights", columns, n))
            if source in ("meta_ads", "tiktok_ads"):
                cells = breakdown(columns, rows, source)
                data = build_table(source, "ad_insights_age_gender", cells, n * 12)
                writer.write(source, "ad_insights_age_gender", month, data)


# ---- Shopify -------------------------------------------------------------------------------------------------------


def utm_landing_sites(span: Span, shop: np.ndarray, day: np.ndarray, key: np.ndarray, scale: float) -> pa.Array:
    """Landing sites: 60% of orders carry UTMs naming a campaign running that day on one of the ad platforms."""
    platform_no = 1 + (noise(key, 11) * len(AD_PLATFORMS)).astype(np.int64)
    accounts = np.array([n for n, _ in AD_PLATFORMS.values()])[platform_no - 1]
    account = (noise(key, 12) * accounts).astype(np.int64)
    slots = -(-_ads_per_account(scale) // ADS_PER_CAMPAIGN)
    campaign = campaign_number(platform_no, account, day, (noise(key, 13) * slots).astype(np.int64))
    utm_source = pa.array([s for _, s in AD_PLATFORMS.values()]).take(pa.array(platform_no - 1))
    tagged = pc.binary_join_element_wise(
        "/products/p?utm_source=", utm_source, "&utm_medium=paid_social&utm_campaign=", labels("", campaign), ""
    )
    return pc.if_else(pa.array(noise(key, 14) < 0.6), tagged, "/collections/all")


def write_shopify(writer: Writer, span: Span, scale: float) -> None:
    """Shops, then per month the orders (with UTMs), their line items (1 to 3) and refunds (about 3% of orders)."""
    number = np.arange(SHOPS)
    currency = np.array(CURRENCIES)[number % len(CURRENCIES)]
    shops = {
        "shop": labels("agency-shop-", number),
        "name": labels("Agency shop ", number),
        "currency": pa.array(currency),
        "iana_timezone": pa.array([TIMEZONES[c] for c in currency]),
    }
    writer.write("shopify", "shops", "shops", build_table("shopify", "shops", shops, SHOPS))
    per_day = max(1, round(ORDERS_PER_SHOP_DAY * scale))
    last_day = (span.last - EPOCH).days  # refunds come 5 days after their order, never after the span
    customers = max(10, round(400_000 * scale))  # per shop
    for month, days in span.months():
        s, d, i = _grid(SHOPS, len(days), per_day)
        day = days[d]
        order_id = (day * SHOPS + s) * 10_000 + i
        seconds = (6 * 3_600 + noise(order_id, 1) * 17 * 3_600).astype(np.int64)  # the same day in every shop zone
        created = (Span.dates(day).astype("datetime64[s]").astype(np.int64) + seconds) * 1_000_000
        lines = 1 + (noise(order_id, 2) * 3).astype(np.int64)
        li_order = np.repeat(np.arange(len(order_id)), lines)
        li_pos = np.arange(len(li_order)) - np.repeat(np.cumsum(lines) - lines, lines)
        li_id = order_id[li_order] * 10 + li_pos
        li_price = 1_000 + (noise(li_id, 3) * 9_000).astype(np.int64)
        li_qty = 1 + (noise(li_id, 4) < 0.2).astype(np.int64)
        subtotal = np.bincount(li_order, weights=li_price * li_qty, minlength=len(order_id)).astype(np.int64)
        tax = subtotal // 10
        shipping = np.where(subtotal > 5_000, 0, 495)
        shop = labels("agency-shop-", s)
        orders = {
            "shop": shop, "id": order_id, "name": labels("#", order_id), "created_at": created,
            "updated_at": created, "processed_at": created, "currency": pa.array(currency[s]),
            "presentment_currency": pa.array(currency[s]), "subtotal_price": subtotal,
            "total_price": subtotal + tax + shipping, "total_tax": tax, "total_discounts": np.zeros_like(subtotal),
            "total_shipping": shipping, "financial_status": "paid", "test": False, "source_name": "web",
            "landing_site": utm_landing_sites(span, s, day, order_id, scale),
            "customer_id": labels("c", s * 1_000_000 + (noise(order_id, 5) * customers).astype(np.int64)),
        }  # fmt: skip
        writer.write("shopify", "orders", month, build_table("shopify", "orders", orders, len(order_id)))
        items = {
            "shop": shop.take(pa.array(li_order)), "order_id": order_id[li_order], "id": li_id,
            "product_id": 1 + (noise(li_id, 6) * 200).astype(np.int64), "sku": labels("SKU-", li_id % 997),
            "title": "Product", "quantity": li_qty, "price": li_price, "total_discount": np.zeros_like(li_price),
        }  # fmt: skip
        writer.write(
            "shopify", "order_line_items", month, build_table("shopify", "order_line_items", items, len(li_id))
        )
        refund_day = day[li_order] + 5
        refunded = np.flatnonzero((noise(li_id, 7) < 0.03) & (li_pos == 0) & (refund_day <= last_day))
        refund_at = created[li_order[refunded]] + 5 * 86_400 * 1_000_000
        refunds = {
            "shop": shop.take(pa.array(li_order[refunded])), "order_id": order_id[li_order[refunded]],
            "refund_id": li_id[refunded], "id": li_id[refunded], "refund_created_at": refund_at,
            "line_item_id": li_id[refunded], "quantity": np.ones_like(refunded), "subtotal": li_price[refunded],
            "total_tax": li_price[refunded] // 10,
        }  # fmt: skip
        data = build_table("shopify", "order_refund_line_items", refunds, len(refunded))
        writer.write("shopify", "order_refund_line_items", month, data)


# ---- organic -------------------------------------------------------------------------------------------------------


def _post_columns(platform: str, p: dict[str, object]) -> tuple[str, dict[str, object]]:
    """(table, columns) of one organic platform's posts."""
    a, i, t, m = p["account"], p["id"], p["published_at"], p["metric"]
    mapping = {
        "instagram": ("media", {"account_id": a, "id": i, "caption": p["caption"], "media_type": "IMAGE",
                                "published_at": t, "like_count": m, "comments_count": m // 20, "reach": m * 9,
                                "views": m * 12, "saved": m // 10, "shares": m // 15}),
        "facebook_pages": ("posts", {"page_id": a, "id": i, "message": p["caption"], "published_at": t,
                                     "status_type": "added_photos", "shares": m // 15, "comments": m // 20,
                                     "impressions": m * 12, "reach": m * 9, "clicks": m // 4, "reactions": m}),
        "tiktok_organic": ("videos", {"business_id": a, "item_id": i, "published_at": t, "caption": p["caption"],
                                      "video_duration": 20.0, "video_views": m * 30, "reach": m * 20, "likes": m,
                                      "comments": m // 20, "shares": m // 15}),
        "youtube": ("videos", {"channel_id": a, "video_id": i, "published_at": t, "title": p["caption"],
                               "duration": "PT4M", "view_count": m * 30, "like_count": m, "comment_count": m // 20}),
        "x": ("tweets", {"user_id": a, "id": i, "text": p["caption"], "created_at": t, "impression_count": m * 12,
                         "like_count": m, "reply_count": m // 20, "retweet_count": m // 15}),
        "linkedin_pages": ("posts", {"organization_id": a, "id": i, "commentary": p["caption"],
                                     "lifecycle_state": "PUBLISHED", "visibility": "PUBLIC", "published_at": t,
                                     "last_modified_at": t, "impression_count": m * 12,
                                     "unique_impressions_count": m * 9, "click_count": m // 4, "like_count": m,
                                     "comment_count": m // 20, "share_count": m // 15}),
        "pinterest": ("pins", {"account_id": a, "id": i, "created_at": t, "title": p["caption"],
                               "media_type": "image"}),
    }  # fmt: skip
    return mapping[platform]


def _account_daily(platform: str, a: pa.Array, day: np.ndarray, followers: np.ndarray) -> dict[str, dict[str, object]]:
    """The daily account tables of one organic platform (follower snapshots and daily insights)."""
    gained = (followers // 5_000).astype(np.int64)
    tables = {
        "instagram": {"accounts": {"account_id": a, "followers_count": followers, "snapshot_date": day},
                      "account_insights_daily": {"account_id": a, "date": day, "follower_count": gained,
                                                 "reach": followers // 3}},
        "facebook_pages": {"pages": {"page_id": a, "followers_count": followers, "snapshot_date": day},
                           "page_insights_daily": {"page_id": a, "date": day, "page_follows": followers,
                                                   "page_daily_follows_unique": gained}},
        "tiktok_organic": {"account_daily": {"business_id": a, "date": day, "daily_total_followers": followers,
                                             "daily_new_followers": gained, "daily_lost_followers": gained // 4}},
        "youtube": {"channels": {"channel_id": a, "snapshot_date": day, "subscriber_count": followers},
                    "channel_daily": {"channel_id": a, "date": day, "views": followers // 10,
                                      "subscribers_gained": gained, "subscribers_lost": gained // 4}},
        "x": {"users": {"user_id": a, "username": a, "followers_count": followers, "snapshot_date": day}},
        "linkedin_pages": {"organizations": {"organization_id": a, "followers_count": followers, "snapshot_date": day},
                           "follower_statistics_daily": {"organization_id": a, "date": day,
                                                         "organic_follower_gain": gained}},
        "pinterest": {"user_accounts": {"account_id": a, "follower_count": followers, "snapshot_date": day},
                      "account_analytics_daily": {"account_id": a, "date": day, "impression": followers // 3}},
    }  # fmt: skip
    return tables[platform]


def write_organic(writer: Writer, span: Span, scale: float) -> None:
    """Per organic platform and month: the posts published (lifetime metrics) and the accounts' daily tables."""
    for platform_no, platform in enumerate(ORGANIC, start=1):
        for month, days in span.months():
            a, d = _grid(ORGANIC_ACCOUNTS, len(days))
            day = days[d]
            account = labels(f"{platform_no}00", a)
            followers = (20_000 + a * 5_000 + day * (20 + a)).astype(np.int64)
            for table, columns in _account_daily(platform, account, Span.dates(day), followers).items():
                writer.write(platform, table, month, build_table(platform, table, columns, len(day)))
            per_day = POSTS_PER_ACCOUNT_DAY * scale
            posts = np.floor(per_day * 2 * noise(platform_no, a, day) + noise(platform_no, a, day, 1)).astype(np.int64)
            owner = np.repeat(np.arange(len(day)), posts)
            number = np.arange(len(owner)) - np.repeat(np.cumsum(posts) - posts, posts)
            post_key = ((platform_no * 100 + a[owner]) * 10_000 + day[owner]) * 100 + number
            seconds = (6 * 3_600 + noise(post_key, 1) * 17 * 3_600).astype(np.int64)  # the same day everywhere
            published = (Span.dates(day[owner]).astype("datetime64[s]").astype(np.int64) + seconds) * 1_000_000
            tags = np.array([f"#nw{i}" for i in INITIATIVES])[post_key % len(INITIATIVES)]
            post = {
                "account": account.take(pa.array(owner)),
                "id": labels("", post_key),
                "published_at": published,
                "metric": (50 + 950 * noise(post_key, 2)).astype(np.int64),
                "caption": pa.array(np.char.add("New drop ", tags)),
            }
            table, columns = _post_columns(platform, post)
            writer.write(platform, table, month, build_table(platform, table, columns, len(owner)))


# ---- inputs and entry point ----------------------------------------------------------------------------------------


def write_inputs(out: Path, history: Span) -> None:
    """The repository's business inputs, with EUR and GBP rates into USD for every day of the agency's history."""
    inputs = out / "inputs"
    shutil.copytree(Path(__file__).resolve().parents[1] / "inputs", inputs, dirs_exist_ok=True)
    days = np.arange((history.first - EPOCH).days - 7, (history.last - EPOCH).days + 9)  # a week either side
    dates = Span.dates(days).astype(str)
    rows = ["rate_date,base_currency,quote_currency,rate"]
    for base, level in (("EUR", 1.08), ("GBP", 1.27)):
        rates = level + 0.04 * np.sin(days / 90.0) + 0.01 * noise(days, len(base), ord(base[0]))
        rows += [f"{d},{base},USD,{r:.8f}" for d, r in zip(dates, rates, strict=True)]
    (inputs / "fx_rates.csv").write_text("\n".join(rows) + "\n")


def history_start(run_date: date) -> date:
    """The agency's first day: three years before the run date."""
    return run_date.replace(year=run_date.year - YEARS)


def generate(out: str | Path, run_date: date, scale: float = 1.0, since: date | None = None) -> dict[str, int]:
    """Write the agency profile's raw Parquet files (and inputs) to `out` for the days before `run_date`, from
    `since` (default: three years back); return the rows written per `source.table`."""
    out = Path(out)
    history = Span(history_start(run_date), run_date - timedelta(days=1))
    span = Span(since or history.first, history.last)
    writer = Writer(out)
    write_ads(writer, span, scale)
    write_shopify(writer, span, scale)
    write_organic(writer, span, scale)
    write_inputs(out, history)
    return writer.rows


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--run-date", type=date.fromisoformat, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--since", type=date.fromisoformat, default=None)
    args = parser.parse_args()
    rows = generate(args.out, args.run_date, args.scale, args.since)
    for key, count in sorted(rows.items()):
        print(f"{key}: {count:,}")
    print(f"total: {sum(rows.values()):,} rows in {args.out}/exports/raw")


if __name__ == "__main__":
    main()
