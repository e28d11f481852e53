"""Products, variants and discount codes of the sandbox shops."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.constants import Shop


@dataclass(frozen=True)
class Product:
    """A product with its per-currency price (cents) and sizes."""

    index: int
    code: str
    handle: str
    title: str
    usd_cents: int
    sizes: tuple[str, ...]

    def price_cents(self, currency: str) -> int:
        """Unit price in the shop currency, in cents (x.95 / x.00 style price points)."""
        if currency == "USD":
            return self.usd_cents
        factor = 0.95 if currency == "EUR" else 0.82
        return round(self.usd_cents * factor / 100.0) * 100 - 5

    def product_id(self, shop: Shop) -> int:
        """The shop's product id."""
        return 8_812_000_000_000 + shop.index * 10_000_000 + self.index * 1_000

    def variant_id(self, shop: Shop, size_idx: int) -> int:
        """The shop's variant id for a size."""
        return 45_120_000_000_000 + shop.index * 10_000_000 + self.index * 1_000 + size_idx

    def sku(self, size_idx: int) -> str:
        """The SKU (shared across shops)."""
        return f"NWT-{self.code}-{self.sizes[size_idx]}"


_ADULT = ("XS", "S", "M", "L", "XL")
_KIDS = ("2T", "4T", "6", "8", "10")
_ONE = ("OS",)
_RAW = (
    ("TEE", "organic-cotton-tee", "Organic Cotton Tee", 2900, _ADULT),
    ("DNJ", "relaxed-denim-jacket", "Relaxed Denim Jacket", 8900, _ADULT),
    ("LNS", "linen-button-down", "Linen Button-Down", 5900, _ADULT),
    ("HOD", "everyday-hoodie", "Everyday Hoodie", 6400, _ADULT),
    ("CHN", "slim-chinos", "Slim Chinos", 5900, _ADULT),
    ("KRT", "kids-rainbow-tee", "Kids Rainbow Tee", 1900, _KIDS),
    ("FPJ", "family-pj-set", "Family PJ Set", 4900, _ADULT + _KIDS),
    ("MER", "merino-crew-sweater", "Merino Crew Sweater", 9900, _ADULT),
    ("PVT", "puffer-vest", "Puffer Vest", 7900, _ADULT),
    ("TOT", "canvas-tote", "Canvas Tote", 2400, _ONE),
    ("BNE", "wool-beanie", "Wool Beanie", 2200, _ONE),
    ("CJG", "cargo-joggers", "Cargo Joggers", 5400, _ADULT),
    ("WRD", "midi-wrap-dress", "Midi Wrap Dress", 7400, _ADULT),
    ("RTK", "ribbed-tank", "Ribbed Tank", 1900, _ADULT),
    ("PRK", "recycled-parka", "Recycled Parka", 17900, _ADULT),
    ("KOV", "kids-denim-overalls", "Kids Denim Overalls", 3900, _KIDS),
    ("BBS", "baby-bodysuit-3-pack", "Baby Bodysuit 3-Pack", 2900, ("0-3M", "3-6M", "6-12M")),
    ("UTS", "utility-shirt", "Utility Shirt", 6900, _ADULT),
    ("OSW", "oversized-sweatshirt", "Oversized Sweatshirt", 5900, _ADULT),
    ("PSK", "pleated-skirt", "Pleated Skirt", 4900, _ADULT),
    ("SCK", "crew-socks-5-pack", "Crew Socks 5-Pack", 1800, ("S", "M", "L")),
    ("LGS", "high-rise-leggings", "High-Rise Leggings", 4400, _ADULT),
)
PRODUCTS = tuple(Product(i, *row) for i, row in enumerate(_RAW))

# (code, influencer, percent) - listed in inputs/promo_codes.csv
INFLUENCER_CODES = (
    ("MAYA15", "maya", 15),
    ("LENA10", "lena", 10),
    ("JAKE20", "jake", 20),
    ("PRIYA15", "priya", 15),
    ("SOFIA10", "sofia", 10),
    ("TOMOS12", "tomos", 12),
)
# (code, type, value) - NOT in the promo list: percentage value in %, fixed_amount value in shop cents
GENERIC_CODES = (
    ("WELCOME10", "percentage", 10),
    ("VIP20", "percentage", 20),
    ("SORRY5", "fixed_amount", 500),
    ("BDAY15", "percentage", 15),
)
