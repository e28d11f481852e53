"""Constants of the LinkedIn Ads connector (LinkedIn Marketing API, versioned /rest endpoints, Rest.li 2.0)."""

from __future__ import annotations

SOURCE_NAME = "linkedin_ads"
TOKEN_SETTING = "sources.linkedin_ads.access_token"
VERSION_SETTING = "sources.linkedin_ads.linkedin_version"
ACCOUNTS_SETTING = "sources.linkedin_ads.account_ids"
DEFAULT_BASE_URL = "https://api.linkedin.com/rest"
# Versions are YYYYMM and are sunset about a year after release: keep this recent.
DEFAULT_VERSION = "202509"
RESTLI_PROTOCOL_VERSION = "2.0.0"

ACCOUNT_PATH = "adAccounts/{account_id}"
CAMPAIGN_GROUPS_PATH = "adAccounts/{account_id}/adCampaignGroups"
CAMPAIGNS_PATH = "adAccounts/{account_id}/adCampaigns"
CREATIVES_PATH = "adAccounts/{account_id}/creatives"
ANALYTICS_PATH = "adAnalytics"

ACCOUNT_URN_PREFIX = "urn:li:sponsoredAccount:"
CAMPAIGN_GROUP_URN_PREFIX = "urn:li:sponsoredCampaignGroup:"
CAMPAIGN_URN_PREFIX = "urn:li:sponsoredCampaign:"
CREATIVE_URN_PREFIX = "urn:li:sponsoredCreative:"

# Cursor-paged lists (`pageSize`/`pageToken`); 100 is the most the creatives finder allows.
LIST_PAGE_SIZE = 100
# adAnalytics: one pivot (CREATIVE), daily rows, these fields (at most 20 metrics a request).
PIVOT = "CREATIVE"
TIME_GRANULARITY = "DAILY"
ANALYTICS_FIELDS = (
    "pivotValues",
    "dateRange",
    "costInLocalCurrency",
    "impressions",
    "clicks",
    "externalWebsiteConversions",
    "conversionValueInLocalCurrency",
    "videoViews",
)
# adAnalytics has no paging and cuts an answer off at 15,000 elements: a window answering that many is split.
MAX_ELEMENTS = 15_000
WINDOW_DAYS = 30
MAX_WORKERS = 3
# LinkedIn reports ad analytics by UTC day whatever the account; ad accounts carry no time zone.
ANALYTICS_TIMEZONE = "UTC"
# Website conversions are credited to the day of the click or view for up to the conversion's attribution window
# (30 days after a click by default): re-read that many days every run.
DEFAULT_LOOKBACK_DAYS = 30

CURSOR_STATE_KEY = "read_through"
