"""Which export a file is, from its header row (never from its name), and the currency codes accepted."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["KINDS", "META_SPEND_HEADER", "check_currency", "detect_kind"]

META_ADS_MANAGER = "meta_ads_manager"
TIKTOK_ADS_MANAGER = "tiktok_ads_manager"
SHOPIFY_ORDERS = "shopify_orders"
KINDS = (META_ADS_MANAGER, TIKTOK_ADS_MANAGER, SHOPIFY_ORDERS)

# Meta Ads Manager puts the account currency into the spend column's header: "Amount spent (USD)".
META_SPEND_HEADER = re.compile(r"^Amount spent \((?P<currency>[^)]*)\)$")

# ISO 4217 codes in use (the currencies an ad account or a shop can have).
ISO_CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL
    HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL
    MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()  # noqa: SIM905
)

_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}


def check_currency(code: str) -> str | None:
    """The reason a currency code is not accepted, or None when it is a known ISO 4217 code."""
    if code in ISO_CURRENCIES:
        return None
    return f"unknown currency code {code!r}: expected an ISO 4217 code such as USD or EUR"


def detect_kind(header: Sequence[str]) -> str:
    """The export kind of a header row; raises ValueError with the reason when no kind matches.

    Meta Ads Manager: an "Amount spent (<currency>)" column. TikTok Ads Manager: "Ad group name" or "Ad group ID"
    with "Cost". Shopify "Export orders": "Name" and "Lineitem quantity".
    """
    columns = set(header)
    if len(header) == 1:
        for delimiter, label in _DELIMITERS.items():
            if delimiter in header[0]:
                raise ValueError(f"the columns are separated by {label}, not commas: export again as CSV (comma)")
    if any(META_SPEND_HEADER.match(c) for c in header):
        return META_ADS_MANAGER
    if {"Ad group name", "Ad group ID"} & columns and "Cost" in columns:
        return TIKTOK_ADS_MANAGER
    if {"Name", "Lineitem quantity"} <= columns:
        return SHOPIFY_ORDERS
    raise ValueError(
        "the header matches no supported export (Meta Ads Manager: 'Amount spent (<currency>)'; TikTok Ads Manager: "
        "'Ad group name' and 'Cost'; Shopify orders: 'Name' and 'Lineitem quantity'): check the file is one of them"
    )
