"""Constants of the Facebook Pages (Graph API) connector."""

from __future__ import annotations

SOURCE_NAME = "facebook_pages"
TOKEN_SETTING = "sources.facebook_pages.access_token"
DEFAULT_BASE_URL = "https://graph.facebook.com/v23.0"

PAGE_FIELDS = ("id", "name", "followers_count")
POST_METRICS = ("post_impressions", "post_impressions_unique", "post_clicks", "post_reactions_by_type_total")
POST_FIELDS = (
    "id",
    "message",
    "created_time",
    "permalink_url",
    "status_type",
    "shares",
    "comments.summary(true).limit(0)",
    f"insights.metric({','.join(POST_METRICS)})",
)
POST_PAGE_LIMIT = 50
PAGE_METRICS = (
    "page_follows",
    "page_daily_follows_unique",
    "page_impressions_unique",
    "page_post_engagements",
)
# The page insights edge accepts at most 90 days between since and until.
INSIGHTS_WINDOW_DAYS = 90
# Requests in flight at once (90-day insight windows, pages).
MAX_WORKERS = 3
# Resource-state key (per resource) of the per-account cursors: the last instant / day read.
CURSOR_STATE_KEY = "read_through"
