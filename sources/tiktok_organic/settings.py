"""Constants of the TikTok organic connector (TikTok API for Business v1.3, Business Accounts endpoints)."""

from __future__ import annotations

SOURCE_NAME = "tiktok_organic"
TOKEN_SETTING = "sources.tiktok_organic.access_token"
DEFAULT_BASE_URL = "https://business-api.tiktok.com/open_api/v1.3"
TOKEN_HEADER = "Access-Token"

ACCOUNT_PATH = "business/get/"
VIDEO_LIST_PATH = "business/video/list/"
# Daily account metrics (one entry per day under data.metrics).
DAILY_FIELDS = ("daily_total_followers", "daily_new_followers", "daily_lost_followers", "profile_views")
# Video fields: lifetime metrics as of the request.
VIDEO_FIELDS = (
    "item_id",
    "create_time",
    "caption",
    "share_url",
    "video_duration",
    "video_views",
    "reach",
    "likes",
    "comments",
    "shares",
)
# /business/get/ covers at most 30 days per request; /business/video/list/ returns at most 20 videos a page.
WINDOW_DAYS = 30
VIDEO_PAGE_SIZE = 20
MAX_WORKERS = 3

# Envelope codes: 0 OK; retried: 40100 (rate limit), 50000/50002 (system error / busy).
CODE_OK = 0
AUTH_CODES = frozenset({40102, 40104, 40105})
PERMISSION_CODES = frozenset({40001})

CURSOR_STATE_KEY = "read_through"
