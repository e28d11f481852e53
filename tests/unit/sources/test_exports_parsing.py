"""Parsing of the platform CSV exports (sources/exports): header detection, the real exports' quirks, and a clear
error naming file, line and reason for each bad file."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox.exports import SHOPIFY_COLUMNS, write_exports
from sandbox.people import shop_customer
from sandbox.world import build_world
from sources.common.privacy import pseudonymise
from sources.exports import read_exports
from sources.exports.detect import detect_kind
from sources.exports.reader import read_header

AS_OF = date(2025, 3, 1)
SALT = "exports-test-salt-0123456789"
GEOS = ("eu", "uk", "us")
META = "Reporting starts,Reporting ends,Account ID,Campaign name,Campaign ID,Ad set ID,Ad ID,Day,{spend},Impressions"


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def _shopify(rows: list[dict[str, str]]) -> str:
    lines = [",".join(SHOPIFY_COLUMNS)]
    lines += [",".join(row.get(c, "") for c in SHOPIFY_COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def _only_error(folder: Path) -> str:
    batch = read_exports(folder, SALT)
    assert batch.tables == {}
    assert len(batch.errors) == 1
    return str(batch.errors[0])


def test_header_detection_by_columns_not_file_name() -> None:
    assert detect_kind(["Day", "Amount spent (EUR)", "Ad ID"]) == "meta_ads_manager"
    assert detect_kind(["By Day", "Ad group name", "Cost", "Currency"]) == "tiktok_ads_manager"
    assert detect_kind(["Name", "Email", "Lineitem quantity"]) == "shopify_orders"
    with pytest.raises(ValueError, match="matches no supported export"):
        detect_kind(["Date", "Sessions"])


def test_sandbox_exports_parse_with_bom_header_currency_and_quoted_commas(tmp_path: Path) -> None:
    files = write_exports(tmp_path, AS_OF)
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbfReporting starts,")
    assert read_header(files[0], files[0].name)[0] == "Reporting starts"  # the byte-order mark is dropped
    batch = read_exports(tmp_path, SALT)
    assert batch.errors == []
    assert sorted(batch.loaded.values()) == ["meta_ads_manager"] * 2 + ["shopify_orders"] * 3 + ["tiktok_ads_manager"]
    meta = [row for t in batch.tables["meta_ads_manager"] for row in t.to_pylist()]
    world = build_world(AS_OF)
    assert len(meta) == len(world.ad_days_for("1001")) + len(world.ad_days_for("1002"))
    assert {r["currency"] for r in meta if r["account_id"] == "1002"} == {"EUR"}  # from "Amount spent (EUR)"
    with_comma = [r["campaign_name"] for r in meta if "," in (r["campaign_name"] or "")]
    assert with_comma and all(name.endswith(", v2") for name in with_comma)
    first = world.ad_days_for("1001")[0]
    row = next(r for r in meta if r["ad_id"] == first.ad.ad_id and r["day"] == first.day)
    assert row["spend"] == Decimal(world.seen_ad(first).spend_cents) / 100
    assert (row["impressions"], row["clicks"]) == (first.impressions, first.clicks)


def test_shopify_one_row_per_line_item_order_fields_on_first_row(tmp_path: Path) -> None:
    order = {"Name": "#1001", "Id": "55", "Currency": "eur", "Subtotal": "90.00", "Taxes": "17.10"}
    order |= {"Created at": "2025-01-05 14:23:11 +0100", "Email": " Ann@Example.com ", "Refunded Amount": "10.71"}
    rows = [
        order | {"Lineitem quantity": "1", "Lineitem price": "50.00", "Lineitem name": "Tee, organic"},
        {"Name": "#1001", "Lineitem quantity": "2", "Lineitem price": "20.00", "Lineitem discount": "0.00"},
        {"Name": "#1002", "Id": "56", "Currency": "EUR", "Subtotal": "5.00", "Taxes": "0.95"}
        | {"Created at": "2025-01-06 09:00:00 +0100", "Lineitem quantity": "1", "Lineitem price": "5.00"},
    ]
    _write(tmp_path, "shop-a/orders_export_1.csv", _shopify(rows).replace("Tee, organic", '"Tee, organic"'))
    batch = read_exports(tmp_path, SALT)
    assert batch.errors == []
    orders = batch.tables["shopify_orders"][0].to_pylist()
    lines = batch.tables["shopify_order_lines"][0].to_pylist()
    assert [(o["shop"], o["order_name"], o["order_id"], o["source_line"]) for o in orders] == [
        ("shop-a", "#1001", "55", 2),
        ("shop-a", "#1002", "56", 4),
    ]
    assert orders[0]["currency"] == "EUR" and orders[0]["customer_id"] == pseudonymise("ann@example.com", SALT)
    assert "email" not in orders[0]
    assert orders[0]["created_at"] == datetime(2025, 1, 5, 13, 23, 11, tzinfo=UTC)
    assert orders[0]["refunded_amount"] == Decimal("10.71")
    assert [(li["order_name"], li["line_position"], li["quantity"], li["source_line"]) for li in lines] == [
        ("#1001", 1, 1, 2),
        ("#1001", 2, 2, 3),
        ("#1002", 1, 1, 4),
    ]
    assert lines[0]["name"] == "Tee, organic"


@pytest.mark.parametrize(
    ("name", "content", "encoding", "expected"),
    [
        ("empty.csv", "", "utf-8", "empty.csv, line 1: the file is empty"),
        (
            "semi.csv",
            "Name;Lineitem quantity\n#1;1\n",
            "utf-8",
            "semi.csv, line 1: the columns are separated by semicolons",
        ),
        (
            "tabs.csv",
            "Name\tLineitem quantity\n#1\t1\n",
            "utf-8",
            "tabs.csv, line 1: the columns are separated by tabs",
        ),
        ("latin.csv", META.format(spend="Amount spent (EUR)") + "\n", "latin-1", None),
        (
            "nothing.csv",
            META.format(spend="Amount spent (USD)") + "\n",
            "utf-8",
            "nothing.csv, line 2: the file has a header but no rows",
        ),
        (
            "missing.csv",
            "Day,Amount spent (USD),Ad ID\n2025-01-01,1.00,9\n",
            "utf-8",
            "missing.csv, line 1: missing column(s) 'Account ID', 'Campaign ID', 'Ad set ID', 'Impressions'",
        ),
        (
            "extra.csv",
            META.format(spend="Amount spent (USD)")
            + "\n2025-01-01,2025-01-01,1001,a,1,2,3,2025-01-01,1.00,10\n"
            + "2025-01-02,2025-01-02,1001,a, b,1,2,3,2025-01-02,1.00,10\n",
            "utf-8",
            "extra.csv, line 3: 11 fields where the header has 10",
        ),
        (
            "currency.csv",
            META.format(spend="Amount spent (XYZ)") + "\n2025-01-01,2025-01-01,1001,a,1,2,3,2025-01-01,1.00,10\n",
            "utf-8",
            "currency.csv, line 1: unknown currency code 'XYZ'",
        ),
        (
            "number.csv",
            META.format(spend="Amount spent (USD)")
            + "\n2025-01-01,2025-01-01,1001,a,1,2,3,2025-01-01,1.00,10\n"
            + '2025-01-02,2025-01-02,1001,a,1,2,3,2025-01-02,"1,00",10\n',
            "utf-8",
            "number.csv, line 3: column 'Amount spent (USD)' value '1,00' is not a number",
        ),
    ],
)
def test_bad_file_is_rejected_with_file_line_and_reason(
    tmp_path: Path, name: str, content: str, encoding: str, expected: str | None
) -> None:
    if expected is None:  # non-UTF-8: a Latin-1 "é" in the second line
        content += "2025-01-01,2025-01-01,1001,Caf\u00e9,1,2,3,2025-01-01,1.00,10\n"
        expected = f"{name}, line 2: column 'Campaign name' is not UTF-8 encoded text"
    _write(tmp_path, name, content, encoding)
    assert _only_error(tmp_path).startswith(expected)


def test_unknown_tiktok_currency_names_its_line(tmp_path: Path) -> None:
    header = "Advertiser ID,Ad group name,Ad ID,By Day,Currency,Cost,Impressions"
    _write(tmp_path, "tt.csv", f"{header}\n7001,g,1,2025-01-01,USD,1.00,5\n7001,g,2,2025-01-01,US$,1.00,5\n")
    assert _only_error(tmp_path).startswith("tt.csv, line 3: unknown currency code 'US$'")


def test_shopify_export_outside_a_shop_folder_is_rejected_and_other_files_still_load(tmp_path: Path) -> None:
    write_exports(tmp_path / "ok", AS_OF)
    order = {"Name": "#1", "Id": "1", "Currency": "USD", "Subtotal": "1.00", "Taxes": "0.00"}
    order |= {"Created at": "2025-01-05 14:23:11 -0500", "Lineitem quantity": "1", "Lineitem price": "1.00"}
    _write(tmp_path, "orders_export_1.csv", _shopify([order]))
    batch = read_exports(tmp_path, SALT)
    assert [str(e) for e in batch.errors] == [
        "orders_export_1.csv: a Shopify orders export does not name its shop: put it in a folder named after the "
        "shop (e.g. <exports>/my-shop/orders_export_1.csv)"
    ]
    assert len(batch.loaded) == 6


def test_same_file_twice_loads_each_key_once(tmp_path: Path) -> None:
    write_exports(tmp_path, AS_OF)
    once = read_exports(tmp_path, SALT).tables
    for path in list(tmp_path.rglob("*.csv")):
        path.with_name(f"{path.stem} (1).csv").write_bytes(path.read_bytes())
    batch = read_exports(tmp_path, SALT)
    for name, [table] in batch.tables.items():
        assert table.num_rows == once[name][0].num_rows, name
    assert len(batch.restated) == len(batch.tables)


def test_overlapping_exports_keep_the_row_of_the_file_that_sorts_last(tmp_path: Path) -> None:
    """Two downloads of overlapping days, one folder per download date: the later one restates 2025-01-02, and its
    own file repeats that day's row with a later value, which wins too."""
    header = META.format(spend="Amount spent (USD)")
    _write(
        tmp_path,
        "2025-01-03/meta.csv",
        f"{header}\n2025-01-01,2025-01-02,1001,a,1,2,3,2025-01-01,1.00,10\n2025-01-01,2025-01-02,1001,a,1,2,3,2025-01-02,2.00,20\n",
    )
    _write(
        tmp_path,
        "2025-01-05/meta.csv",
        f"{header}\n2025-01-02,2025-01-04,1001,a,1,2,3,2025-01-02,2.50,25\n2025-01-02,2025-01-04,1001,a,1,2,3,2025-01-02,2.75,27\n"
        "2025-01-02,2025-01-04,1001,a,1,2,3,2025-01-04,4.00,40\n",
    )
    batch = read_exports(tmp_path, SALT)
    [table] = batch.tables["meta_ads_manager"]
    rows = sorted((r["day"], r["spend"], r["impressions"], r["source_file"]) for r in table.to_pylist())
    assert rows == [
        (date(2025, 1, 1), Decimal("1.00"), 10, "2025-01-03/meta.csv"),
        (date(2025, 1, 2), Decimal("2.75"), 27, "2025-01-05/meta.csv"),
        (date(2025, 1, 4), Decimal("4.00"), 40, "2025-01-05/meta.csv"),
    ]
    assert batch.restated == [
        "raw_exports.meta_ads_manager: 2 rows are restated by a later file (path order) or a later row of their file "
        "and are not loaded: 2025-01-03/meta.csv 1, 2025-01-05/meta.csv 1"
    ]


def test_shopify_exports_need_a_salt_and_keep_no_personal_data(tmp_path: Path) -> None:
    """The sandbox's Shopify exports carry each customer's email, names, addresses and phones. Without a salt they
    are rejected with the fix (the ad exports still load); with one, only the email's hash is kept."""
    write_exports(tmp_path, AS_OF)
    unsalted = read_exports(tmp_path)
    assert sorted(unsalted.loaded.values()) == ["meta_ads_manager"] * 2 + ["tiktok_ads_manager"]
    assert [str(e).split(":")[0] for e in unsalted.errors] == [f"northwind-{g}/orders_export_1.csv" for g in GEOS]
    assert all(
        "no salt is set: set pii_salt under [socialmart] in .dlt/secrets.toml" in str(e) for e in unsalted.errors
    )
    salted = read_exports(tmp_path, SALT)
    orders = [row for t in salted.tables["shopify_orders"] for row in t.to_pylist()]
    world_order = build_world(AS_OF).orders["northwind-uk"][3]
    person = shop_customer(world_order.customer_id, "uk")
    row = next(o for o in orders if o["order_id"] == str(world_order.id))
    assert row["customer_id"] == pseudonymise(person.email, SALT)
    loaded = repr([*orders, *(r for t in salted.tables["shopify_order_lines"] for r in t.to_pylist())])
    for value in (*person.identifying_values(), person.last_name, person.zip):
        assert value not in loaded
