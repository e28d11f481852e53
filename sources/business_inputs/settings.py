"""Constants of the business-inputs connector: file names, columns and allowed values."""

from __future__ import annotations

SOURCE_NAME = "business_inputs"

TARGETS_FILE = "targets.csv"
FX_RATES_FILE = "fx_rates.csv"
PROMO_CODES_FILE = "promo_codes.csv"

TARGETS_COLUMNS = ("month", "metric", "channel", "segment", "target")
FX_RATES_COLUMNS = ("rate_date", "base_currency", "quote_currency", "rate")
PROMO_CODES_COLUMNS = ("code", "kind", "channel", "campaign_id", "influencer")
# Columns that may be left blank (or left out of the header).
PROMO_CODES_OPTIONAL = ("channel", "campaign_id", "influencer")

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
# "all" is the total over every channel / segment.
CHANNELS = ("meta", "facebook", "instagram", "tiktok", "google", "influencer", "other", "unattributed", "all")
SEGMENTS = ("genz", "millennial", "parents", "unassigned", "all")
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

SEGMENT_RULES_FILE = "segment_rules.csv"
SEGMENT_RULE_COLUMNS = ("applies_to", "field", "operator", "value", "segment")
# The fields a segment rule can test, per kind of rule (the dbt macro first_segment_rule knows the same names).
SEGMENT_RULE_FIELDS = {
    "campaign": ("campaign_name", "campaign_id", "initiative", "platform", "account_id"),
    "order": ("landing_path", "discount_code", "utm_source", "utm_medium", "utm_campaign", "referring_host"),
}
SEGMENT_RULE_OPERATORS = ("equals", "contains", "starts_with")
