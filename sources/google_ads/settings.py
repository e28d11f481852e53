"""Constants of the Google Ads connector (Google Ads API, GoogleAdsService.SearchStream over REST)."""

from __future__ import annotations

SOURCE_NAME = "google_ads"
API_VERSION = "v26"
DEFAULT_BASE_URL = f"https://googleads.googleapis.com/{API_VERSION}"
TOKEN_SETTING = "sources.google_ads.access_token"
DEVELOPER_TOKEN_SETTING = "sources.google_ads.developer_token"

# The one GAQL query the connector sends: ad x day performance with its customer, campaign and ad group.
SELECTED_FIELDS = (
    "segments.date",
    "customer.id",
    "customer.currency_code",
    "customer.time_zone",
    "campaign.id",
    "campaign.name",
    "ad_group.id",
    "ad_group.name",
    "ad_group_ad.ad.id",
    "metrics.cost_micros",
    "metrics.impressions",
    "metrics.clicks",
    "metrics.conversions",
    "metrics.conversions_value",
)
RESOURCE = "ad_group_ad"
# searchStream has no paging; windows keep each streamed response (and a retry) small.
WINDOW_DAYS = 31
MAX_WORKERS = 3

CURSOR_STATE_KEY = "read_through"
