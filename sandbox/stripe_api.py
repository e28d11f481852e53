"""Replica of the Stripe API list endpoints the Stripe connector uses (docs/sources/stripe.md).

Base `{url}/stripe/v1` (real: `https://api.stripe.com/v1`). Auth: `Authorization: Bearer <secret key>` (or basic
auth with the key as the user name); each key belongs to one Stripe account. `GET /v1/charges`, `/v1/refunds` and
`/v1/balance_transactions` answer list objects `{"object": "list", "data", "has_more", "url"}`, newest first,
with `limit` (1..100, default 10), `starting_after` / `ending_before` object-id cursors and `created[gt|gte|lt|lte]`
(unix seconds). Errors are `{"error": {"type", "code"?, "message", "param"?}}`: 401 invalid or missing key, 400
invalid parameters, injected 429 `rate_limit` (no Retry-After, as Stripe) and 500 `api_error`
(families stripe_charges, stripe_refunds, stripe_balance; group stripe). Amounts are integer minor units,
currencies lower case.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sandbox.credentials import STRIPE_API_KEYS
from sandbox.faults import FaultState
from sandbox.http_util import Response
from sandbox.stripe_payments import (
    STRIPE_ACCOUNTS_BY_ID,
    BalanceTransaction,
    StripeAccount,
    StripeCharge,
    StripeRefund,
    amount_refunded,
    balance_transactions_before,
    charges_before,
)
from sandbox.world import World

API_VERSION = "v1"
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
CREATED_OPERATORS = ("gt", "gte", "lt", "lte")
_ACCOUNT_BY_KEY = {key: account_id for account_id, key in STRIPE_API_KEYS.items()}
_NO_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer "
    "auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
)


class StripeError(Exception):
    """An error answered in Stripe's shape."""

    def __init__(
        self, status: int, type_: str, message: str, code: str | None = None, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.type, self.message, self.code, self.param = status, type_, message, code, param

    def body(self) -> dict[str, Any]:
        """The JSON error body."""
        error: dict[str, Any] = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
        if self.param:
            error["param"] = self.param
        return {"error": error}


def _bad(message: str, param: str, code: str = "parameter_invalid_integer") -> StripeError:
    return StripeError(400, "invalid_request_error", message, code, param)


def _unix(at: datetime) -> int:
    return int(at.timestamp())


class StripeApi:
    """Serves /stripe/v1/... for one world."""

    def __init__(self, world: World, faults: FaultState) -> None:
        self.world = world
        self.faults = faults
        self._seq = 0
        self._pointed_back: set[tuple[str, str, str]] = set()

    def handle(self, parts: list[str], query: dict[str, str], headers: dict[str, str]) -> Response:
        """Route a GET below /stripe/; parts are the path segments after 'stripe'."""
        self._seq += 1
        request_id = "req_" + hashlib.sha1(f"{parts}{self._seq}".encode()).hexdigest()[:14]
        routes: dict[tuple[str, ...], tuple[Callable[[str], Sequence[Any]], Callable[..., dict[str, Any]], str]] = {
            ("charges",): (self._charges, self._charge, "stripe_charges"),
            ("refunds",): (self._refunds, self._refund, "stripe_refunds"),
            ("balance_transactions",): (self._balance, self._balance_transaction, "stripe_balance"),
        }
        try:
            if not parts or parts[0] != API_VERSION or tuple(parts[1:]) not in routes:
                raise StripeError(
                    404, "invalid_request_error", f"Unrecognized request URL (GET: /{'/'.join(parts)}).", None
                )
            objects, render, family = routes[tuple(parts[1:])]
            outcome = self.faults.decide(family)
            if outcome == "throttle":
                raise StripeError(
                    429,
                    "invalid_request_error",
                    "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
                    "rate_limit",
                )
            if outcome == "server_error":
                raise StripeError(500, "api_error", "An unknown error occurred")
            account_id = self._auth(headers)
            body = self._list(family, account_id, "/" + "/".join(parts), objects(account_id), render, query)
            return Response(200, body, {"Request-Id": request_id})
        except StripeError as e:
            return Response(e.status, e.body(), {"Request-Id": request_id})

    def _auth(self, headers: dict[str, str]) -> str:
        """The account of the request's secret key (Bearer, or basic auth with the key as user)."""
        value = headers.get("authorization", "")
        scheme, _, credential = value.partition(" ")
        if scheme.lower() == "basic":
            try:
                credential = base64.b64decode(credential).decode().partition(":")[0]
            except ValueError:
                credential = ""
        elif scheme.lower() != "bearer":
            credential = ""
        credential = credential.strip()
        if not credential:
            raise StripeError(401, "invalid_request_error", _NO_KEY)
        if credential not in _ACCOUNT_BY_KEY:
            masked = credential[:8] + "*" * max(0, len(credential) - 12) + credential[-4:]
            raise StripeError(401, "invalid_request_error", f"Invalid API Key provided: {masked}")
        return _ACCOUNT_BY_KEY[credential]

    def _list(
        self,
        family: str,
        account_id: str,
        url: str,
        objects: Sequence[Any],
        render: Callable[..., dict[str, Any]],
        query: dict[str, str],
    ) -> dict[str, Any]:
        """A list object of the account's objects, newest first, filtered by created and paged by cursor."""
        limit = self._int(query, "limit", DEFAULT_LIMIT)
        if not 1 <= limit <= MAX_LIMIT:
            raise _bad(f"Invalid limit: must be between 1 and {MAX_LIMIT}", "limit", "parameter_invalid_integer")
        bounds = {op: self._int(query, f"created[{op}]", None) for op in CREATED_OPERATORS}
        if query.get("created") is not None:
            bounds["gte"] = bounds["lte"] = self._int(query, "created", None)
        items = [o for o in reversed(objects) if self._within(_unix(o.created_at), bounds)]
        items = self.faults.paged(family, items, limit)
        ids = [o.id for o in items]
        after, before = query.get("starting_after"), query.get("ending_before")
        if after and before:
            raise _bad("You may only specify one of these parameters: ending_before, starting_after.", "ending_before")
        if after:
            start = self._position(family, account_id, ids, after, "starting_after") + 1
            page, has_more = items[start : start + limit], start + limit < len(items)
        elif before:
            end = self._position(family, account_id, ids, before, "ending_before")
            page, has_more = items[max(0, end - limit) : end], end - limit > 0
        else:
            page, has_more = items[:limit], limit < len(items)
        account = STRIPE_ACCOUNTS_BY_ID[account_id]
        data = [self.faults.drifted(family, render(o, account)) for o in page]
        return {"object": "list", "data": data, "has_more": has_more, "url": url}

    def _position(self, family: str, account_id: str, ids: list[str], cursor: str, param: str) -> int:
        """Index of the cursor object. With a duplicate_page fault the first page is listed twice: the first time a
        repeated cursor is used it points back at the first copy (page 2 repeats page 1), after that at the last."""
        if cursor not in ids:
            raise StripeError(400, "invalid_request_error", f"No such object: '{cursor}'", "resource_missing", param)
        first, last = ids.index(cursor), len(ids) - 1 - ids[::-1].index(cursor)
        key = (family, account_id, cursor)
        if first != last and key not in self._pointed_back:
            self._pointed_back.add(key)
            return first
        return last

    @staticmethod
    def _within(created: int, bounds: dict[str, int | None]) -> bool:
        gt, gte, lt, lte = (bounds[op] for op in CREATED_OPERATORS)
        return (
            (gt is None or created > gt)
            and (gte is None or created >= gte)
            and (lt is None or created < lt)
            and (lte is None or created <= lte)
        )

    @staticmethod
    def _int(query: dict[str, str], name: str, default: int | None) -> int | None:
        raw = query.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise _bad(f"Invalid integer: {raw}", name) from None

    # ---- objects ------------------------------------------------------------------------------------------
    def _charges(self, account_id: str) -> Sequence[StripeCharge]:
        return charges_before(self.world.cutoff)[account_id]

    def _refunds(self, account_id: str) -> Sequence[StripeRefund]:
        charges = charges_before(self.world.cutoff)[account_id]
        refunds = [r for c in charges for r in c.visible_refunds(self.world.cutoff)]
        return sorted(refunds, key=lambda r: (r.created_at, r.id))

    def _balance(self, account_id: str) -> Sequence[BalanceTransaction]:
        return balance_transactions_before(self.world.cutoff)[account_id]

    def _charge(self, c: StripeCharge, account: StripeAccount) -> dict[str, Any]:
        refunded = amount_refunded(c, self.world.cutoff)
        failed = c.status == "failed"
        buyer = c.buyer
        ships = c.is_stripe_only and c.description.startswith("Made-to-order")
        return {
            "id": c.id,
            "object": "charge",
            "amount": c.amount,
            "amount_captured": c.amount_captured,
            "amount_refunded": refunded,
            "balance_transaction": c.balance_transaction,
            "billing_details": {
                "address": buyer.stripe_address(),
                "email": buyer.email,
                "name": buyer.name,
                "phone": buyer.phone,
            },
            "captured": c.captured,
            "created": _unix(c.created_at),
            "currency": account.currency,
            "customer": c.customer,
            "description": c.description,
            "disputed": False,
            "failure_code": "card_declined" if failed else None,
            "failure_message": "Your card was declined." if failed else None,
            "livemode": False,
            "metadata": dict(c.metadata),
            "outcome": {
                "network_status": "declined_by_network" if failed else "approved_by_network",
                "type": "issuer_declined" if failed else "authorized",
            },
            "paid": not failed,
            "payment_intent": c.payment_intent,
            "payment_method_details": {
                "type": "card",
                "card": {"brand": "visa", "country": buyer.country_code, "exp_month": 8, "exp_year": 2029},
            },
            "receipt_email": buyer.email,
            "receipt_number": None,
            "refunded": c.amount_captured > 0 and refunded >= c.amount_captured,
            "shipping": (
                {"address": buyer.stripe_address(), "carrier": None, "name": buyer.name, "phone": buyer.phone}
                if ships
                else None
            ),
            "statement_descriptor": None,
            "status": c.status,
        }

    def _refund(self, r: StripeRefund, account: StripeAccount) -> dict[str, Any]:
        return {
            "id": r.id,
            "object": "refund",
            "amount": r.amount,
            "balance_transaction": r.balance_transaction,
            "charge": r.charge_id,
            "created": _unix(r.created_at),
            "currency": account.currency,
            "metadata": {},
            "payment_intent": r.payment_intent,
            "reason": "requested_by_customer",
            "status": "succeeded",
        }

    def _balance_transaction(self, t: BalanceTransaction, account: StripeAccount) -> dict[str, Any]:
        currency = account.currency
        return {
            "id": t.id,
            "object": "balance_transaction",
            "amount": t.amount,
            "available_on": _unix(t.available_on),
            "created": _unix(t.created_at),
            "currency": currency,
            "description": None,
            "exchange_rate": None,
            "fee": t.fee,
            "fee_details": [
                {
                    "amount": t.fee,
                    "application": None,
                    "currency": currency,
                    "description": "Stripe processing fees",
                    "type": "stripe_fee",
                }
            ]
            if t.fee
            else [],
            "net": t.net,
            "reporting_category": t.type,
            "source": t.source,
            "status": "available" if t.available_on <= self.world.cutoff else "pending",
            "type": t.type,
        }
