"""Tokens and account ids the sandbox accepts (see docs/design.md)."""

from __future__ import annotations

from typing import Any

from sandbox.constants import FB_PAGE_ID, IG_USER_ID, META_ACCOUNTS, SHOPS, TIKTOK_ACCOUNT

META_ACCESS_TOKEN = "sandbox-meta-token"
META_AD_ACCOUNT_IDS = tuple(a.account_id for a in META_ACCOUNTS)
TIKTOK_ADVERTISER_ID = TIKTOK_ACCOUNT.account_id
INSTAGRAM_USER_ID = IG_USER_ID
FACEBOOK_PAGE_ID = FB_PAGE_ID
INSTAGRAM_ACCOUNT_IDS = (IG_USER_ID,)
FACEBOOK_PAGE_IDS = (FB_PAGE_ID,)
SHOP_HANDLES = tuple(s.handle for s in SHOPS)
SHOPIFY_SHOPS = SHOP_HANDLES
GRAPH_API_VERSION = "v23.0"
SHOPIFY_API_VERSION = "2024-10"


def shopify_token(shop: str) -> str:
    """Return the Admin API access token of a sandbox shop."""
    return f"shpat_sandbox_{shop}"


def source_settings(url: str) -> dict[str, dict[str, Any]]:
    """Return per-source base URLs, ids and tokens for a sandbox server at `url`."""
    graph = f"{url.rstrip('/')}/graph/{GRAPH_API_VERSION}"
    return {
        "meta_ads": {"base_url": graph, "access_token": META_ACCESS_TOKEN, "account_ids": list(META_AD_ACCOUNT_IDS)},
        "instagram": {"base_url": graph, "access_token": META_ACCESS_TOKEN, "ig_user_id": INSTAGRAM_USER_ID},
        "facebook_pages": {"base_url": graph, "access_token": META_ACCESS_TOKEN, "page_id": FACEBOOK_PAGE_ID},
        "shopify": {
            "shops": {
                shop: {"base_url": f"{url.rstrip('/')}/shopify/{shop}", "access_token": shopify_token(shop)}
                for shop in SHOP_HANDLES
            },
            "api_version": SHOPIFY_API_VERSION,
        },
    }
