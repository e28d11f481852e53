"""Exceptions raised by the connectors, and helpers that keep secrets out of them."""

from __future__ import annotations

from collections.abc import Iterable

from dlt.sources.helpers.rest_client.redaction import sanitize_url

__all__ = ["SourceApiError", "SourceAuthError", "find_source_error", "mask_secrets", "mask_url"]


def mask_url(url: str) -> str:
    """Return `url` with secret query parameters (access_token, api_key, ...) replaced by `***`."""
    return sanitize_url(url)


def mask_secrets(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each non-empty secret in `text` by `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class SourceApiError(RuntimeError):
    """An API call failed for good (after retries): names the source, account, endpoint, cause and fix.

    The message never contains an access token: URLs are masked and the token value is scrubbed.
    """

    def __init__(
        self,
        source: str,
        *,
        account: str | None,
        endpoint: str,
        status: int | None,
        platform_message: str,
        code: str | int | None = None,
        hint: str | None = None,
        method: str = "GET",
    ) -> None:
        self.source = source
        self.method = method
        self.account = account
        self.endpoint = endpoint
        self.status = status
        self.code = code
        self.platform_message = platform_message
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        where = f"{self.source}: {self.method} {self.endpoint}"
        if self.account:
            where += f" for account {self.account}"
        details = []
        if self.status is not None:
            details.append(f"HTTP {self.status}")
        if self.code is not None:
            details.append(f"code {self.code}")
        detail = f" ({', '.join(details)})" if details else ""
        message = f'{where} failed{detail}: "{self.platform_message}"'
        if self.hint:
            message += f" — {self.hint}"
        return message


class SourceAuthError(SourceApiError):
    """The platform rejected the credentials (expired, revoked or wrong token, missing permission)."""


def find_source_error(exc: BaseException) -> SourceApiError | None:
    """Walk the `__cause__`/`__context__` chain of `exc` (e.g. dlt's PipelineStepFailed) to our error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, SourceApiError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
