"""Constants of the X Ads connector (X Ads API v12, OAuth 1.0a user context)."""

from __future__ import annotations

SOURCE_NAME = "x_ads"
CREDENTIAL_SETTINGS = (
    "sources.x_ads.consumer_key",
    "sources.x_ads.consumer_secret",
    "sources.x_ads.access_token",
    "sources.x_ads.access_token_secret",
)
DEFAULT_BASE_URL = "https://ads-api.x.com/12"

ACCOUNT_PATH = "accounts/{account_id}"
FUNDING_INSTRUMENTS_PATH = "accounts/{account_id}/funding_instruments"
CAMPAIGNS_PATH = "accounts/{account_id}/campaigns"
LINE_ITEMS_PATH = "accounts/{account_id}/line_items"
PROMOTED_TWEETS_PATH = "accounts/{account_id}/promoted_tweets"
STATS_PATH = "stats/accounts/{account_id}"
PAGE_SIZE = 1000  # `count` of the entity listings: 1..1000

# Synchronous stats: at most 20 entity ids and 7 days (granularity DAY) per request; times at account-tz midnight.
ENTITY = "PROMOTED_TWEET"
GRANULARITY = "DAY"
PLACEMENT = "ALL_ON_TWITTER"
METRIC_GROUPS = ("ENGAGEMENT", "BILLING", "VIDEO", "WEB_CONVERSION")
MAX_ENTITY_IDS = 20
WINDOW_DAYS = 7
MAX_WORKERS = 3

# Integer metrics loaded as they are served (money in micros of the account currency), by raw column name:
# ENGAGEMENT, BILLING and VIDEO metrics by their own name, WEB_CONVERSION purchases by `conversion_purchases.<key>`.
METRICS = (
    "impressions",
    "clicks",
    "url_clicks",
    "engagements",
    "billed_charge_local_micro",
    "billed_engagements",
    "video_total_views",
)
PURCHASE_METRICS = ("metric", "order_quantity", "sale_amount")

CURSOR_STATE_KEY = "read_through"
