"""Constants of the business-inputs connector: file names, columns and allowed values."""

from __future__ import annotations

from pathlib import Path

SOURCE_NAME = "business_inputs"

TARGETS_FILE = "targets.csv"
FX_RATES_FILE = "fx_rates.csv"
PROMO_CODES_FILE = "promo_codes.csv"
BUDGETS_FILE = "budgets.csv"
SEGMENT_RULES_FILE = "segment_rules.csv"
# Input files that may be left out (then they load as empty tables): no budgets means no pacing rows, no segment
# rules means segments come from campaign names only.
MAY_BE_ABSENT = (BUDGETS_FILE, SEGMENT_RULES_FILE)

TARGETS_COLUMNS = ("month", "metric", "channel", "segment", "target")
FX_RATES_COLUMNS = ("rate_date", "base_currency", "quote_currency", "rate")
PROMO_CODES_COLUMNS = ("code", "kind", "channel", "campaign_id", "influencer")
# Columns that may be left blank (or left out of the header).
PROMO_CODES_OPTIONAL = ("channel", "campaign_id", "influencer")
BUDGETS_COLUMNS = ("month", "channel", "budget", "currency")
# A budgets.csv column that must stay blank: campaign-level budgets are not supported (see validate_budgets).
BUDGETS_CAMPAIGN_COLUMN = "campaign_id"

METRICS = (
    "revenue",
    "orders",
    "new_customers",
    "spend",
    "roas",
    "cpa",
    "followers_gained",
    "sessions",
    "engagement_rate",
    "conversion_rate",
)
# Channels are defined once, in the dbt seed; segments by the naming convention's allowed values (config).
CHANNELS_SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "channels.csv"
# The total over every channel / segment.
TOTAL = "all"
# The segment of orders and campaigns that no naming-convention segment matches.
UNASSIGNED_SEGMENT = "unassigned"
# Channel types (seed column channel_type) whose channels buy ads: the channels a budget may name.
AD_CHANNEL_TYPES = ("paid", "social")
CHANNEL_FIX = "use one of those values (the channels of dbt_project/seeds/channels.csv)"
BUDGET_CHANNEL_FIX = (
    "use one of those values (the channels of dbt_project/seeds/channels.csv that buy ads: channel_type paid or "
    "social), or all for every channel's ad spend"
)
SEGMENT_FIX = (
    "use one of those values (segments are [socialmart.naming.allowed_values] segment in .dlt/config.toml, "
    "plus unassigned and all)"
)
PROMO_KINDS = ("influencer", "campaign")

# Active ISO 4217 currency codes.
CURRENCY_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
    GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
    STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
    XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905
)
FIX_VALUE = "fix the value or delete the row"

SEGMENT_RULE_COLUMNS = ("applies_to", "field", "operator", "value", "segment")
# The fields a segment rule can test, per kind of rule (the dbt macro first_segment_rule knows the same names).
SEGMENT_RULE_FIELDS = {
    "campaign": ("campaign_name", "campaign_id", "initiative", "platform", "account_id"),
    "order": ("landing_path", "discount_code", "utm_source", "utm_medium", "utm_campaign", "referring_host"),
}
SEGMENT_RULE_OPERATORS = ("equals", "contains", "starts_with")
# ECB euro foreign exchange reference rates files (eurofxref-hist.csv, eurofxref.csv), found by their header.
ECB_HEADER_START = "Date,"
ECB_BASE_CURRENCY = "EUR"
ECB_MISSING_VALUE = "N/A"
# raw_inputs.fx_rates.rate_source: where a rate came from (the editable file wins over ECB files).
RATE_SOURCE_INPUT = "fx_rates_csv"
RATE_SOURCE_ECB = "ecb"
