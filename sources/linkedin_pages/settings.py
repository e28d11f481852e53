"""Constants of the LinkedIn Pages connector (Community Management API, versioned /rest endpoints)."""

from __future__ import annotations

SOURCE_NAME = "linkedin_pages"
TOKEN_SETTING = "sources.linkedin_pages.access_token"
VERSION_SETTING = "sources.linkedin_pages.linkedin_version"
DEFAULT_BASE_URL = "https://api.linkedin.com/rest"
# Versions are YYYYMM and are sunset about a year after release: keep this recent.
DEFAULT_VERSION = "202509"
RESTLI_PROTOCOL_VERSION = "2.0.0"

POSTS_PATH = "posts"
SHARE_STATS_PATH = "organizationalEntityShareStatistics"
FOLLOWER_STATS_PATH = "organizationalEntityFollowerStatistics"
NETWORK_SIZE_PATH = "networkSizes/{urn}"

POSTS_PAGE_SIZE = 100  # `count`, at most 100
SHARES_PER_CALL = 20  # post URNs per shares=List(...) statistics call (keeps URLs short)
# Time-bound statistics only cover a rolling 12 months.
MAX_HISTORY_DAYS = 360
WINDOW_DAYS = 90
SHARE_METRICS = (
    ("impressionCount", "impression_count"),
    ("uniqueImpressionsCount", "unique_impressions_count"),
    ("clickCount", "click_count"),
    ("likeCount", "like_count"),
    ("commentCount", "comment_count"),
    ("shareCount", "share_count"),
)

CURSOR_STATE_KEY = "read_through"
