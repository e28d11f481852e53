"""The ad platforms the gate knows: where each one's daily insights are in raw (dlt) and staging (dbt).

One map serves every suite that looks at ad data (keys, ranges, volume, reconciliation), so adding a platform is
adding one entry here. Raw columns keep the platform's own names and units; the SQL expressions below convert them
exactly as the platform's staging model does (micros to currency units, cast per row to the cent), so a raw total
and a staging total are comparable to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass

from expectations.sql import quote_ident

AMOUNT = "DECIMAL(18, 2)"  # the contract's money type; casting per row rounds to the cent as staging does


def _micros(column: str) -> str:
    """SQL converting whole micros of a currency into currency units."""
    return f"CAST({quote_ident(column)} AS DECIMAL(24, 0)) / 1000000"


@dataclass(frozen=True)
class AdPlatform:
    """One ad platform's daily insights table (``raw_<source>.ad_insights``, one row per account x ad x day).

    Attributes:
        platform: The platform as the marts name it (``fct_ad_performance_daily.platform``).
        source: The dlt source (catalog name); its raw dataset is ``raw_<source>``.
        key: The raw table's primary key (the dlt merge key), account first and the day last.
        currency: The raw currency column.
        spend: SQL of a row's spend in currency units, before the cast to the cent.
        impressions: The raw column staging reads as impressions.
        clicks: The raw column staging reads as clicks.
    """

    platform: str
    source: str
    key: tuple[str, ...]
    currency: str
    spend: str
    impressions: str = "impressions"
    clicks: str = "clicks"

    @property
    def raw_table(self) -> str:
        """The raw insights table, ``raw_<source>.ad_insights``."""
        return f"raw_{self.source}.ad_insights"

    @property
    def staging_model(self) -> str:
        """The dbt staging view of the insights (columns account_id, date_day, currency_code, spend_local, ...)."""
        return f"staging.stg_{self.source}__ad_insights"

    @property
    def account(self) -> str:
        """The raw account column."""
        return self.key[0]

    @property
    def day(self) -> str:
        """The raw data-day column (the account-timezone day of the row)."""
        return self.key[-1]


@dataclass(frozen=True)
class AdExport:
    """An Ads Manager export file loaded into ``raw_exports`` (docs/sources/exports.md), counted as its platform.

    The marts drop an export row when the platform's API loaded the same account and day (the API wins); every layer
    of the reconciliation does the same.

    Attributes:
        platform: The platform the export belongs to (an AD_PLATFORMS key).
        table: The raw export table.
        account: The raw account column.
        spend: The raw spend column (currency units).
    """

    platform: str
    table: str
    account: str
    spend: str

    @property
    def staging_model(self) -> str:
        """The dbt staging view of the export (the standard ad columns)."""
        return f"staging.stg_exports__{self.table.split('.', 1)[1]}"


AD_PLATFORMS = {
    p.platform: p
    for p in (
        AdPlatform("meta", "meta_ads", ("account_id", "ad_id", "date_start"), "account_currency", "spend"),
        AdPlatform("tiktok", "tiktok_ads", ("advertiser_id", "ad_id", "stat_date"), "advertiser_currency", "spend"),
        # cost in micros of the customer currency; the key includes the ad group (ad ids repeat across ad groups).
        AdPlatform(
            "google",
            "google_ads",
            ("customer_id", "ad_group_id", "ad_id", "date"),
            "customer_currency",
            _micros("cost_micros"),
        ),
        # costInLocalCurrency: a decimal (string) with sub-cent digits, rounded per row to the cent.
        AdPlatform(
            "linkedin",
            "linkedin_ads",
            ("account_id", "creative_id", "date"),
            "account_currency",
            "cost_in_local_currency",
        ),
        # billed_charge_local_micro: micros of the account currency; clicks are the link clicks (url_clicks).
        AdPlatform(
            "x",
            "x_ads",
            ("account_id", "promoted_tweet_id", "stat_date"),
            "account_currency",
            _micros("billed_charge_local_micro"),
            clicks="url_clicks",
        ),
        # spend in micro-currency; swipe-ups are Snapchat's clicks.
        AdPlatform(
            "snapchat",
            "snapchat_ads",
            ("ad_account_id", "ad_id", "date"),
            "account_currency",
            _micros("spend"),
            clicks="swipes",
        ),
        # SPEND_IN_MICRO_DOLLAR: micros of the ad account currency (despite the name).
        AdPlatform(
            "pinterest",
            "pinterest_ads",
            ("ad_account_id", "ad_id", "date"),
            "account_currency",
            _micros("spend_in_micro_dollar"),
            impressions="total_impression",
            clicks="total_clickthrough",
        ),
    )
}

AD_EXPORTS = (
    AdExport("meta", "raw_exports.meta_ads_manager", "account_id", "spend"),
    AdExport("tiktok", "raw_exports.tiktok_ads_manager", "advertiser_id", "cost"),
)
EXPORT_DAY = "day"
EXPORT_CURRENCY = "currency"


def loaded_platforms(tables: set[str], platform: str | None = None) -> list[AdPlatform]:
    """The ad platforms whose raw insights table this warehouse has (only ``platform`` when given)."""
    return [p for p in AD_PLATFORMS.values() if p.raw_table in tables and platform in (None, p.platform)]
