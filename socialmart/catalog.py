"""The sources a nightly run loads, and how each is pointed at the live API or at the sandbox."""

from __future__ import annotations

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
    factory: Callable[..., Any]
    sandbox_kwargs: Callable[[str], dict[str, Any]]

    def is_configured(self) -> bool:
        """True when credentials for the live API are set in secrets.toml or the environment."""
        return bool(dlt.secrets.get(f"sources.{self.name}.{self.secret_key}"))

    def build(self, settings: Settings, run_date: date, sandbox_url: str | None) -> Any:
        """Return the dlt source for one run: live config from `.dlt`, or the sandbox's URL and accounts."""
        window = {
            "start_date": settings.start_date.isoformat(),
            "end_date": (run_date - timedelta(days=1)).isoformat(),
        }
        if self.name != "shopify":
            window["lookback_days"] = settings.lookback_days
        extra = self.sandbox_kwargs(sandbox_url) if sandbox_url else {}
        return self.factory(**window, **extra)


def _meta_ads() -> Callable[..., Any]:
    from sources.meta_ads import meta_ads_source

    return meta_ads_source


def _instagram() -> Callable[..., Any]:
    from sources.instagram import instagram_source

    return instagram_source


def _facebook_pages() -> Callable[..., Any]:
    from sources.facebook_pages import facebook_pages_source

    return facebook_pages_source


def _shopify() -> Callable[..., Any]:
    from sources.shopify import shopify_source

    return shopify_source


def _lazy(loader: Callable[[], Callable[..., Any]]) -> Callable[..., Any]:
    """Import a source module only when a run uses it."""

    def call(**kwargs: Any) -> Any:
        return loader()(**kwargs)

    return call


def _graph_sandbox(accounts_key: str, accounts: Callable[[], list[str]]) -> Callable[[str], dict[str, Any]]:
    def kwargs(url: str) -> dict[str, Any]:
        from sandbox import credentials

        return {
            "base_url": f"{url}/graph/v23.0",
            "access_token": credentials.META_ACCESS_TOKEN,
            accounts_key: accounts(),
        }

    return kwargs


def _shopify_sandbox(url: str) -> dict[str, Any]:
    from sandbox import credentials

    return {
        "shops": list(credentials.SHOPIFY_SHOPS),
        "access_tokens": {shop: credentials.shopify_token(shop) for shop in credentials.SHOPIFY_SHOPS},
        "shop_url_template": f"{url}/shopify/{{shop}}",
    }


def _sandbox_accounts(name: str) -> Callable[[], list[str]]:
    def accounts() -> list[str]:
        from sandbox import credentials

        return list(getattr(credentials, name))

    return accounts


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        "meta_ads",
        "raw_meta_ads",
        "access_token",
        _lazy(_meta_ads),
        _graph_sandbox("account_ids", _sandbox_accounts("META_AD_ACCOUNT_IDS")),
    ),
    SourceSpec(
        "instagram",
        "raw_instagram",
        "access_token",
        _lazy(_instagram),
        _graph_sandbox("account_ids", _sandbox_accounts("INSTAGRAM_ACCOUNT_IDS")),
    ),
    SourceSpec(
        "facebook_pages",
        "raw_facebook_pages",
        "access_token",
        _lazy(_facebook_pages),
        _graph_sandbox("page_ids", _sandbox_accounts("FACEBOOK_PAGE_IDS")),
    ),
    SourceSpec("shopify", "raw_shopify", "access_tokens", _lazy(_shopify), _shopify_sandbox),
)


def use_sandbox(settings: Settings) -> bool:
    """Decide whether this run talks to the sandbox: forced by mode, or `auto` with no credentials at all."""
    if settings.mode != "auto":
        return settings.mode == "sandbox"
    return not any(spec.is_configured() for spec in SOURCES)
