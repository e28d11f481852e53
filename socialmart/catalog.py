"""The sources a nightly run loads, and how each is pointed at the live API or at the sandbox."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import dlt

from socialmart.config import Settings


@dataclass(frozen=True)
class SourceSpec:
    """One platform source: its raw dataset, the secret that enables it, and its sandbox wiring."""

    name: str
    dataset: str
    secret_key: str
    factory_path: str  # "module:function"
    sandbox_kwargs: Callable[[str], dict[str, Any]]

    def is_configured(self) -> bool:
        """True when credentials for the live API are set in secrets.toml or the environment."""
        return bool(dlt.secrets.get(f"sources.{self.name}.{self.secret_key}"))

    def lookback_days(self, settings: Settings) -> int:
        """Days re-read every run: `[sources.<name>] lookback_days` when set, else `[socialmart] lookback_days`."""
        own = dlt.config.get(f"sources.{self.name}.lookback_days")
        return settings.lookback_days if own is None else int(own)

    def build(self, settings: Settings, run_date: date, sandbox_url: str | None) -> Any:
        """Return the dlt source for one run: live config from `.dlt`, or the sandbox's URL and accounts.

        The run window and settings are passed to every source that takes them; account ids, base URLs and tokens
        come from `.dlt` config and secrets (dlt injects them) unless the sandbox supplies its own.
        """
        module, function = self.factory_path.split(":")
        factory = getattr(importlib.import_module(module), function)
        run_settings = {
            "start_date": settings.start_date.isoformat(),
            "end_date": (run_date - timedelta(days=1)).isoformat(),
            "lookback_days": self.lookback_days(settings),
            "reporting_timezone": settings.reporting_timezone,
        }
        accepted = inspect.signature(factory).parameters
        kwargs = {key: value for key, value in run_settings.items() if key in accepted}
        if sandbox_url:
            kwargs.update(self.sandbox_kwargs(sandbox_url))
        return factory(**kwargs)


def _graph_sandbox(accounts_key: str, accounts_name: str) -> Callable[[str], dict[str, Any]]:
    def kwargs(url: str) -> dict[str, Any]:
        from sandbox import credentials

        return {
            "base_url": f"{url}/graph/{credentials.GRAPH_API_VERSION}",
            "access_token": credentials.META_ACCESS_TOKEN,
            accounts_key: list(getattr(credentials, accounts_name)),
        }

    return kwargs


def _shopify_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "shops": list(credentials.SHOPIFY_SHOPS),
        "access_tokens": {shop: credentials.shopify_token(shop) for shop in credentials.SHOPIFY_SHOPS},
        "shop_url_template": f"{url}/shopify/{{shop}}",
    }


def _tiktok_ads_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/tiktok/open_api/{credentials.TIKTOK_API_VERSION}",
        "access_token": credentials.TIKTOK_ACCESS_TOKEN,
        "advertiser_ids": list(credentials.TIKTOK_ADVERTISER_IDS),
    }


def _google_ads_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/googleads/{credentials.GOOGLE_ADS_API_VERSION}",
        "access_token": credentials.GOOGLE_ADS_ACCESS_TOKEN,
        "developer_token": credentials.GOOGLE_ADS_DEVELOPER_TOKEN,
        "customer_ids": list(credentials.GOOGLE_ADS_CUSTOMER_IDS),
    }


def _ga4_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/ga4",
        "access_token": credentials.GA4_ACCESS_TOKEN,
        "property_ids": list(credentials.GA4_PROPERTY_IDS),
    }


def _tiktok_organic_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/tiktok/open_api/{credentials.TIKTOK_API_VERSION}",
        "access_token": credentials.TIKTOK_BUSINESS_TOKEN,
        "business_ids": list(credentials.TIKTOK_BUSINESS_IDS),
    }


def _youtube_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/youtube/v3",
        "analytics_base_url": f"{url}/youtubeanalytics/v2",
        "access_token": credentials.YOUTUBE_ACCESS_TOKEN,
        "channel_ids": list(credentials.YOUTUBE_CHANNEL_IDS),
    }


def _x_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/x/2",
        "bearer_token": credentials.X_ACCESS_TOKEN,
        "user_ids": list(credentials.X_USER_IDS),
    }


def _linkedin_pages_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "base_url": f"{url}/linkedin/rest",
        "access_token": credentials.LINKEDIN_ACCESS_TOKEN,
        "linkedin_version": credentials.LINKEDIN_VERSION,
        "organization_ids": list(credentials.LINKEDIN_ORGANIZATION_IDS),
    }


def _pinterest_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {"base_url": f"{url}/pinterest/v5", "access_token": credentials.PINTEREST_ACCESS_TOKEN}


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        "meta_ads",
        "raw_meta_ads",
        "access_token",
        "sources.meta_ads:meta_ads_source",
        _graph_sandbox("account_ids", "META_AD_ACCOUNT_IDS"),
    ),
    SourceSpec(
        "instagram",
        "raw_instagram",
        "access_token",
        "sources.instagram:instagram_source",
        _graph_sandbox("account_ids", "INSTAGRAM_ACCOUNT_IDS"),
    ),
    SourceSpec(
        "facebook_pages",
        "raw_facebook_pages",
        "access_token",
        "sources.facebook_pages:facebook_pages_source",
        _graph_sandbox("page_ids", "FACEBOOK_PAGE_IDS"),
    ),
    SourceSpec("shopify", "raw_shopify", "access_tokens", "sources.shopify:shopify_source", _shopify_sandbox),
    SourceSpec("ga4", "raw_ga4", "access_token", "sources.ga4:ga4_source", _ga4_sandbox),
    SourceSpec(
        "tiktok_ads",
        "raw_tiktok_ads",
        "access_token",
        "sources.tiktok_ads:tiktok_ads_source",
        _tiktok_ads_sandbox,
    ),
    SourceSpec(
        "google_ads",
        "raw_google_ads",
        "access_token",
        "sources.google_ads:google_ads_source",
        _google_ads_sandbox,
    ),
    SourceSpec(
        "tiktok_organic",
        "raw_tiktok_organic",
        "access_token",
        "sources.tiktok_organic:tiktok_organic_source",
        _tiktok_organic_sandbox,
    ),
    SourceSpec("youtube", "raw_youtube", "access_token", "sources.youtube:youtube_source", _youtube_sandbox),
    SourceSpec("x", "raw_x", "bearer_token", "sources.x:x_source", _x_sandbox),
    SourceSpec(
        "linkedin_pages",
        "raw_linkedin_pages",
        "access_token",
        "sources.linkedin_pages:linkedin_pages_source",
        _linkedin_pages_sandbox,
    ),
    SourceSpec("pinterest", "raw_pinterest", "access_token", "sources.pinterest:pinterest_source", _pinterest_sandbox),
)


def use_sandbox(settings: Settings) -> bool:
    """Decide whether this run talks to the sandbox: forced by mode, or `auto` with no credentials at all."""
    if settings.mode != "auto":
        return settings.mode == "sandbox"
    return not any(spec.is_configured() for spec in SOURCES)
