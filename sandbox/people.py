"""Made-up personal data of the sandbox's customers, as the platforms hand it out: names, emails, phones, addresses.

The real APIs and exports return a customer's name, email, phone and billing and shipping addresses with every order
and charge, and the browser's IP address and user agent with every Shopify order. The sandbox does the same, so the
pipeline has real-looking personal data to keep out of the warehouse (tests/e2e/test_privacy.py scans for every
value). Everything is derived from the customer's id alone (the same person on every order and run) and is
invented: emails use the reserved example.* domains, US phones the fictional 555-01xx range, UK phones Ofcom's
drama range, IPs the documentation ranges (RFC 5737).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Person", "browser_ip", "shop_customer", "stripe_customer"]

_FIRST = (
    "Avery", "Brielle", "Caspian", "Delphine", "Emrys", "Florian", "Giselle", "Hollis", "Isolde", "Jorah",
    "Kalinda", "Leopold", "Marisol", "Nikolai", "Ophelia", "Percival", "Quintessa", "Rosalind", "Sebastian",
    "Tamsin", "Ulrike", "Valentin", "Wilhelmina", "Xaviera", "Yannick", "Zinnia",
)  # fmt: skip
_LAST = (
    "Abernathy", "Blackwood", "Castellano", "Drummond", "Eversley", "Fairweather", "Grimaldi", "Holloway",
    "Ingersoll", "Jablonski", "Kowalczyk", "Lindqvist", "Montgomery", "Nakamura", "Oyelaran", "Pemberton",
    "Quiñones", "Rasmussen", "Szymanski", "Thistlewood", "Umberfield", "Vasquez-Ortiz", "Whitlock", "Yamamoto",
)  # fmt: skip
_STREETS = {
    "us": ("Maple Avenue", "Juniper Lane", "Cedar Hollow Road", "Larkspur Drive", "Willowbrook Court"),
    "eu": ("Lindenstraße", "Kastanienallee", "Am Mühlbach", "Rosenweg", "Schillerplatz"),
    "uk": ("Hawthorn Close", "Primrose Terrace", "Kingfisher Way", "Bramble Crescent", "Abbey Mews"),
}
# (city, province, province code, country, country code, zip pattern): # = a digit, ? = a letter.
_PLACES = {
    "us": (
        ("Portland", "Oregon", "OR", "United States", "US", "972##"),
        ("Burlington", "Vermont", "VT", "United States", "US", "054##"),
        ("Asheville", "North Carolina", "NC", "United States", "US", "288##"),
        ("Boise", "Idaho", "ID", "United States", "US", "837##"),
    ),
    "eu": (
        ("Berlin", None, None, "Germany", "DE", "10###"),
        ("Leipzig", None, None, "Germany", "DE", "04###"),
        ("Lyon", None, None, "France", "FR", "6900#"),
        ("Utrecht", None, None, "Netherlands", "NL", "35## ??"),
    ),
    "uk": (
        ("Bristol", "England", "ENG", "United Kingdom", "GB", "BS# #??"),
        ("York", "England", "ENG", "United Kingdom", "GB", "YO## #??"),
        ("Cardiff", "Wales", "WLS", "United Kingdom", "GB", "CF## #??"),
    ),
}
_PHONE_PREFIX = {"us": "+1206555", "eu": "+4930", "uk": "+44207946"}
_DOMAINS = ("example.com", "example.org", "example.net")
USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


@dataclass(frozen=True)
class Person:
    """One made-up customer: who they are and where they live."""

    first_name: str
    last_name: str
    email: str
    phone: str  # E.164
    address1: str
    address2: str | None
    city: str
    province: str | None
    province_code: str | None
    zip: str
    country: str
    country_code: str

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def street(self) -> str:
        """The street lines as one, as the Shopify export's "Billing Street" writes them."""
        return f"{self.address1}, {self.address2}" if self.address2 else self.address1

    def shopify_address(self) -> dict[str, object]:
        """A Shopify REST address object (billing_address, shipping_address)."""
        return {
            "first_name": self.first_name,
            "address1": self.address1,
            "phone": self.phone,
            "city": self.city,
            "zip": self.zip,
            "province": self.province,
            "country": self.country,
            "last_name": self.last_name,
            "address2": self.address2,
            "company": None,
            "latitude": None,
            "longitude": None,
            "name": self.name,
            "country_code": self.country_code,
            "province_code": self.province_code,
        }

    def stripe_address(self) -> dict[str, object]:
        """A Stripe address object (billing_details.address, shipping.address)."""
        return {
            "city": self.city,
            "country": self.country_code,
            "line1": self.address1,
            "line2": self.address2,
            "postal_code": self.zip,
            "state": self.province_code,
        }

    def identifying_values(self) -> tuple[str, ...]:
        """The values that identify the person (email, full name, phone, street address): never to be loaded."""
        return (self.email, self.name, self.phone, self.address1)


def _digits(seed: bytes) -> int:
    return int.from_bytes(seed, "big")


def _fill(pattern: str, n: int) -> str:
    """A pattern's '#' replaced by digits and '?' by letters, drawn from n."""
    out = []
    for char in pattern:
        if char == "#":
            n, d = divmod(n, 10)
            out.append(str(d))
        elif char == "?":
            n, d = divmod(n, 26)
            out.append(chr(ord("A") + d))
        else:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=65_536)
def _person(key: str, geo: str, unique: str) -> Person:
    """The person of `key` in `geo`; `unique` makes the email unique per customer."""
    n = _digits(hashlib.sha256(key.encode()).digest())
    n, first = divmod(n, len(_FIRST))
    n, last = divmod(n, len(_LAST))
    n, street = divmod(n, len(_STREETS[geo]))
    n, place = divmod(n, len(_PLACES[geo]))
    n, number = divmod(n, 1980)
    n, flat = divmod(n, 4)
    n, domain = divmod(n, len(_DOMAINS))
    city, province, province_code, country, country_code, zip_pattern = _PLACES[geo][place]
    first_name, last_name = _FIRST[first], _LAST[last]
    local = f"{first_name}.{last_name}".lower().replace("ñ", "n").replace("-", "")
    street_name = _STREETS[geo][street]
    address1 = f"{street_name} {number % 120 + 1}" if geo == "eu" else f"{number + 20} {street_name}"
    return Person(
        first_name=first_name,
        last_name=last_name,
        email=f"{local}.{unique}@{_DOMAINS[domain]}",
        phone=_PHONE_PREFIX[geo] + _fill("01##" if geo == "us" else "0###" if geo == "uk" else "5##7###", n),
        address1=address1,
        address2=f"Apt {flat + 1}{'ABCD'[flat]}" if flat else None,
        city=city,
        province=province,
        province_code=province_code,
        zip=_fill(zip_pattern, n // 7),
        country=country,
        country_code=country_code,
    )


def shop_customer(customer_id: int, geo: str) -> Person:
    """The Shopify customer `customer_id` of a shop in `geo` (us, eu, uk); the email is unique per customer id."""
    return _person(f"shopify:{customer_id}", geo, str(customer_id % 10**9))


def stripe_customer(customer: str, geo: str) -> Person:
    """The Stripe customer `customer` (cus_...) of an account in `geo`; the email is unique per customer id."""
    return _person(f"stripe:{customer}", geo, customer.removeprefix("cus_").lower())


def browser_ip(order_id: int) -> str:
    """The IP address a Shopify order was placed from (TEST-NET-3, 203.0.113.0/24, plus 198.51.100.0/24)."""
    return f"{('203.0.113', '198.51.100')[order_id % 2]}.{(order_id // 2) % 254 + 1}"
