"""Google API access shared by the GA4, Google Ads and YouTube connectors: error bodies and JSON POSTs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from sources.common.errors import SourceApiError, mask_secrets
from sources.common.http import ApiClient

__all__ = ["GooglePostClient", "google_error"]


def google_error(response: requests.Response | None) -> dict[str, Any]:
    """The `error` object of Google's `{"error": {"code", "message", "status", ...}}` body, or {} when none."""
    if response is None:
        return {}
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}


class GooglePostClient(ApiClient):
    """An ApiClient that also POSTs JSON requests (retries 429/5xx, honours Retry-After)."""

    def post(self, url: str, body: Mapping[str, Any], *, account: str) -> requests.Response:
        """POST `body` as JSON to `url`; return the response when it is a success, raise `SourceApiError` otherwise."""
        endpoint = urlsplit(url).path
        try:
            response = self._client.post(url, json=dict(body))
        except requests.RequestException as exc:
            raise SourceApiError(
                self.source,
                account=account,
                endpoint=endpoint,
                status=None,
                platform_message=mask_secrets(type(exc).__name__, self._secrets),
                hint="the API could not be reached after retries: check the base URL and the network",
                method="POST",
            ) from None
        finally:
            self.request_count += 1
        if response.status_code >= 400:
            raise self._error(response, account, endpoint, method="POST")
        return response
