"""Constants of the Snapchat Ads connector (Snapchat Marketing API v1)."""

from __future__ import annotations

SOURCE_NAME = "snapchat_ads"
CONFIG_SECTION = "sources.snapchat_ads"
REFRESH_TOKEN_SETTING = f"{CONFIG_SECTION}.refresh_token"
CLIENT_SETTINGS = f"{CONFIG_SECTION}.client_id and {CONFIG_SECTION}.client_secret"
DEFAULT_BASE_URL = "https://adsapi.snapchat.com/v1"
DEFAULT_TOKEN_URL = "https://accounts.snapchat.com/login/oauth2/access_token"

# A minted access token lives expires_in seconds (1800); mint a new one this long before it runs out.
TOKEN_REFRESH_MARGIN_SECONDS = 60

AD_ACCOUNT_PATH = "adaccounts/{account_id}"
ENTITY_LISTS = ("campaigns", "adsquads", "ads")  # GET adaccounts/{id}/<list>, items wrapped as the singular name
ENTITY_SINGULAR = {"campaigns": "campaign", "adsquads": "adsquad", "ads": "ad"}
STATS_PATH = "adaccounts/{account_id}/stats"
# Entity lists take limit 50..1000 and page with paging.next_link.
PAGE_LIMIT = 1000

GRANULARITY = "DAY"
BREAKDOWN = "ad"
# swipes are the clicks; spend and conversion_purchases_value are micro-currency of the account currency.
STATS_FIELDS = (
    "impressions",
    "swipes",
    "spend",
    "video_views",
    "conversion_purchases",
    "conversion_purchases_value",
)
# A DAY-granularity stats request covers at most 31 days, from and to midnight in the account time zone.
WINDOW_DAYS = 31
MAX_WORKERS = 3

CURSOR_STATE_KEY = "read_through"
