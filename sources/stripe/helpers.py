"""Stripe: the API client (Stripe error bodies, retries, cursor paging), row shaping and Arrow schemas."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa
import requests

from sources.common.arrow import TIMESTAMP, ColumnBuffer, field, keeps_objects
from sources.common.cursors import Chunk
from sources.common.dates import api_epoch, unix
from sources.common.http import ApiClient, ErrorInfo
from sources.common.parallel import stream_parallel
from sources.common.privacy import pseudonymise, without_personal_keys
from sources.stripe import settings

CHARGES_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("id", pa.string(), nullable=False),
        field("created", TIMESTAMP),
        field("amount", pa.int64()),
        field("amount_captured", pa.int64()),
        field("amount_refunded", pa.int64()),
        field("currency", pa.string()),
        field("status", pa.string()),
        field("paid", pa.bool_()),
        field("captured", pa.bool_()),
        field("refunded", pa.bool_()),
        field("customer", pa.string()),
        field("description", pa.string()),
        field("payment_intent", pa.string()),
        field("balance_transaction", pa.string()),
        field("failure_code", pa.string()),
        *(field(key, pa.string()) for key in (*settings.UTM_KEYS, *settings.SHOPIFY_KEYS)),
        field("metadata", pa.string()),
    ]
)

REFUNDS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("id", pa.string(), nullable=False),
        field("charge", pa.string()),
        field("payment_intent", pa.string()),
        field("created", TIMESTAMP),
        field("amount", pa.int64()),
        field("currency", pa.string()),
        field("status", pa.string()),
        field("reason", pa.string()),
        field("balance_transaction", pa.string()),
    ]
)

BALANCE_TRANSACTIONS_SCHEMA = pa.schema(
    [
        field("account_id", pa.string(), nullable=False),
        field("id", pa.string(), nullable=False),
        field("type", pa.string()),
        field("reporting_category", pa.string()),
        field("source", pa.string()),
        field("created", TIMESTAMP),
        field("available_on", TIMESTAMP),
        field("amount", pa.int64()),
        field("fee", pa.int64()),
        field("net", pa.int64()),
        field("currency", pa.string()),
        field("status", pa.string()),
        field("description", pa.string()),
    ]
)


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def stripe_error_info(response: requests.Response) -> ErrorInfo:
    """Explain a Stripe error `{"error": {"type", "code", "message", "param"}}` and what to do about it."""
    error = _error_body(response)
    message = str(error.get("message") or response.text[:300] or response.reason or "no response body")
    code = error.get("code") or error.get("type")
    status = response.status_code
    if status in (401, 403):
        hint = (
            "the secret key of this Stripe account is missing, invalid, rolled or lacks read access: create a "
            f"restricted key with read access to charges, refunds and balance in the Stripe Dashboard (Developers > "
            f"API keys) and set it for this account id in {settings.KEYS_SETTING}"
        )
        return ErrorInfo(message=message, code=code, hint=hint, auth=True)
    if status == 429:
        return ErrorInfo(message=message, code=code, hint="Stripe rate limit still exceeded after retries: rerun later")
    if status >= 500:
        return ErrorInfo(message=message, code=code, hint="Stripe failed after retries: rerun later")
    param = error.get("param")
    where = f" (parameter {param})" if param else ""
    return ErrorInfo(
        message=message, code=code, hint=f"invalid request{where}: check {settings.KEYS_SETTING} and base_url"
    )


class StripeClient:
    """GETs Stripe list endpoints of one account with `Authorization: Bearer <secret key>`; 429/5xx are retried."""

    def __init__(self, base_url: str, account_id: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.account_id = account_id
        self.api = ApiClient(
            settings.SOURCE_NAME,
            error_parser=stripe_error_info,
            headers={"Authorization": f"Bearer {api_key}"},
            secrets=[api_key],
        )

    def list_pages(self, path: str, since: dt.datetime, until: dt.datetime) -> Iterator[list[dict[str, Any]]]:
        """Yield each page of a list endpoint's objects created in [since, until), newest first, following
        `starting_after` while `has_more`."""
        params: dict[str, Any] = {
            "limit": settings.PAGE_LIMIT,
            "created[gte]": unix(since),
            "created[lt]": unix(until),
        }
        endpoint = f"/{path}"
        while True:
            body = self.api.get_json(
                f"{self.base_url}{endpoint}", params=params, account=self.account_id, endpoint=endpoint
            )
            data = [o for o in (body.get("data") or []) if isinstance(o, dict)] if isinstance(body, dict) else []
            yield data
            if not body.get("has_more") or not data:
                return
            params = {**params, "starting_after": data[-1]["id"]}


@keeps_objects
def _at(value: Any, field: str) -> dt.datetime | None:
    """A UTC datetime from the unix seconds of `field` (another format raises DateFormatError)."""
    return api_epoch(value, field)


def _metadata(raw: Mapping[str, Any]) -> dict[str, str]:
    value = raw.get("metadata")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def charge_row(raw: Mapping[str, Any], account_id: str, pii_salt: str) -> dict[str, Any]:
    """Shape one charge to the `charges` raw contract (amounts in minor units, metadata keys as columns).

    Personal data stays out: `customer` is the salted hash of the customer id; billing_details, receipt_email,
    receipt_number, receipt_url, shipping and payment_method_details are not read, and metadata keys naming personal
    data (customer_email, ...) are dropped from the metadata JSON (sources/common/privacy.py)."""
    metadata = _metadata(raw)
    customer = raw.get("customer")
    return {
        "account_id": account_id,
        "id": str(raw["id"]),
        "created": _at(raw.get("created"), "created"),
        "amount": raw.get("amount"),
        "amount_captured": raw.get("amount_captured"),
        "amount_refunded": raw.get("amount_refunded"),
        "currency": raw.get("currency"),
        "status": raw.get("status"),
        "paid": raw.get("paid"),
        "captured": raw.get("captured"),
        "refunded": raw.get("refunded"),
        "customer": pseudonymise(customer.get("id") if isinstance(customer, Mapping) else customer, pii_salt),
        "description": raw.get("description"),
        "payment_intent": raw.get("payment_intent"),
        "balance_transaction": raw.get("balance_transaction"),
        "failure_code": raw.get("failure_code"),
        **{key: metadata.get(key) or None for key in (*settings.UTM_KEYS, *settings.SHOPIFY_KEYS)},
        "metadata": json.dumps(without_personal_keys(metadata), sort_keys=True),
    }


def refund_row(raw: Mapping[str, Any], account_id: str) -> dict[str, Any]:
    """Shape one refund to the `refunds` raw contract."""
    return {
        "account_id": account_id,
        "id": str(raw["id"]),
        "charge": raw.get("charge"),
        "payment_intent": raw.get("payment_intent"),
        "created": _at(raw.get("created"), "created"),
        "amount": raw.get("amount"),
        "currency": raw.get("currency"),
        "status": raw.get("status"),
        "reason": raw.get("reason"),
        "balance_transaction": raw.get("balance_transaction"),
    }


def balance_transaction_row(raw: Mapping[str, Any], account_id: str) -> dict[str, Any]:
    """Shape one balance transaction to the `balance_transactions` raw contract."""
    return {
        "account_id": account_id,
        "id": str(raw["id"]),
        "type": raw.get("type"),
        "reporting_category": raw.get("reporting_category"),
        "source": raw.get("source"),
        "created": _at(raw.get("created"), "created"),
        "available_on": _at(raw.get("available_on"), "available_on"),
        "amount": raw.get("amount"),
        "fee": raw.get("fee"),
        "net": raw.get("net"),
        "currency": raw.get("currency"),
        "status": raw.get("status"),
        "description": raw.get("description"),
    }


RowShaper = Callable[[Mapping[str, Any], str], dict[str, Any]]


def account_chunks(
    client: StripeClient, path: str, schema: pa.Schema, shape: RowShaper, since: dt.datetime, until: dt.datetime
) -> Iterator[Chunk]:
    """A chunk per page of one account's objects created in [since, until), each object once (a cursor that
    points back repeats a page), then the account's read-through mark."""
    seen: set[str] = set()
    for page in client.list_pages(path, since, until):
        buffer = ColumnBuffer(schema)
        for raw in page:
            row = shape(raw, client.account_id)
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            buffer.append(row)
        if len(buffer):
            yield Chunk(client.account_id, buffer.flush())
    yield Chunk(client.account_id, read_through=until)


def list_chunks(
    clients: Sequence[tuple[StripeClient, dt.datetime]],
    path: str,
    schema: pa.Schema,
    shape: RowShaper,
    until: dt.datetime,
    workers: int = settings.MAX_WORKERS,
) -> Iterator[Chunk]:
    """Objects of each (account client, since) created from `since` to `until`, accounts fetched concurrently."""
    producers = [partial(account_chunks, client, path, schema, shape, since, until) for client, since in clients]
    yield from stream_parallel(producers, workers, name=settings.SOURCE_NAME)
