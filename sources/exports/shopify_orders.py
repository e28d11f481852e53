"""Shopify "Export orders" CSV -> tables `shopify_orders` (one row per order) and `shopify_order_lines`.

The export has one row per line item; the order fields (Email, Financial Status, Currency, Subtotal, ...) are only
on each order's first row, and an order's rows are consecutive. The customer is the order's Email, loaded only as
its salted hash `customer_id` (sources/common/privacy.py); names, emails, phones and addresses (Billing *, Shipping
*, Phone, Notes) are never read into a table. The file does not name its shop, so the shop is
the name of the folder the file is in (DIR/<shop>/orders_export_1.csv). "Refunded Amount" is the total refunded,
tax included, with no refund date (the refund rule is applied in dbt: docs/sources/exports.md).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sources.common.arrow import MONEY, TIMESTAMP, field
from sources.common.privacy import pseudonymise_array
from sources.exports.detect import check_currency
from sources.exports.errors import ExportFileError
from sources.exports.reader import ExportFrame

__all__ = ["LINES_SCHEMA", "ORDERS_SCHEMA", "parse_shopify_orders"]

ORDERS_SCHEMA = pa.schema(
    [
        field("shop", pa.string(), nullable=False),
        field("order_name", pa.string(), nullable=False),
        field("order_id", pa.string()),
        field("customer_id", pa.string()),
        field("financial_status", pa.string()),
        field("fulfillment_status", pa.string()),
        field("currency", pa.string()),
        field("subtotal", MONEY),
        field("shipping", MONEY),
        field("taxes", MONEY),
        field("total", MONEY),
        field("discount_code", pa.string()),
        field("discount_amount", MONEY),
        field("refunded_amount", MONEY),
        field("created_at", TIMESTAMP),
        field("paid_at", TIMESTAMP),
        field("cancelled_at", TIMESTAMP),
        field("payment_method", pa.string()),
        field("tags", pa.string()),
        field("source", pa.string()),
        field("source_file", pa.string()),
        field("source_line", pa.int64()),
    ]
)
LINES_SCHEMA = pa.schema(
    [
        field("shop", pa.string(), nullable=False),
        field("order_name", pa.string(), nullable=False),
        field("line_position", pa.int64(), nullable=False),
        field("quantity", pa.int64()),
        field("name", pa.string()),
        field("price", MONEY),
        field("sku", pa.string()),
        field("discount", MONEY),
        field("source_file", pa.string()),
        field("source_line", pa.int64()),
    ]
)
_ADDRESS = ("Name", "Street", "Address1", "Address2", "Company", "City", "Zip", "Province", "Province Name",
            "Country", "Phone")  # fmt: skip
# The columns of Shopify's "Export orders" file this parser leaves out on purpose.
_NOT_LOADED = (
    *(f"{kind} {part}" for kind in ("Billing", "Shipping") for part in _ADDRESS),
    *("Fulfilled at", "Accepts Marketing", "Shipping Method", "Notes", "Note Attributes", "Vendor", "Phone"),
    *("Outstanding Balance", "Risk Level", "Employee", "Location", "Device ID", "Receipt Number", "Payment ID"),
    *("Lineitem compare at price", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status"),
)
_ORDER_COLUMNS = ("Name", "Id", "Currency", "Subtotal", "Taxes", "Created at", "Lineitem quantity", "Lineitem price")


def _positions(names: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(is the order's first row, 1-based line position in the order) for consecutive rows of the same Name."""
    values = np.asarray(names.to_numpy(zero_copy_only=False), dtype=object)
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    rows = np.arange(len(values))
    starts = np.maximum.accumulate(np.where(first, rows, 0))
    return first, rows - starts + 1


def parse_shopify_orders(frame: ExportFrame, shop: str, pii_salt: str) -> dict[str, pa.Table]:
    """The file's rows as tables `shopify_orders` and `shopify_order_lines`; raises ExportFileError.

    `customer_id` is the salted hash of the lower-cased, trimmed Email (null without one)."""
    frame.require(*_ORDER_COLUMNS, hint=": export all columns (Export orders -> CSV for Excel or plain CSV file)")
    frame.known(*_NOT_LOADED)
    names = frame.text("Name", required=True)
    first, position = _positions(names)
    is_first = pa.array(first)
    orders_taken = frame.table.filter(is_first)
    if len(pc.unique(names)) != len(orders_taken):
        row = _first_repeated_name(names, first)
        raise frame.error(row, f"the rows of order {names[row].as_py()!r} are not together: export the file again")
    order_frame = frame.subset(orders_taken)
    currency = pc.utf8_upper(order_frame.text("Currency", required=True))
    order_lines = pa.array(np.flatnonzero(first) + 2, pa.int64())
    for code in pc.unique(currency).to_pylist():
        problem = check_currency(code)
        if problem:
            index = int(np.flatnonzero(pc.equal(currency, code).to_numpy(zero_copy_only=False))[0])
            raise frame.error(int(order_lines[index].as_py()) - 2, problem)
    n = order_frame.num_rows
    try:
        orders = {
            "shop": pa.array([shop] * n, pa.string()),
            "order_name": order_frame.text("Name"),
            "order_id": order_frame.text("Id", required=True),
            "customer_id": pseudonymise_array(pc.utf8_lower(order_frame.text("Email")), pii_salt),
            "financial_status": order_frame.text("Financial Status"),
            "fulfillment_status": order_frame.text("Fulfillment Status"),
            "currency": currency,
            "subtotal": order_frame.decimal("Subtotal", required=True),
            "shipping": order_frame.decimal("Shipping"),
            "taxes": order_frame.decimal("Taxes", required=True),
            "total": order_frame.decimal("Total"),
            "discount_code": order_frame.text("Discount Code"),
            "discount_amount": order_frame.decimal("Discount Amount"),
            "refunded_amount": order_frame.decimal("Refunded Amount"),
            "created_at": order_frame.timestamp("Created at", required=True),
            "paid_at": order_frame.timestamp("Paid at"),
            "cancelled_at": order_frame.timestamp("Cancelled at"),
            "payment_method": order_frame.text("Payment Method"),
            "tags": order_frame.text("Tags"),
            "source": order_frame.text("Source"),
            "source_file": pa.array([frame.file] * n, pa.string()),
            "source_line": order_lines,
        }
    except ExportFileError as exc:  # an order-row error: point at the file line, not the order's index
        if exc.line is None:
            raise
        raise frame.error(int(order_lines[exc.line - 2].as_py()) - 2, exc.reason) from None
    lines = {
        "shop": pa.array([shop] * frame.num_rows, pa.string()),
        "order_name": names,
        "line_position": pa.array(position, pa.int64()),
        "quantity": frame.integer("Lineitem quantity", required=True),
        "name": frame.text("Lineitem name"),
        "price": frame.decimal("Lineitem price", required=True),
        "sku": frame.text("Lineitem sku"),
        "discount": frame.decimal("Lineitem discount"),
        "source_file": pa.array([frame.file] * frame.num_rows, pa.string()),
        "source_line": frame.lines(),
    }
    return {
        "shopify_orders": pa.Table.from_arrays([orders[f.name] for f in ORDERS_SCHEMA], schema=ORDERS_SCHEMA),
        "shopify_order_lines": pa.Table.from_arrays([lines[f.name] for f in LINES_SCHEMA], schema=LINES_SCHEMA),
    }


def _first_repeated_name(names: pa.Array, first: np.ndarray) -> int:
    """The first row that starts a second run of rows of an order name already seen."""
    seen: set[str] = set()
    for row in np.flatnonzero(first):
        name = names[int(row)].as_py()
        if name in seen:
            return int(row)
        seen.add(name)
    raise AssertionError("no repeated order name")
