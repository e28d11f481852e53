"""Tokens and account ids the sandbox accepts (see docs/design.md)."""

from __future__ import annotations

from typing import Any

from sandbox.constants import (
    FB_PAGE_ID,
    GOOGLE_ADS_ACCOUNT,
    IG_USER_ID,
    META_ACCOUNTS,
    SHOPS,
    TIKTOK_ACCOUNT,
    TT_BUSINESS_ID,
    YT_CHANNEL_ID,
)
from sandbox.ga4 import GA4_PROPERTY_ID
from sandbox.linkedin_social import LI_ORGANIZATION_ID
from sandbox.x_social import X_USER_ID

META_ACCESS_TOKEN = "sandbox-meta-token"
META_AD_ACCOUNT_IDS = tuple(a.account_id for a in META_ACCOUNTS)
TIKTOK_ADVERTISER_ID = TIKTOK_ACCOUNT.account_id
TIKTOK_ADVERTISER_IDS = (TIKTOK_ADVERTISER_ID,)
TIKTOK_ACCESS_TOKEN = "sandbox-tiktok-token"
TIKTOK_API_VERSION = "v1.3"
INSTAGRAM_USER_ID = IG_USER_ID
FACEBOOK_PAGE_ID = FB_PAGE_ID
INSTAGRAM_ACCOUNT_IDS = (IG_USER_ID,)
FACEBOOK_PAGE_IDS = (FB_PAGE_ID,)
SHOP_HANDLES = tuple(s.handle for s in SHOPS)
SHOPIFY_SHOPS = SHOP_HANDLES
GA4_PROPERTY_IDS = (GA4_PROPERTY_ID,)
GA4_ACCESS_TOKEN = "sandbox-ga4-token"  # a bearer token (real GA4: an OAuth token with analytics.readonly)
GOOGLE_ADS_CUSTOMER_IDS = (GOOGLE_ADS_ACCOUNT.account_id,)
GOOGLE_ADS_ACCESS_TOKEN = "sandbox-google-ads-token"  # real: an OAuth access token minted from a refresh token
GOOGLE_ADS_EXPIRED_TOKEN = "sandbox-google-ads-expired-token"  # answered with OAUTH_TOKEN_EXPIRED
GOOGLE_ADS_DEVELOPER_TOKEN = "sandbox-google-ads-developer-token"
GOOGLE_ADS_UNAPPROVED_DEVELOPER_TOKEN = "sandbox-google-ads-test-only-developer-token"  # DEVELOPER_TOKEN_NOT_APPROVED
GOOGLE_ADS_API_VERSION = "v26"
GRAPH_API_VERSION = "v23.0"
# TikTok organic (Business Accounts API): a TikTok account token, separate from the advertiser token.
TIKTOK_BUSINESS_TOKEN = "sandbox-tiktok-business-token"
TIKTOK_BUSINESS_IDS = (TT_BUSINESS_ID,)
# YouTube Data + Analytics APIs: an OAuth bearer token (youtube.readonly, yt-analytics.readonly).
YOUTUBE_ACCESS_TOKEN = "sandbox-youtube-token"
YOUTUBE_CHANNEL_IDS = (YT_CHANNEL_ID,)
SHOPIFY_API_VERSION = "2024-10"
X_ACCESS_TOKEN = "sandbox-x-token"  # an app-only bearer token (public metrics only)
X_USER_IDS = (X_USER_ID,)
LINKEDIN_ACCESS_TOKEN = "sandbox-linkedin-token"  # a 3-legged member token with rw_organization_admin
LINKEDIN_ORGANIZATION_IDS = (LI_ORGANIZATION_ID,)
LINKEDIN_VERSIONS = tuple(f"2025{m:02d}" for m in range(1, 13))  # active LinkedIn-Version values
LINKEDIN_VERSION = "202509"
PINTEREST_ACCESS_TOKEN = "sandbox-pinterest-token"  # OAuth: user_accounts:read, pins:read, boards:read


def shopify_token(shop: str) -> str:
    """Return the Admin API access token of a sandbox shop."""
    return f"shpat_sandbox_{shop}"


def source_settings(url: str) -> dict[str, dict[str, Any]]:
    """Keyword arguments that point each socialmart source at a sandbox server at `url` (accounts, URLs, tokens)."""
    url = url.rstrip("/")
    graph = f"{url}/graph/{GRAPH_API_VERSION}"
    return {
        "meta_ads": {"base_url": graph, "access_token": META_ACCESS_TOKEN, "account_ids": list(META_AD_ACCOUNT_IDS)},
        "instagram": {"base_url": graph, "access_token": META_ACCESS_TOKEN, "account_ids": list(INSTAGRAM_ACCOUNT_IDS)},
        "facebook_pages": {"base_url": graph, "access_token": META_ACCESS_TOKEN, "page_ids": list(FACEBOOK_PAGE_IDS)},
        "shopify": {
            "shops": list(SHOPIFY_SHOPS),
            "access_tokens": {shop: shopify_token(shop) for shop in SHOPIFY_SHOPS},
            "shop_url_template": f"{url}/shopify/{{shop}}",
        },
        "ga4": {"base_url": f"{url}/ga4", "access_token": GA4_ACCESS_TOKEN, "property_ids": list(GA4_PROPERTY_IDS)},
        "tiktok_ads": {
            "base_url": f"{url}/tiktok/open_api/{TIKTOK_API_VERSION}",
            "access_token": TIKTOK_ACCESS_TOKEN,
            "advertiser_ids": list(TIKTOK_ADVERTISER_IDS),
        },
        "google_ads": {
            "base_url": f"{url}/googleads/{GOOGLE_ADS_API_VERSION}",
            "access_token": GOOGLE_ADS_ACCESS_TOKEN,
            "developer_token": GOOGLE_ADS_DEVELOPER_TOKEN,
            "customer_ids": list(GOOGLE_ADS_CUSTOMER_IDS),
        },
        "tiktok_organic": {
            "base_url": f"{url}/tiktok/open_api/{TIKTOK_API_VERSION}",
            "access_token": TIKTOK_BUSINESS_TOKEN,
            "business_ids": list(TIKTOK_BUSINESS_IDS),
        },
        "youtube": {
            "base_url": f"{url}/youtube/v3",
            "analytics_base_url": f"{url}/youtubeanalytics/v2",
            "access_token": YOUTUBE_ACCESS_TOKEN,
            "channel_ids": list(YOUTUBE_CHANNEL_IDS),
        },
        "x": {"base_url": f"{url}/x/2", "bearer_token": X_ACCESS_TOKEN, "user_ids": list(X_USER_IDS)},
        "linkedin_pages": {
            "base_url": f"{url}/linkedin/rest",
            "access_token": LINKEDIN_ACCESS_TOKEN,
            "linkedin_version": LINKEDIN_VERSION,
            "organization_ids": list(LINKEDIN_ORGANIZATION_IDS),
        },
        "pinterest": {"base_url": f"{url}/pinterest/v5", "access_token": PINTEREST_ACCESS_TOKEN},
    }
