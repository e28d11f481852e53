"""Settings that map each account to its own secret (a token or API key per account)."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["keyed_secrets"]


def keyed_secrets(
    source: str, setting: str, mapping: object, *, keys: str, secret: str, example: str
) -> list[tuple[str, str]]:
    """The (account, secret) pairs of an `account -> secret` setting, stripped of blanks.

    Raises ValueError naming the source and setting when the mapping is missing, empty or not a mapping, or when an
    account's secret is empty. `keys` says what the keys are ("each Stripe account id (acct_...)"), `secret` what
    the values are ("secret API key"), `example` a TOML inline table to copy.
    """
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValueError(f"{source}: {setting} must map {keys} to its {secret}, e.g. {example}")
    pairs = []
    for account, value in mapping.items():
        account = str(account).strip()
        if not str(value or "").strip():
            raise ValueError(f"{source}: the {secret} of account {account} is empty: set {setting}.{account}")
        pairs.append((account, str(value).strip()))
    return pairs
