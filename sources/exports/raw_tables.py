"""The connectors' raw tables a Parquet file may be dropped for: each table's declared Arrow schema (the one its API
resource yields) and its merge key (read from the connector's own dlt resource, so the two cannot drift apart)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from dlt.extract.resource import DltResource

import sources.facebook_pages as facebook_pages
import sources.google_ads as google_ads
import sources.instagram as instagram
import sources.linkedin_ads as linkedin_ads
import sources.linkedin_pages as linkedin_pages
import sources.meta_ads as meta_ads
import sources.pinterest as pinterest
import sources.pinterest_ads as pinterest_ads
import sources.shopify as shopify
import sources.snapchat_ads as snapchat_ads
import sources.tiktok_ads as tiktok_ads
import sources.tiktok_organic as tiktok_organic
import sources.x as x
import sources.x_ads as x_ads
import sources.youtube as youtube
from sources.facebook_pages import helpers as facebook_pages_h
from sources.google_ads import helpers as google_ads_h
from sources.instagram import helpers as instagram_h
from sources.linkedin_ads import helpers as linkedin_ads_h
from sources.linkedin_pages import helpers as linkedin_pages_h
from sources.meta_ads import helpers as meta_ads_h
from sources.pinterest import helpers as pinterest_h
from sources.pinterest_ads import helpers as pinterest_ads_h
from sources.shopify import helpers as shopify_h
from sources.snapchat_ads import helpers as snapchat_ads_h
from sources.tiktok_ads import helpers as tiktok_ads_h
from sources.tiktok_organic import helpers as tiktok_organic_h
from sources.x import helpers as x_h
from sources.x_ads import helpers as x_ads_h
from sources.youtube import helpers as youtube_h

__all__ = ["RAW_TABLES", "RawTable"]


@dataclass(frozen=True)
class RawTable:
    """One connector table: loaded into dataset `raw_<source>`, table `table`, merged on `primary_key`."""

    source: str
    table: str
    schema: pa.Schema
    primary_key: tuple[str, ...]

    @property
    def dataset(self) -> str:
        """The connector's raw dataset."""
        return f"raw_{self.source}"


def _key_of(resource: DltResource) -> tuple[str, ...]:
    columns = resource.compute_table_schema()["columns"]
    return tuple(name for name, column in columns.items() if column.get("primary_key"))


def _table(source: str, table: str, schema: pa.Schema, key: DltResource | tuple[str, ...]) -> RawTable:
    return RawTable(source, table, schema, key if isinstance(key, tuple) else _key_of(key))


_TABLES = (
    _table("meta_ads", "ad_accounts", meta_ads_h.AD_ACCOUNTS_SCHEMA, meta_ads.ad_accounts),
    _table("meta_ads", "ad_insights", meta_ads_h.AD_INSIGHTS_SCHEMA, meta_ads.ad_insights),
    _table(
        "meta_ads",
        "ad_insights_age_gender",
        meta_ads_h.AD_INSIGHTS_AGE_GENDER_SCHEMA,
        meta_ads_h.AD_INSIGHTS_AGE_GENDER_KEY,
    ),
    _table("tiktok_ads", "advertisers", tiktok_ads_h.ADVERTISERS_SCHEMA, tiktok_ads.advertisers),
    _table("tiktok_ads", "ad_insights", tiktok_ads_h.AD_INSIGHTS_SCHEMA, tiktok_ads.ad_insights),
    _table(
        "tiktok_ads",
        "ad_insights_age_gender",
        tiktok_ads_h.AD_INSIGHTS_AGE_GENDER_SCHEMA,
        tiktok_ads_h.AD_INSIGHTS_AGE_GENDER_KEY,
    ),
    _table("google_ads", "ad_insights", google_ads_h.AD_INSIGHTS_SCHEMA, google_ads.ad_insights),
    _table("linkedin_ads", "ad_accounts", linkedin_ads_h.AD_ACCOUNTS_SCHEMA, linkedin_ads.ad_accounts),
    _table("linkedin_ads", "ad_insights", linkedin_ads_h.AD_INSIGHTS_SCHEMA, linkedin_ads.ad_insights),
    _table("x_ads", "ad_accounts", x_ads_h.ACCOUNTS_SCHEMA, x_ads.ad_accounts),
    _table("x_ads", "ad_insights", x_ads_h.AD_INSIGHTS_SCHEMA, x_ads.ad_insights),
    _table("snapchat_ads", "ad_accounts", snapchat_ads_h.AD_ACCOUNTS_SCHEMA, snapchat_ads.ad_accounts),
    _table("snapchat_ads", "ad_insights", snapchat_ads_h.AD_INSIGHTS_SCHEMA, snapchat_ads.ad_insights),
    _table("pinterest_ads", "ad_accounts", pinterest_ads_h.AD_ACCOUNTS_SCHEMA, pinterest_ads.ad_accounts),
    _table("pinterest_ads", "ad_insights", pinterest_ads_h.AD_INSIGHTS_SCHEMA, pinterest_ads.ad_insights),
    _table("shopify", "shops", shopify_h.SHOPS_SCHEMA, shopify.shops_resource),
    _table("shopify", "orders", shopify_h.ORDERS_SCHEMA, shopify.orders_resource),
    _table("shopify", "order_line_items", shopify_h.LINE_ITEMS_SCHEMA, shopify.orders_resource),
    _table("shopify", "order_refund_line_items", shopify_h.REFUND_LINE_ITEMS_SCHEMA, shopify.orders_resource),
    _table("instagram", "accounts", instagram_h.ACCOUNTS_SCHEMA, instagram.accounts),
    _table("instagram", "media", instagram_h.MEDIA_SCHEMA, instagram.media),
    _table(
        "instagram", "account_insights_daily", instagram_h.ACCOUNT_INSIGHTS_SCHEMA, instagram.account_insights_daily
    ),
    _table("facebook_pages", "pages", facebook_pages_h.PAGES_SCHEMA, facebook_pages.pages),
    _table("facebook_pages", "posts", facebook_pages_h.POSTS_SCHEMA, facebook_pages.posts),
    _table(
        "facebook_pages",
        "page_insights_daily",
        facebook_pages_h.PAGE_INSIGHTS_SCHEMA,
        facebook_pages.page_insights_daily,
    ),
    _table("tiktok_organic", "videos", tiktok_organic_h.VIDEOS_SCHEMA, tiktok_organic.videos),
    _table("tiktok_organic", "account_daily", tiktok_organic_h.ACCOUNT_DAILY_SCHEMA, tiktok_organic.account_daily),
    _table("youtube", "channels", youtube_h.CHANNELS_SCHEMA, youtube.channels),
    _table("youtube", "videos", youtube_h.VIDEOS_SCHEMA, youtube.videos),
    _table("youtube", "channel_daily", youtube_h.CHANNEL_DAILY_SCHEMA, youtube.channel_daily),
    _table("x", "users", x_h.USERS_SCHEMA, x.users),
    _table("x", "tweets", x_h.TWEETS_SCHEMA, x.tweets),
    _table("linkedin_pages", "organizations", linkedin_pages_h.ORGANIZATIONS_SCHEMA, linkedin_pages.organizations),
    _table("linkedin_pages", "posts", linkedin_pages_h.POSTS_SCHEMA, linkedin_pages.posts),
    _table(
        "linkedin_pages",
        "share_statistics_daily",
        linkedin_pages_h.SHARE_STATS_SCHEMA,
        linkedin_pages.share_statistics_daily,
    ),
    _table(
        "linkedin_pages",
        "follower_statistics_daily",
        linkedin_pages_h.FOLLOWER_STATS_SCHEMA,
        linkedin_pages.follower_statistics_daily,
    ),
    _table("pinterest", "user_accounts", pinterest_h.USER_ACCOUNTS_SCHEMA, pinterest.user_accounts),
    _table("pinterest", "pins", pinterest_h.PINS_SCHEMA, pinterest.pins),
    _table("pinterest", "account_analytics_daily", pinterest_h.ANALYTICS_SCHEMA, pinterest.account_analytics_daily),
)

# source -> table -> RawTable
RAW_TABLES: dict[str, dict[str, RawTable]] = {}
for _raw in _TABLES:
    RAW_TABLES.setdefault(_raw.source, {})[_raw.table] = _raw
