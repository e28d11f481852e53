"""Platform CSV exports dropped into a folder: Meta Ads Manager, TikTok Ads Manager and Shopify orders.

Every `*.csv` file under the exports folder is recognised by its header (sources/exports/detect.py), read
column-oriented with pyarrow.csv and loaded into dataset `raw_exports`:
- `meta_ads_manager`, merged on (account_id, ad_id, day);
- `tiktok_ads_manager`, merged on (advertiser_id, ad_id, day);
- `shopify_orders`, merged on (shop, order_name); `shopify_order_lines`, merged on (shop, order_name,
  line_position).
Every row keeps its `source_file` and `source_line`. Merging on these natural keys means the same file dropped twice
(or a later export overlapping an earlier one) replaces rows instead of adding them. A file that cannot be read is
rejected as a whole with an ExportFileError (file, line, reason); the other files still load and the caller gets
the rejections in `ExportBatch.errors`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from sources.common.dlt_settings import ensure_dlt_columns
from sources.exports.detect import META_ADS_MANAGER, SHOPIFY_ORDERS, TIKTOK_ADS_MANAGER, detect_kind
from sources.exports.errors import ExportFileError
from sources.exports.meta_ads_manager import parse_meta_ads_manager
from sources.exports.reader import read_export, read_header
from sources.exports.shopify_orders import parse_shopify_orders
from sources.exports.tiktok_ads_manager import parse_tiktok_ads_manager

__all__ = ["ExportBatch", "ExportFileError", "exports_source", "read_exports"]

SCHEMA_CONTRACT = {"tables": "evolve", "columns": "evolve", "data_type": "freeze"}
PRIMARY_KEYS = {
    "meta_ads_manager": ("account_id", "ad_id", "day"),
    "tiktok_ads_manager": ("advertiser_id", "ad_id", "day"),
    "shopify_orders": ("shop", "order_name"),
    "shopify_order_lines": ("shop", "order_name", "line_position"),
}


@dataclass
class ExportBatch:
    """The export files of one folder: parsed tables per raw table, the files loaded, and the rejected files."""

    tables: dict[str, list[pa.Table]] = field(default_factory=dict)
    loaded: dict[str, str] = field(default_factory=dict)  # file -> kind
    errors: list[ExportFileError] = field(default_factory=list)


def _shop_of(path: Path, root: Path, file: str) -> str:
    """A Shopify export's shop: the name of the folder it sits in below the exports folder."""
    if path.parent == root:
        raise ExportFileError(
            file,
            None,
            "a Shopify orders export does not name its shop: put it in a folder named after the shop "
            "(e.g. <exports>/my-shop/orders_export_1.csv)",
        )
    return path.parent.name


def _parse_file(path: Path, root: Path) -> tuple[str, dict[str, pa.Table]]:
    """(kind, tables) of one export file; raises ExportFileError."""
    file = path.relative_to(root).as_posix()
    header = read_header(path, file)
    try:
        kind = detect_kind(header)
    except ValueError as exc:
        raise ExportFileError(file, 1, str(exc)) from None
    frame = read_export(path, file, header)
    if kind == META_ADS_MANAGER:
        return kind, parse_meta_ads_manager(frame)
    if kind == TIKTOK_ADS_MANAGER:
        return kind, parse_tiktok_ads_manager(frame)
    return SHOPIFY_ORDERS, parse_shopify_orders(frame, _shop_of(path, root, file))


def read_exports(exports_dir: str | Path) -> ExportBatch:
    """Parse every `*.csv` file below `exports_dir` (sorted by path); collect the rejected files' errors."""
    root = Path(exports_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"exports folder {root} does not exist")
    batch = ExportBatch()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() == ".csv"):
        try:
            kind, tables = _parse_file(path, root)
        except ExportFileError as exc:
            batch.errors.append(exc)
            continue
        batch.loaded[path.relative_to(root).as_posix()] = kind
        for name, table in tables.items():
            batch.tables.setdefault(name, []).append(table)
    return batch


def _resource(name: str, tables: Sequence[pa.Table]) -> DltResource:
    """A merge resource yielding the parsed Arrow tables of one raw table."""

    def rows() -> Iterator[pa.Table]:
        yield from tables

    return dlt.resource(rows, name=name, write_disposition="merge", primary_key=PRIMARY_KEYS[name])


@dlt.source(name="exports", max_table_nesting=0, schema_contract=SCHEMA_CONTRACT)
def exports_source(exports_dir: str, batch: ExportBatch | None = None) -> Sequence[DltResource]:
    """The export files of `exports_dir` as resources meta_ads_manager, tiktok_ads_manager, shopify_orders and
    shopify_order_lines (only those with rows).

    Args:
        exports_dir: the folder the marketer drops the downloaded files into (sub-folders are read too).
        batch: the folder already parsed with `read_exports` (so the caller can report its rejected files);
            parsed here when not given, and rejected files are then only printed.
    """
    ensure_dlt_columns()
    if batch is None:
        batch = read_exports(exports_dir)
        for error in batch.errors:
            print(f"exports: rejected {error}")
    return [_resource(name, tables) for name, tables in batch.tables.items() if tables]
