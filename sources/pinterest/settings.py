"""Constants of the Pinterest connector (Pinterest API v5)."""

from __future__ import annotations

SOURCE_NAME = "pinterest"
TOKENS_SETTING = "sources.pinterest.access_tokens"
DEFAULT_BASE_URL = "https://api.pinterest.com/v5"

USER_ACCOUNT_PATH = "user_account"
PINS_PATH = "pins"
ANALYTICS_PATH = "user_account/analytics"
PAGE_SIZE = 250  # page_size, at most 250
METRIC_TYPES = ("IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK")
# Account analytics reach back at most 90 days from today (UTC), per call and in total.
MAX_HISTORY_DAYS = 89
WINDOW_DAYS = 30
# Rows Pinterest marks otherwise (PROCESSING, BEFORE_*) carry no metrics and are not loaded.
LOADED_STATUSES = frozenset({"READY", "ESTIMATE"})

# {"code", "message"} codes: 2 authentication failed, 3 / 29 not permitted.
AUTH_CODES = frozenset({2, 3, 29})

CURSOR_STATE_KEY = "read_through"
