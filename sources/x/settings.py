"""Constants of the X connector (X API v2, app-only bearer token)."""

from __future__ import annotations

SOURCE_NAME = "x"
TOKEN_SETTING = "sources.x.bearer_token"
DEFAULT_BASE_URL = "https://api.x.com/2"

USER_PATH = "users/{user_id}"
TWEETS_PATH = "users/{user_id}/tweets"
USER_FIELDS = ("public_metrics",)
# Public metrics only: non_public_metrics / organic_metrics need user-context OAuth (1.0a or 2.0 PKCE) and exist only
# for posts created in the last 30 days, so they could never be re-read over the whole history.
TWEET_FIELDS = ("created_at", "public_metrics")
PUBLIC_METRICS = ("impression_count", "like_count", "reply_count", "retweet_count", "quote_count", "bookmark_count")
MAX_RESULTS = 100  # 5..100 per page

CURSOR_STATE_KEY = "read_through"
