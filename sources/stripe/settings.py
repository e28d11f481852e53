"""Constants of the Stripe connector (Stripe API v1, one secret key per account)."""

from __future__ import annotations

SOURCE_NAME = "stripe"
KEYS_SETTING = "sources.stripe.api_keys"
DEFAULT_BASE_URL = "https://api.stripe.com/v1"

CHARGES_PATH = "charges"
REFUNDS_PATH = "refunds"
BALANCE_TRANSACTIONS_PATH = "balance_transactions"
PAGE_LIMIT = 100  # list endpoints accept limit 1..100

# Checkout metadata keys copied into their own columns (the whole metadata is kept as JSON text too).
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")
SHOPIFY_KEYS = ("shopify_order_id", "shopify_shop")

# Refunds, captures and pending -> succeeded/failed moves (SEPA and ACH debits settle in up to ~14 business days)
# change charges after they were created, and balance transactions move from pending to available: 28 days of
# charges, refunds and balance transactions are re-read on every run (the pipeline's default look-back).
DEFAULT_LOOKBACK_DAYS = 28
MAX_WORKERS = 3

CURSOR_STATE_KEY = "read_through"
