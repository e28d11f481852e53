"""A retrying HTTP client shared by the connectors.

Built on dlt's `dlt.sources.helpers.requests.Client`: retries 429, 5xx and connection errors with exponential
backoff (`[runtime] request_max_attempts`, `request_backoff_factor`, `request_max_retry_delay`,
`request_timeout` in dlt config), honours `Retry-After` (also fractional seconds such as Shopify's `2.0`), and
turns a final error response into a `SourceApiError` naming the source, account, endpoint, the platform's
message and code, and what to do. Tokens never reach messages or logs.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.utils import mktime_tz, parsedate_tz
from typing import Any
from urllib.parse import urlsplit

import requests
from dlt.sources.helpers.requests import Client, Session
from dlt.sources.helpers.requests.retry import (
    DEFAULT_RETRY_EXCEPTIONS,
    DEFAULT_RETRY_STATUS,
    retry_if_predicate,
    retry_if_status,
    wait_exponential_retry_after,
)
from tenacity import RetryCallState, Retrying, retry_any, retry_if_exception_type, stop_after_attempt

from sources.common.errors import SourceApiError, SourceAuthError, mask_secrets, mask_url

__all__ = ["ApiClient", "ErrorInfo", "ErrorParser", "RetryPredicate", "parse_retry_after"]

logger = logging.getLogger("socialmart.sources")

RetryPredicate = Callable[[requests.Response | None, BaseException | None], bool]


@dataclass(frozen=True)
class ErrorInfo:
    """What a platform said about a failed call, and what the operator should do about it."""

    message: str
    code: str | int | None = None
    hint: str | None = None
    auth: bool = False


ErrorParser = Callable[[requests.Response], ErrorInfo]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a `Retry-After` header: integer or fractional seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, mktime_tz(parsed) - time.time())


class _WaitRetryAfter(wait_exponential_retry_after):
    """dlt's Retry-After aware exponential wait, also accepting fractional seconds (`Retry-After: 2.0`)."""

    def _parse_retry_after(self, retry_after: str) -> float | None:
        seconds = parse_retry_after(retry_after)
        if seconds is None or seconds <= 0:
            return None
        return max(self.min, min(self.max, seconds))


class _RetryingClient(Client):
    """dlt's requests `Client` with our wait strategy and a log line (masked URL) before each retry."""

    source_name: str = "source"
    retry_count: int = 0

    def _make_session(self) -> Session:
        session = Session(**self._session_kwargs)  # type: ignore[arg-type]
        session.headers.update(self._session_attrs.get("headers", {}))
        session.mount("http://", self._adapter)
        session.mount("https://", self._adapter)
        kw = self._retry_kwargs
        conditions = [retry_if_status(kw["status_codes"]), retry_if_exception_type(tuple(kw["exceptions"]))]
        conditions.extend(retry_if_predicate(c) for c in (kw["condition"] or []))
        retrying = Retrying(
            wait=_WaitRetryAfter(multiplier=kw["backoff_factor"], max=kw["max_delay"]),
            retry=retry_any(*conditions),
            stop=stop_after_attempt(kw["max_attempts"]),
            reraise=True,
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
            before_sleep=self._log_retry,
        )
        session.send = retrying.wraps(session.send)  # type: ignore[method-assign]
        return session

    def _log_retry(self, state: RetryCallState) -> None:
        outcome = state.outcome
        if outcome is None:
            return
        wait = state.next_action.sleep if state.next_action else 0.0
        exc = outcome.exception()
        if exc is not None:
            what = type(exc).__name__
        else:
            response: requests.Response = outcome.result()
            what = f"HTTP {response.status_code} from {mask_url(response.url)}"
        self.retry_count += 1
        logger.warning(
            "%s: %s, retrying in %.1f s (attempt %d of %d)",
            self.source_name,
            what,
            wait,
            state.attempt_number + 1,
            self._retry_kwargs["max_attempts"],
        )


class ApiClient:
    """GETs JSON from one platform; retries transient failures and raises `SourceApiError` otherwise.

    Args:
        source: connector name used in messages (`meta_ads`, `shopify`, ...).
        error_parser: turns a final error response into an `ErrorInfo` (message, code, hint).
        headers: extra headers for every request (e.g. Shopify's access token header).
        retry_condition: extra predicate deciding a retry (e.g. Meta throttling codes sent with HTTP 400).
        secrets: values to scrub from any error text (the access tokens).
        status_codes: response codes retried; 429 and 5xx by default.
    """

    def __init__(
        self,
        source: str,
        *,
        error_parser: ErrorParser,
        headers: Mapping[str, str] | None = None,
        retry_condition: RetryPredicate | None = None,
        secrets: Iterable[str | None] = (),
        status_codes: Sequence[int] = DEFAULT_RETRY_STATUS,
    ) -> None:
        self.source = source
        self._error_parser = error_parser
        self._secrets = [s for s in secrets if s]
        self._client = _RetryingClient(
            raise_for_status=False,
            status_codes=status_codes,
            exceptions=DEFAULT_RETRY_EXCEPTIONS,
            retry_condition=[retry_condition] if retry_condition else None,
            session_attrs={"headers": dict(headers or {})},
        )
        self._client.source_name = source
        self.request_count = 0

    @property
    def retry_count(self) -> int:
        """How many retries this client made so far (429, 5xx, throttling, network)."""
        return self._client.retry_count

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        account: str | None = None,
        endpoint: str | None = None,
    ) -> requests.Response:
        """GET `url`; return the response when it is a success, raise `SourceApiError` otherwise."""
        endpoint = endpoint or urlsplit(url).path
        try:
            response = self._client.get(url, params=params)
        except requests.RequestException as exc:
            message = mask_secrets(f"{type(exc).__name__}: {mask_url(str(exc))}", self._secrets)
            raise SourceApiError(
                self.source,
                account=account,
                endpoint=endpoint,
                status=None,
                platform_message=message,
                hint="the API could not be reached after retries: check the base URL and the network",
            ) from None
        finally:
            self.request_count += 1
        if response.status_code >= 400:
            raise self._error(response, account, endpoint)
        return response

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        account: str | None = None,
        endpoint: str | None = None,
    ) -> Any:
        """GET `url` and decode its JSON body."""
        response = self.get(url, params=params, account=account, endpoint=endpoint)
        return self.decode(response, account=account, endpoint=endpoint or urlsplit(url).path)

    def decode(self, response: requests.Response, *, account: str | None, endpoint: str, method: str = "GET") -> Any:
        """The JSON body of a successful response; a body that is not JSON (cut short, an HTML page) raises
        `SourceApiError` naming the endpoint, instead of a bare decoding error."""
        try:
            return response.json()
        except ValueError:
            raise SourceApiError(
                self.source,
                account=account,
                endpoint=endpoint,
                status=response.status_code,
                platform_message=mask_secrets(f"response is not JSON: {response.text[:200]!r}", self._secrets),
                hint="the body was cut short or is not the API's: rerun; if it persists, check the base URL",
                method=method,
            ) from None

    def _error(
        self, response: requests.Response, account: str | None, endpoint: str, method: str = "GET"
    ) -> SourceApiError:
        info = self._error_parser(response)
        cls = SourceAuthError if info.auth else SourceApiError
        return cls(
            self.source,
            account=account,
            endpoint=endpoint,
            status=response.status_code,
            code=info.code,
            platform_message=mask_secrets(info.message, self._secrets),
            hint=info.hint,
            method=method,
        )
