"""Constants of the Google Analytics 4 (Data API v1beta `runReport`) connector."""

from __future__ import annotations

SOURCE_NAME = "ga4"
DEFAULT_BASE_URL = "https://analyticsdata.googleapis.com"
TOKEN_SETTING = "sources.ga4.access_token"
CURSOR_STATE_KEY = "last_date"
# GA4 keeps processing a day's data for up to ~72 hours; days inside the look-back are read again and merged.
DEFAULT_LOOKBACK_DAYS = 3
PAGE_LIMIT = 250_000  # the most runReport returns per request
# Dimensions of traffic_daily: together with property_id they are its primary key.
DIMENSIONS = ("date", "sessionSource", "sessionMedium", "sessionCampaignName", "sessionCampaignId")
METRICS = ("sessions", "keyEvents", "ecommercePurchases", "purchaseRevenue")
