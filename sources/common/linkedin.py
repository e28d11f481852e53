"""LinkedIn versioned REST API error bodies, shared by the LinkedIn Pages and LinkedIn Ads connectors.

Errors are `{"status", "serviceErrorCode", "code", "message"}`. The meaning of each status is the same for both
APIs; only the fix differs (scopes, roles and settings), so each connector supplies its own hints.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from sources.common.http import ErrorInfo

__all__ = ["LinkedInHints", "linkedin_error_info"]

VERSION_ERROR_CODES = ("NONEXISTENT_VERSION", "VERSION_MISSING")


@dataclass(frozen=True)
class LinkedInHints:
    """What to tell the user for each kind of LinkedIn error of one connector."""

    unauthorized: str  # 401: expired, revoked or wrong token
    forbidden: str  # 403: missing role or scope
    version_setting: str  # the setting holding LinkedIn-Version
    other: str  # anything else
    bad_request: str | None = None  # 400, when the connector can say which setting is likely wrong


def linkedin_error_info(response: requests.Response, hints: LinkedInHints) -> ErrorInfo:
    """Explain a LinkedIn error body with the connector's hints (401 and 403 are auth errors)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return ErrorInfo(message=response.text[:300] or response.reason or "no response body")
    message = str(body.get("message") or body)[:300]
    code = body.get("code") or body.get("serviceErrorCode")
    status = response.status_code
    if status in (401, 403):
        hint = hints.unauthorized if status == 401 else hints.forbidden
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if status == 426 or code in VERSION_ERROR_CODES:
        hint = f"the API version is sunset or invalid: set {hints.version_setting} to an active YYYYMM version"
        return ErrorInfo(message=message, code=code, hint=hint)
    if status == 429:
        return ErrorInfo(message=message, code=code, hint="LinkedIn throttling after retries: rerun later")
    if status == 400 and hints.bad_request:
        return ErrorInfo(message=message, code=code, hint=hints.bad_request)
    return ErrorInfo(message=message, code=code, hint=hints.other)
