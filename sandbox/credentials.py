"""Tokens and account ids the sandbox accepts (see docs/design.md)."""

from __future__ import annotations

from typing import Any

from sandbox.constants import (
    FB_PAGE_ID,
    GOOGLE_ADS_ACCOUNT,
    IG_USER_ID,
    LINKEDIN_ADS_ACCOUNT,
    META_ACCOUNTS,
    PINTEREST_ADS_ACCOUNT,
    SHOPS,
    SNAPCHAT_ADS_ACCOUNT,
    TIKTOK_ACCOUNT,
    TT_BUSINESS_ID,
    X_ADS_ACCOUNT,
    YT_CHANNEL_ID,
)
from sandbox.ga4 import GA4_PROPERTY_ID
from sandbox.linkedin_social import LI_ORGANIZATION_ID
from sandbox.pinterest_social import PIN_ACCOUNTS
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
# X Ads API: OAuth 1.0a user context (the app's consumer key/secret + the advertiser user's access token/secret).
X_ADS_API_VERSION = "12"
X_ADS_CONSUMER_KEY = "sandbox-xads-consumer-key"
X_ADS_CONSUMER_SECRET = "sandbox-xads-consumer-secret"
X_ADS_ACCESS_TOKEN = "1500000000000000001-sandboxXAdsAccessToken"
X_ADS_ACCESS_TOKEN_SECRET = "sandbox-xads-access-token-secret"
X_ADS_ACCOUNT_IDS = (X_ADS_ACCOUNT.account_id,)
LINKEDIN_ACCESS_TOKEN = "sandbox-linkedin-token"  # a 3-legged member token with rw_organization_admin
LINKEDIN_ORGANIZATION_IDS = (LI_ORGANIZATION_ID,)
LINKEDIN_VERSIONS = tuple(f"2025{m:02d}" for m in range(1, 13))  # active LinkedIn-Version values
LINKEDIN_VERSION = "202509"
# LinkedIn Ads (Marketing API): a 3-legged member token with r_ads and r_ads_reporting; LinkedIn-Version as above.
LINKEDIN_ADS_ACCESS_TOKEN = "sandbox-linkedin-ads-token"
LINKEDIN_ADS_EXPIRED_TOKEN = "sandbox-linkedin-ads-expired-token"  # answered 401 EXPIRED_ACCESS_TOKEN (65602)
LINKEDIN_ADS_REVOKED_TOKEN = "sandbox-linkedin-ads-revoked-token"  # answered 401 REVOKED_ACCESS_TOKEN (65601)
LINKEDIN_ADS_ACCOUNT_IDS = (LINKEDIN_ADS_ACCOUNT.account_id,)
# Pinterest: one OAuth token per business account (user_accounts:read, pins:read, boards:read), by username.
PINTEREST_ACCESS_TOKEN = "sandbox-pinterest-token"  # the main account's; also granted ads:read (Pinterest Ads)
PINTEREST_ACCESS_TOKENS = {
    PIN_ACCOUNTS[0].username: PINTEREST_ACCESS_TOKEN,
    PIN_ACCOUNTS[1].username: "sandbox-pinterest-kids-token",
}
# Stripe: one secret API key per account (real: sk_live_... or a restricted rk_live_... key with read access).
STRIPE_API_KEYS = {
    "acct_1NwThreadsUS0001": "sk_test_51NwThreadsUSsandboxKey000000000001",
    "acct_1NwThreadsEU0002": "sk_test_51NwThreadsEUsandboxKey000000000002",
}
# Pinterest Ads: the same OAuth token, also granted ads:read. The v5 ad account object has no time zone, so the
# connector is told each account's reporting time zone.
PINTEREST_AD_ACCOUNT_IDS = (PINTEREST_ADS_ACCOUNT.account_id,)
PINTEREST_AD_ACCOUNT_TIMEZONES = {PINTEREST_ADS_ACCOUNT.account_id: PINTEREST_ADS_ACCOUNT.timezone}
# Snapchat Marketing API: OAuth 2 app credentials and a refresh token; the connector mints 30-minute access tokens.
SNAPCHAT_API_VERSION = "v1"
SNAPCHAT_CLIENT_ID = "sandbox-snapchat-client-id"
SNAPCHAT_CLIENT_SECRET = "sandbox-snapchat-client-secret"
SNAPCHAT_REFRESH_TOKEN = "sandbox-snapchat-refresh-token"
SNAPCHAT_AD_ACCOUNT_IDS = (SNAPCHAT_ADS_ACCOUNT.account_id,)


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
        "x_ads": {
            "base_url": f"{url}/xads/{X_ADS_API_VERSION}",
            "consumer_key": X_ADS_CONSUMER_KEY,
            "consumer_secret": X_ADS_CONSUMER_SECRET,
            "access_token": X_ADS_ACCESS_TOKEN,
            "access_token_secret": X_ADS_ACCESS_TOKEN_SECRET,
            "account_ids": list(X_ADS_ACCOUNT_IDS),
        },
        "linkedin_pages": {
            "base_url": f"{url}/linkedin/rest",
            "access_token": LINKEDIN_ACCESS_TOKEN,
            "linkedin_version": LINKEDIN_VERSION,
            "organization_ids": list(LINKEDIN_ORGANIZATION_IDS),
        },
        "linkedin_ads": {
            "base_url": f"{url}/linkedin/rest",
            "access_token": LINKEDIN_ADS_ACCESS_TOKEN,
            "linkedin_version": LINKEDIN_VERSION,
            "account_ids": list(LINKEDIN_ADS_ACCOUNT_IDS),
        },
        "pinterest": {"base_url": f"{url}/pinterest/v5", "access_tokens": dict(PINTEREST_ACCESS_TOKENS)},
        "pinterest_ads": {
            "base_url": f"{url}/pinterest/v5",
            "access_token": PINTEREST_ACCESS_TOKEN,
            "ad_account_ids": list(PINTEREST_AD_ACCOUNT_IDS),
            "account_timezones": dict(PINTEREST_AD_ACCOUNT_TIMEZONES),
        },
        "snapchat_ads": {
            "base_url": f"{url}/snapchat/{SNAPCHAT_API_VERSION}",
            "token_url": f"{url}/snapchat/login/oauth2/access_token",
            "client_id": SNAPCHAT_CLIENT_ID,
            "client_secret": SNAPCHAT_CLIENT_SECRET,
            "refresh_token": SNAPCHAT_REFRESH_TOKEN,
            "ad_account_ids": list(SNAPCHAT_AD_ACCOUNT_IDS),
        },
        "stripe": {"base_url": f"{url}/stripe/v1", "api_keys": dict(STRIPE_API_KEYS)},
    }
