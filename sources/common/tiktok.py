"""TikTok API for Business access shared by the TikTok Ads and TikTok organic connectors.

Every response is an envelope `{"code", "message", "request_id", "data"}`: code 0 is success; rate limits and
system errors come as non-zero codes inside HTTP 200 bodies. Each connector supplies its own `explain` (the
hints name its settings and scopes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import requests

from sources.common.arrow import keeps_objects
from sources.common.errors import SourceApiError, SourceAuthError, mask_secrets
from sources.common.http import ApiClient, ErrorInfo

__all__ = [
    "CODE_OK",
    "RETRY_CODES",
    "Explain",
    "TikTokEnvelopeClient",
    "envelope",
    "envelope_error_info",
    "envelope_message",
    "is_tiktok_retryable",
    "to_int",
]

# Envelope codes: 0 OK; retried: 40100 (rate limit), 50000/50002 (system error / busy).
CODE_OK = 0
RETRY_CODES = frozenset({40100, 50000, 50002})

Explain = Callable[[Any, str], ErrorInfo]
"""(code, message) -> what a non-zero TikTok code means, and what to do about it."""


def envelope(response: requests.Response | None) -> dict[str, Any]:
    """The decoded `{"code", "message", "request_id", "data"}` body, or {} when it is not one."""
    if response is None:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) and "code" in body else {}


def envelope_message(body: Mapping[str, Any]) -> str:
    """The envelope's message, with its request_id when there is one."""
    message = str(body.get("message") or "no message")
    if body.get("request_id"):
        message += f" (request_id {body['request_id']})"
    return message


def is_tiktok_retryable(response: requests.Response | None, exception: BaseException | None) -> bool:
    """Retry predicate: TikTok signals rate limits (40100) and system errors (50000) inside HTTP 200 bodies."""
    return envelope(response).get("code") in RETRY_CODES


def envelope_error_info(response: requests.Response, explain: Explain) -> ErrorInfo:
    """Explain an HTTP error response (4xx/5xx), whose body may still be a TikTok envelope."""
    body = envelope(response)
    if not body:
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    return explain(body.get("code"), envelope_message(body))


@keeps_objects
def to_int(value: Any) -> int | None:
    """TikTok metrics come as strings ("1234"); empty or "-" means unknown."""
    if value is None or value in ("", "-"):
        return None
    return int(float(str(value)))


class TikTokEnvelopeClient:
    """GETs TikTok API for Business endpoints with the access token header; unwraps the envelope."""

    def __init__(self, source: str, base_url: str, access_token: str, *, token_header: str, explain: Explain) -> None:
        self.base_url = base_url.rstrip("/")
        self._source = source
        self._explain = explain
        self._secrets = [access_token]
        self.api = ApiClient(
            source,
            error_parser=lambda response: envelope_error_info(response, explain),
            headers={token_header: access_token},
            retry_condition=is_tiktok_retryable,
            secrets=[access_token],
        )

    def get(self, path: str, params: Mapping[str, Any], *, account: str | None = None) -> dict[str, Any]:
        """GET `{base_url}/{path}`; return `data`, or raise when the envelope's code is not 0."""
        endpoint = f"/{path.lstrip('/')}"
        body = self.api.get_json(f"{self.base_url}{endpoint}", params=params, account=account, endpoint=endpoint)
        code = body.get("code") if isinstance(body, dict) else None
        if code == CODE_OK:
            return body.get("data") or {}
        info = self._explain(code, envelope_message(body) if isinstance(body, dict) else repr(body)[:200])
        cls = SourceAuthError if info.auth else SourceApiError
        raise cls(
            self._source,
            account=account,
            endpoint=endpoint,
            status=200,
            code=code,
            platform_message=mask_secrets(info.message, self._secrets),
            hint=info.hint,
        )
