"""Constants of the Instagram (Graph API, business account) connector."""

from __future__ import annotations

SOURCE_NAME = "instagram"
TOKEN_SETTING = "sources.instagram.access_token"
DEFAULT_BASE_URL = "https://graph.facebook.com/v23.0"

ACCOUNT_FIELDS = ("id", "username", "followers_count", "media_count")
MEDIA_METRICS = ("reach", "views", "saved", "shares", "total_interactions")
MEDIA_FIELDS = (
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "permalink",
    "timestamp",
    "like_count",
    "comments_count",
    f"insights.metric({','.join(MEDIA_METRICS)})",
)
MEDIA_PAGE_LIMIT = 50
ACCOUNT_METRICS = ("follower_count", "reach")
# The user insights edge accepts at most 30 days between since and until.
INSIGHTS_WINDOW_DAYS = 30
# Requests in flight at once (30-day insight windows, accounts).
MAX_WORKERS = 3
# Resource-state key (per resource) of the per-account cursors: the last instant / day read.
CURSOR_STATE_KEY = "read_through"
