"""Customer pseudonymisation at extraction: customer identifiers become salted hashes before anything is loaded.

The connectors that read customer data (Shopify orders, Stripe charges, Shopify order exports) never load names,
emails, phone numbers, addresses, IP addresses or browser details, and replace the customer identifier (a Shopify
customer id, a Stripe customer id, the export's email) by HMAC-SHA256(key = the secret salt, message = the
identifier) as 64 hex digits. The hash is one-to-one in practice, so "the customer's first order" stays exact.

It happens here, not in dbt staging, because the warehouse file analysts open also holds the raw schemas: a raw
identifier loaded once would be readable there. The salt comes from `[socialmart] pii_salt` (socialmart/config.py)
and is never logged. Each source remembers a fingerprint of the salt in its dlt state, so a changed salt (which
would give every customer a new id and break new-customer detection against the loaded history) stops the load
instead of mixing two sets of ids.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

import dlt
import pyarrow as pa

from sources.common.errors import CustomerSaltError

__all__ = [
    "guard_salt",
    "pseudonymise",
    "pseudonymise_array",
    "salt_fingerprint",
    "url_with_utm_only",
    "url_without_query",
    "without_personal_keys",
]

STATE_KEY = "pii_salt_fingerprint"
# Metadata keys that name personal data ("customer_email", "billing-name", "ShippingAddress", "ip"). Dropping a
# harmless key by mistake ("product_name") costs nothing: the connectors read no metadata key that matches.
_PERSONAL_KEY = re.compile(
    r"mail|name|phone|mobile|address|street|city|zip|postal|postcode|birth|agent|(^|[^a-z])ip([^a-z]|$)"
)


def pseudonymise(value: object, salt: str) -> str | None:
    """The salted hash of a customer identifier (surrounding blanks ignored); None for a missing or blank one."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    return hmac.new(salt.encode(), text.encode(), hashlib.sha256).hexdigest()


def pseudonymise_array(values: pa.Array, salt: str) -> pa.Array:
    """`pseudonymise` over an Arrow array, as a string array (nulls and blanks stay null)."""
    return pa.array([pseudonymise(v, salt) for v in values.to_pylist()], pa.string())


def salt_fingerprint(salt: str) -> str:
    """A short, one-way fingerprint of the salt: tells whether two runs used the same salt without storing it."""
    return hmac.new(salt.encode(), b"socialmart pii_salt fingerprint", hashlib.sha256).hexdigest()[:16]


def guard_salt(salt: str, source: str, *, loaded_before: bool) -> None:
    """Stop a load whose salt differs from the one this source's customer ids were loaded with.

    Call inside a resource (it uses the source's dlt state). The first pseudonymised load records the salt's
    fingerprint; `loaded_before` says whether the source already holds history, which then predates
    pseudonymisation (raw identifiers) and must be reloaded too.
    """
    state = dlt.current.source_state()
    stored, current = state.get(STATE_KEY), salt_fingerprint(salt)
    reload = (
        f"keep the salt the data was loaded with, or reload {source} from scratch: run DROP SCHEMA raw_{source} "
        "CASCADE on the published warehouse (its dlt state goes with it), then run again (docs/privacy.md)"
    )
    if stored is None and loaded_before:
        raise CustomerSaltError(
            f"{source}: raw_{source} holds customer identifiers loaded before they were pseudonymised, and new rows "
            f"would carry hashed ids that never match them; nothing was loaded — {reload}."
        )
    if stored is not None and stored != current:
        raise CustomerSaltError(
            f"{source}: [socialmart] pii_salt is not the salt the loaded customer ids were hashed with, so every "
            f"customer would get a new id and count as new; nothing was loaded — {reload}."
        )
    state[STATE_KEY] = current


def without_personal_keys(metadata: Mapping[str, str]) -> dict[str, str]:
    """Free-form metadata without the keys that name personal data (email, name, phone, address, ip, ...)."""
    return {k: v for k, v in metadata.items() if not _PERSONAL_KEY.search(k.lower())}


def url_with_utm_only(url: str | None) -> str | None:
    """A landing URL or path with only its utm_* query parameters (as written) and no fragment.

    Landing URLs also carry per-click and per-subscriber identifiers (fbclid, gclid, ttclid, Klaviyo's _kx, an email
    in a newsletter link); attribution reads only the UTMs and the path.
    """
    if url is None:
        return None
    base, _, query = url.split("#", 1)[0].partition("?")
    kept = [part for part in query.split("&") if part.lower().startswith("utm_")]
    return f"{base}?{'&'.join(kept)}" if kept else base


def url_without_query(url: str | None) -> str | None:
    """A referring URL without its query and fragment (attribution reads only its host)."""
    return None if url is None else url.split("#", 1)[0].split("?", 1)[0]
