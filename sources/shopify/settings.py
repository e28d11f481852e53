"""Constants of the Shopify (Admin REST API) connector."""

from __future__ import annotations

SOURCE_NAME = "shopify"
DEFAULT_SHOP_URL_TEMPLATE = "https://{shop}.myshopify.com"
DEFAULT_API_VERSION = "2024-10"
TOKEN_HEADER = "X-Shopify-Access-Token"
TOKEN_SETTING = "sources.shopify.access_tokens"

ORDERS_PAGE_LIMIT = 250  # the maximum Shopify allows
ORDERS_TABLE = "orders"
LINE_ITEMS_TABLE = "order_line_items"
REFUND_LINE_ITEMS_TABLE = "order_refund_line_items"
STATE_KEY = "updated_at_min"
# Shops read at once (Shopify rate-limits each shop separately).
MAX_WORKERS = 3
