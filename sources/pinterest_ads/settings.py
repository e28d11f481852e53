"""Constants of the Pinterest Ads connector (Pinterest API v5, ads endpoints)."""

from __future__ import annotations

SOURCE_NAME = "pinterest_ads"
TOKEN_SETTING = "sources.pinterest_ads.access_token"
TIMEZONES_SETTING = "sources.pinterest_ads.account_timezones"
DEFAULT_BASE_URL = "https://api.pinterest.com/v5"

AD_ACCOUNT_PATH = "ad_accounts/{ad_account_id}"
CAMPAIGNS_PATH = "ad_accounts/{ad_account_id}/campaigns"
AD_GROUPS_PATH = "ad_accounts/{ad_account_id}/ad_groups"
ADS_PATH = "ad_accounts/{ad_account_id}/ads"
ANALYTICS_PATH = "ad_accounts/{ad_account_id}/ads/analytics"

PAGE_SIZE = 250  # page_size of the list endpoints, at most 250
# Every entity, so that the ads of ended or archived campaigns are still reported (the API default is ACTIVE,PAUSED).
ENTITY_STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED")

# ads/analytics: at most 100 ad ids and 90 days per request; start_date at most 90 days before today (UTC).
MAX_AD_IDS = 100
WINDOW_DAYS = 90
RETENTION_DAYS = 90
GRANULARITY = "DAY"
CONVERSION_REPORT_TIME = "TIME_OF_AD_ACTION"
# Spend and checkout value are micros of the ad account currency (despite the names); checkouts are web purchases
# attributed to the ad (30-day click, 1-day view: the API defaults); TOTAL_IMPRESSION_USER is reach.
COLUMNS = (
    "SPEND_IN_MICRO_DOLLAR",
    "TOTAL_IMPRESSION",
    "TOTAL_CLICKTHROUGH",
    "TOTAL_IMPRESSION_USER",
    "TOTAL_CHECKOUT",
    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
    "TOTAL_VIDEO_3SEC_VIEWS",
)
MAX_WORKERS = 3

# {"code", "message"} codes: 2 authentication failed, 3 / 29 not permitted.
AUTH_CODES = frozenset({2, 3, 29})

CURSOR_STATE_KEY = "read_through"
