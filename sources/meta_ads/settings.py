"""Constants of the Meta Ads connector."""

from __future__ import annotations

SOURCE_NAME = "meta_ads"
TOKEN_SETTING = "sources.meta_ads.access_token"
DEFAULT_BASE_URL = "https://graph.facebook.com/v23.0"

ACCOUNT_FIELDS = ("account_id", "name", "currency", "timezone_name")
INSIGHTS_FIELDS = (
    "account_id",
    "account_currency",
    "campaign_id",
    "campaign_name",
    "adset_id",
    "adset_name",
    "ad_id",
    "ad_name",
    "date_start",
    "date_stop",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "actions",
    "action_values",
    "video_play_actions",
)
INSIGHTS_LEVEL = "ad"
# The breakdowns of the `ad_insights_age_gender` resource (same fields, level and windows as `ad_insights`).
AGE_GENDER_BREAKDOWNS = ("age", "gender")
# Days per insights request (time_range); Meta answers long daily ranges slowly or asks for async jobs.
WINDOW_DAYS = 30
PAGE_LIMIT = 500
# Insights windows fetched at once (Meta throttles per ad account; retries absorb the occasional 80004).
MAX_WORKERS = 3
# Resource-state key of the per-account cursors: the last day read (each resource keeps its own).
CURSOR_STATE_KEY = "read_through"
