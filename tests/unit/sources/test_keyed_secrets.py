"""Account -> secret settings (Stripe api_keys, Pinterest access_tokens): pairs, and errors naming the setting."""

from __future__ import annotations

import pytest

from sources.common.secrets import keyed_secrets

ARGS = {"keys": "each account id", "secret": "API key", "example": '{acct_1 = "sk_..."}'}


def test_pairs_are_stripped() -> None:
    assert keyed_secrets("stripe", "sources.stripe.api_keys", {" acct_1 ": " sk_1 ", "acct_2": "sk_2"}, **ARGS) == [
        ("acct_1", "sk_1"),
        ("acct_2", "sk_2"),
    ]


@pytest.mark.parametrize("mapping", [None, {}, "sk_1", ["acct_1"]])
def test_a_missing_or_malformed_mapping_names_the_setting(mapping: object) -> None:
    with pytest.raises(ValueError) as raised:
        keyed_secrets("stripe", "sources.stripe.api_keys", mapping, **ARGS)
    assert str(raised.value) == (
        'stripe: sources.stripe.api_keys must map each account id to its API key, e.g. {acct_1 = "sk_..."}'
    )


@pytest.mark.parametrize("value", ["", "  ", None])
def test_an_empty_secret_names_the_account_and_its_setting(value: object) -> None:
    with pytest.raises(ValueError) as raised:
        keyed_secrets("stripe", "sources.stripe.api_keys", {"acct_1": "sk_1", "acct_2": value}, **ARGS)
    assert str(raised.value) == "stripe: the API key of account acct_2 is empty: set sources.stripe.api_keys.acct_2"
