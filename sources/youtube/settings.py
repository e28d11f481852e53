"""Constants of the YouTube connector (YouTube Data API v3 and YouTube Analytics API v2)."""

from __future__ import annotations

SOURCE_NAME = "youtube"
TOKEN_SETTING = "sources.youtube.access_token"
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
DEFAULT_ANALYTICS_BASE_URL = "https://youtubeanalytics.googleapis.com/v2"

CHANNEL_PARTS = "snippet,statistics,contentDetails"
PLAYLIST_PARTS = "contentDetails"
VIDEO_PARTS = "snippet,statistics,contentDetails"
# playlistItems pages and videos?id= batches hold at most 50.
PAGE_SIZE = 50
ANALYTICS_METRICS = (
    "views",
    "estimatedMinutesWatched",
    "likes",
    "comments",
    "shares",
    "subscribersGained",
    "subscribersLost",
)
# Raw column of each Analytics metric.
ANALYTICS_COLUMNS = {
    "views": "views",
    "estimatedMinutesWatched": "estimated_minutes_watched",
    "likes": "likes",
    "comments": "comments",
    "shares": "shares",
    "subscribersGained": "subscribers_gained",
    "subscribersLost": "subscribers_lost",
}
# Days per Analytics request (dimensions=day, one row per day: well under a response's row limit).
ANALYTICS_WINDOW_DAYS = 90
MAX_WORKERS = 3

# 403 reasons: retried (per-user / per-second limits) vs. final (the daily quota is spent).
RETRY_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})

CURSOR_STATE_KEY = "read_through"
