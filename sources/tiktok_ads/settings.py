"""Constants of the TikTok Ads connector (TikTok API for Business v1.3)."""

from __future__ import annotations

# Envelope codes (0 OK; retried: 40100 rate limit, 50000/50002 system error / busy) are API-wide.
from sources.common.tiktok import CODE_OK as CODE_OK
from sources.common.tiktok import RETRY_CODES as RETRY_CODES

SOURCE_NAME = "tiktok_ads"
TOKEN_SETTING = "sources.tiktok_ads.access_token"
DEFAULT_BASE_URL = "https://business-api.tiktok.com/open_api/v1.3"
TOKEN_HEADER = "Access-Token"

ADVERTISER_INFO_PATH = "advertiser/info/"
REPORT_PATH = "report/integrated/get/"
ADVERTISER_FIELDS = ("advertiser_id", "name", "currency", "timezone", "display_timezone")

REPORT_TYPE = "BASIC"
DATA_LEVEL = "AUCTION_AD"
DIMENSIONS = ("ad_id", "stat_time_day")
# Attribute metrics (parent ids and names) plus basic, video and purchase (web "Complete Payment") metrics.
METRICS = (
    "campaign_id",
    "campaign_name",
    "adgroup_id",
    "adgroup_name",
    "ad_name",
    "spend",
    "impressions",
    "clicks",
    "reach",
    "conversion",
    "complete_payment",
    "total_complete_payment_rate",
    "video_play_actions",
)
# The AUDIENCE report of `ad_insights_age_gender`: the same ad-day rows by age and gender, with the same metrics but
# those TikTok does not report by audience (reach, video plays).
AUDIENCE_REPORT_TYPE = "AUDIENCE"
AUDIENCE_DIMENSIONS = (*DIMENSIONS, "age", "gender")
AUDIENCE_METRICS = tuple(m for m in METRICS if m not in ("reach", "video_play_actions"))
# A synchronous report with stat_time_day covers at most 30 days; page_size is at most 1000.
WINDOW_DAYS = 30
PAGE_SIZE = 1000
MAX_WORKERS = 3

# Token missing, expired, invalid or revoked; 40001 = no permission for the advertiser.
AUTH_CODES = frozenset({40102, 40104, 40105})
PERMISSION_CODES = frozenset({40001})

CURSOR_STATE_KEY = "read_through"
