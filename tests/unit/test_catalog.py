from __future__ import annotations

from datetime import date

import pytest

from socialmart.catalog import SOURCES, use_sandbox
from socialmart.config import load_settings

EXPECTED_RESOURCES = {
    "meta_ads": {"ad_accounts", "ad_insights", "ad_insights_age_gender"},
    "instagram": {"media", "account_insights_daily", "accounts"},
    "facebook_pages": {"posts", "page_insights_daily", "pages"},
    "shopify": {"shops", "orders"},
    "ga4": {"traffic_daily"},
    "tiktok_ads": {"advertisers", "ad_insights", "ad_insights_age_gender"},
    "google_ads": {"ad_insights"},
    "tiktok_organic": {"videos", "account_daily"},
    "youtube": {"channels", "videos", "channel_daily"},
    "x": {"tweets", "users"},
    "linkedin_pages": {"posts", "share_statistics_daily", "follower_statistics_daily", "organizations"},
    "pinterest": {"pins", "account_analytics_daily", "user_accounts"},
    "pinterest_ads": {"ad_accounts", "ad_insights"},
    "linkedin_ads": {"ad_accounts", "ad_insights"},
    "stripe": {"charges", "refunds", "balance_transactions"},
    "snapchat_ads": {"ad_accounts", "ad_insights"},
    "x_ads": {"ad_accounts", "ad_insights"},
}


@pytest.fixture
def no_source_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("SOURCES__"):
            monkeypatch.delenv(key)


@pytest.mark.parametrize("spec", SOURCES, ids=lambda spec: spec.name)
def test_sandbox_wiring_builds_each_source(spec, no_source_env: None) -> None:
    source = spec.build(load_settings(), date(2026, 11, 10), "http://127.0.0.1:9")
    assert set(source.resources) == EXPECTED_RESOURCES[spec.name]


def test_auto_mode_uses_the_sandbox_only_without_credentials(
    no_source_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings()
    assert use_sandbox(settings) is True
    monkeypatch.setenv("SOURCES__META_ADS__ACCESS_TOKEN", "EAAB-test")
    assert use_sandbox(settings) is False
    assert [spec.name for spec in SOURCES if spec.is_configured()] == ["meta_ads"]


def test_mode_setting_forces_the_choice(no_source_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALMART__MODE", "live")
    assert use_sandbox(load_settings()) is False
    monkeypatch.setenv("SOURCES__META_ADS__ACCESS_TOKEN", "EAAB-test")
    monkeypatch.setenv("SOCIALMART__MODE", "sandbox")
    assert use_sandbox(load_settings()) is True


def test_a_source_can_set_its_own_lookback(no_source_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    by_name = {spec.name: spec for spec in SOURCES}
    assert by_name["ga4"].lookback_days(settings) == 3
    assert by_name["meta_ads"].lookback_days(settings) == settings.lookback_days == 28
    monkeypatch.setenv("SOURCES__META_ADS__LOOKBACK_DAYS", "7")
    assert by_name["meta_ads"].lookback_days(settings) == 7


def test_sandbox_settings_cover_exactly_the_catalog() -> None:
    from sandbox.credentials import source_settings

    assert set(source_settings("http://127.0.0.1:9")) == {spec.name for spec in SOURCES}
