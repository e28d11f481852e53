"""The ids a connector puts into request URLs (account ids, page ids, shop handles), checked before any request."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["SHOP_HANDLE", "checked_ids"]

# Letters, digits, `_`, `-` and `:`: every id the platforms issue (1001, UC-x_Y, 18ce54d4x5t, UUIDs, urn:li:...).
PLAIN_ID = re.compile(r"[A-Za-z0-9_:-]+")
SHOP_HANDLE = re.compile(r"[a-z0-9][a-z0-9-]*")  # the shop's subdomain of myshopify.com


def checked_ids(source: str, key: str, ids: Iterable[object], pattern: re.Pattern[str] = PLAIN_ID) -> list[str]:
    """The ids of the config list `[sources.<source>] <key>`, stripped, once each one is a plain id.

    An id goes into request paths and hosts (`/act_{id}/insights`, `https://{shop}.myshopify.com`), so one holding
    `/`, `.`, `?`, `#`, `%`, a quote, a space or `;` could reach another endpoint or host with the token. Such a
    value raises ValueError naming the source, the setting and the value, before anything is requested.
    """
    setting = f"sources.{source}.{key}"
    checked = [str(value).strip() for value in ids]
    for value in checked:
        if not pattern.fullmatch(value):
            raise ValueError(
                f"{source}: {setting} holds {value!r}, which is not an id: use the id as the platform shows it "
                f"(letters, digits{', -' if pattern is SHOP_HANDLE else ', _, - and :'} only) in .dlt/config.toml. "
                "Nothing was requested."
            )
    return checked
