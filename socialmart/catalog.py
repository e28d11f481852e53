"""The sources a nightly run loads, and how each is pointed at the live API or at the sandbox."""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import dlt

from socialmart.config import Settings


@dataclass(frozen=True)
class SourceSpec:
    """One platform source: its raw dataset, the secret that enables it, and where its factory lives."""

    name: str
    dataset: str
    secret_key: str
    factory_path: str  # "module:function"

    def is_configured(self) -> bool:
        """True when credentials for the live API are set in secrets.toml or the environment."""
        return bool(dlt.secrets.get(f"sources.{self.name}.{self.secret_key}"))

    def lookback_days(self, settings: Settings) -> int:
        """Days re-read every run: `[sources.<name>] lookback_days` when set, else `[socialmart] lookback_days`."""
        own = dlt.config.get(f"sources.{self.name}.lookback_days")
        return settings.lookback_days if own is None else int(own)

    def _factory(self) -> Any:
        module, function = self.factory_path.split(":")
        return getattr(importlib.import_module(module), function)

    @property
    def reads_customers(self) -> bool:
        """True for a source that reads customer data: its factory takes the `pii_salt` to hash customer ids with."""
        return "pii_salt" in inspect.signature(self._factory()).parameters

    def build(self, settings: Settings, run_date: date, sandbox_url: str | None) -> Any:
        """Return the dlt source for one run: live config from `.dlt`, or the sandbox's URL and accounts.

        The run window and settings are passed to every source that takes them; account ids, base URLs and tokens
        come from `.dlt` config and secrets (dlt injects them) unless the sandbox supplies its own. A source that
        reads customer data gets the salt its customer ids are hashed with (`Settings.customer_salt`).
        """
        factory = self._factory()
        run_settings = {
            "start_date": settings.start_date.isoformat(),
            "end_date": (run_date - timedelta(days=1)).isoformat(),
            "lookback_days": self.lookback_days(settings),
            "reporting_timezone": settings.reporting_timezone,
        }
        accepted = inspect.signature(factory).parameters
        kwargs = {key: value for key, value in run_settings.items() if key in accepted}
        if self.reads_customers:
            kwargs["pii_salt"] = settings.customer_salt(sandbox=sandbox_url is not None)
        if sandbox_url:
            from sandbox.credentials import source_settings

            kwargs.update(source_settings(sandbox_url)[self.name])
        return factory(**kwargs)


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec("meta_ads", "raw_meta_ads", "access_token", "sources.meta_ads:meta_ads_source"),
    SourceSpec("instagram", "raw_instagram", "access_token", "sources.instagram:instagram_source"),
    SourceSpec("facebook_pages", "raw_facebook_pages", "access_token", "sources.facebook_pages:facebook_pages_source"),
    SourceSpec("shopify", "raw_shopify", "access_tokens", "sources.shopify:shopify_source"),
    SourceSpec("ga4", "raw_ga4", "access_token", "sources.ga4:ga4_source"),
    SourceSpec("tiktok_ads", "raw_tiktok_ads", "access_token", "sources.tiktok_ads:tiktok_ads_source"),
    SourceSpec("google_ads", "raw_google_ads", "access_token", "sources.google_ads:google_ads_source"),
    SourceSpec("tiktok_organic", "raw_tiktok_organic", "access_token", "sources.tiktok_organic:tiktok_organic_source"),
    SourceSpec("youtube", "raw_youtube", "access_token", "sources.youtube:youtube_source"),
    SourceSpec("x", "raw_x", "bearer_token", "sources.x:x_source"),
    SourceSpec("linkedin_pages", "raw_linkedin_pages", "access_token", "sources.linkedin_pages:linkedin_pages_source"),
    SourceSpec("pinterest", "raw_pinterest", "access_tokens", "sources.pinterest:pinterest_source"),
    SourceSpec("pinterest_ads", "raw_pinterest_ads", "access_token", "sources.pinterest_ads:pinterest_ads_source"),
    SourceSpec("linkedin_ads", "raw_linkedin_ads", "access_token", "sources.linkedin_ads:linkedin_ads_source"),
    SourceSpec("stripe", "raw_stripe", "api_keys", "sources.stripe:stripe_source"),
    SourceSpec("snapchat_ads", "raw_snapchat_ads", "refresh_token", "sources.snapchat_ads:snapchat_ads_source"),
    SourceSpec("x_ads", "raw_x_ads", "access_token", "sources.x_ads:x_ads_source"),
)


def use_sandbox(settings: Settings) -> bool:
    """Decide whether this run talks to the sandbox: forced by mode, or `auto` with no credentials at all."""
    if settings.mode != "auto":
        return settings.mode == "sandbox"
    return not any(spec.is_configured() for spec in SOURCES)
